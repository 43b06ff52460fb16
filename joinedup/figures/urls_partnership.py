"""Figures pages for a whole partnership: /partnerships/<slug>/figures/ ..."""

from django.urls import path  # noqa: F401

app_name = "figures_partnership"

urlpatterns = []
