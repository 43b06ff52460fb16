"""Staff pages for Open311 API keys, included under /<council_slug>/staff/api-keys/."""

from django.urls import path

from joinedup.service_requests.open311 import views_staff as views

urlpatterns = [
    path("", views.key_index, name="staff-open311-keys"),
    path("new/", views.key_create, name="staff-open311-key-create"),
    path("<int:pk>/", views.key_created, name="staff-open311-key-created"),
    path("<int:pk>/revoke/", views.key_revoke, name="staff-open311-key-revoke"),
]
