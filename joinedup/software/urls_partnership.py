from django.urls import path

from joinedup.software import views

app_name = "software_partnership"

urlpatterns = [
    path("", views.partnership_overview, name="overview"),
]
