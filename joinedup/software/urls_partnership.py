from django.urls import path

from joinedup.software import views

app_name = "software_partnership"

urlpatterns = [
    path("", views.partnership_overview, name="overview"),
    path("dashboard/", views.partnership_dashboard, name="dashboard"),
    path("renewals.ics", views.partnership_renewals_ical, name="renewals-ical"),
    path("download/<slug:table>.<slug:fmt>", views.partnership_export, name="export"),
]
