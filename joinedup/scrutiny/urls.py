"""Scrutiny pages for one council, under its prefix: /boston/scrutiny/ ..."""

from django.urls import path

from joinedup.scrutiny import views, views_report
from joinedup.scrutiny.urls_common import workspace_patterns

app_name = "scrutiny"

urlpatterns = [
    *workspace_patterns("scrutiny/"),
    # The public's suggestion form: no sign-in.
    path("scrutiny/suggest/", views.suggest, name="suggest"),
    path("scrutiny/suggest/thank-you/", views.suggest_done, name="suggest-done"),
    path("scrutiny/portfolio-holder-pack/", views_report.holder_pack, name="holder-pack"),
]
