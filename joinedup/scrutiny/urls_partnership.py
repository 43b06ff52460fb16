"""Scrutiny pages for a whole partnership: /partnerships/<slug>/scrutiny/ ..."""

from django.urls import path  # noqa: F401

app_name = "scrutiny_partnership"

urlpatterns = []
