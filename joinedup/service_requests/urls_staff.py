from django.urls import path

from joinedup.service_requests import views_staff as views

urlpatterns = [
    path("requests/<str:reference>/", views.request_detail, name="staff-detail"),
]
