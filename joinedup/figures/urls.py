"""Figures pages for one council, under its prefix: /boston/figures/ ..."""

from django.urls import path

from joinedup.figures import views, views_staff

app_name = "figures"

urlpatterns = [
    path("figures/", views.council_page, name="council"),
    path("figures/<slug:table>.<str:fmt>", views.council_download, name="download"),
    path("figures/feedback/", views_staff.feedback_comments, name="feedback"),
    path("figures/costs/", views_staff.channel_costs, name="costs"),
]
