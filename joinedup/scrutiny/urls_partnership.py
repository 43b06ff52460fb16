"""Scrutiny pages for a whole partnership (joint panels): /partnerships/<slug>/scrutiny/ ..."""

from joinedup.scrutiny.urls_common import workspace_patterns

app_name = "scrutiny_partnership"

urlpatterns = workspace_patterns("")
