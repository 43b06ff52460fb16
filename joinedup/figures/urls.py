"""Figures pages for one council, under its prefix: /boston/figures/ ..."""

from django.urls import path  # noqa: F401

app_name = "figures"

urlpatterns = []
