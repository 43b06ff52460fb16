"""Figures pages for a whole partnership: /partnerships/<slug>/figures/ ..."""

from django.urls import path

from joinedup.figures import views

app_name = "figures_partnership"

urlpatterns = [
    path("", views.partnership_page, name="partnership"),
    path("<slug:table>.<str:fmt>", views.partnership_download, name="download"),
]
