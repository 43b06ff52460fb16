"""Councillor pages, under a council's prefix: /boston/wards/, /boston/councillors/ ..."""

from django.urls import path

from joinedup.councillors import views

app_name = "councillors"

urlpatterns = [
    # Public: who represents each ward.
    path("wards/", views.ward_list, name="wards"),
    path("wards/<str:gss_code>/", views.ward_profile, name="ward"),
    # A councillor's pages.
    path("councillors/", views.home, name="home"),
    path("councillors/preferences/", views.preferences, name="preferences"),
    path("councillors/wards/<str:gss_code>/", views.dashboard, name="dashboard"),
    path("councillors/requests/<str:reference>/", views.request_detail, name="request"),
    path("councillors/requests/<str:reference>/escalate/", views.escalate, name="escalate"),
    path("councillors/requests/<str:reference>/follow/", views.follow, name="follow"),
    path("councillors/enquiries/new/", views.enquiry_create, name="enquiry-create"),
    path("councillors/enquiries/<str:reference>/", views.enquiry_detail, name="enquiry"),
    # A resident's own record of enquiries made for them.
    path("councillors/about-me/", views.resident_enquiries, name="resident-enquiries"),
    # Staff.
    path("staff/councillors/", views.staff_list, name="staff-list"),
    path("staff/councillors/import/", views.staff_import, name="staff-import"),
    path("staff/councillors/settings/", views.staff_settings, name="staff-settings"),
    path("staff/councillors/enquiries/", views.staff_enquiries, name="staff-enquiries"),
    path(
        "staff/councillors/escalations/<int:pk>/answer/",
        views.staff_escalation_answer,
        name="staff-escalation-answer",
    ),
]
