"""Residents' pages, under the council's prefix: /boston/report/, /boston/requests/BBC-000123/ ..."""

from django.urls import path

from joinedup.service_requests import views_public as views

urlpatterns = [
    # Report a problem: one question a page, nothing saved until the last one.
    path("report/", views.report_start, name="report-start"),
    path("report/category/", views.report_category, name="report-category"),
    path("report/questions/<slug:code>/", views.report_question, name="report-question"),
    path("report/stop/", views.report_stop, name="report-stop"),
    path("report/location/", views.report_location, name="report-location"),
    path("report/describe/", views.report_description, name="report-description"),
    path("report/photos/", views.report_photos, name="report-photos"),
    path("report/photos/<str:name>/", views.report_photo_preview, name="report-photo-preview"),
    path("report/contact/", views.report_contact, name="report-contact"),
    path("report/similar/", views.report_similar, name="report-similar"),
    path("report/check/", views.report_check, name="report-check"),
    path("report/sent/", views.report_sent, name="report-sent"),
    path("report/supported/", views.report_supported, name="report-supported"),
    # Track a request.
    path("requests/find/", views.find, name="find"),
    path("requests/<str:reference>/", views.track, name="track"),
    path("requests/<str:reference>/support/", views.support, name="support"),
    path("requests/<str:reference>/update/", views.resident_update, name="update"),
    path("requests/<str:reference>/dispute/", views.dispute, name="dispute"),
    path("requests/<str:reference>/feedback/<str:token>/", views.feedback, name="feedback"),
    path("requests/<str:reference>/photos/<int:pk>/", views.photo, name="photo"),
    path("requests/<str:reference>/photos/<int:pk>/thumb/", views.photo_thumbnail, name="photo-thumb"),
]
