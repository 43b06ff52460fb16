"""Scrutiny pages for one council, under its prefix: /boston/scrutiny/ ..."""

from django.urls import path  # noqa: F401

app_name = "scrutiny"

urlpatterns = []
