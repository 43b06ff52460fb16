from django.urls import path

from joinedup.councils import views

app_name = "councils"

urlpatterns = [
    path("", views.council_home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("cookies/", views.cookies_page, name="cookies"),
    path("feedback/", views.feedback_page, name="feedback"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/settings/", views.council_settings, name="settings"),
    path("staff/service-areas/new/", views.service_area_edit, name="service-area-create"),
    path("staff/service-areas/<int:pk>/edit/", views.service_area_edit, name="service-area-edit"),
    path("staff/wards/", views.staff_ward_list, name="staff-wards"),
    path("staff/history/<str:model_label>/<str:pk>/", views.record_history, name="history"),
]
