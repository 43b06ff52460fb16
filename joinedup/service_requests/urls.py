"""Service request pages, under a council's prefix: /boston/report/, /boston/staff/requests/ ..."""

from django.urls import include, path

app_name = "service_requests"

urlpatterns = [
    path("", include("joinedup.service_requests.urls_public")),
    path("staff/", include("joinedup.service_requests.urls_staff")),
]
