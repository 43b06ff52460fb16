"""The completion rate's counts: each online report journey's start and the steps it reached, as counts only."""

import pytest
from django.test import Client
from django.utils import timezone

from joinedup.figures.models import JourneyDaily, RequestDaily
from joinedup.figures.periods import MONTH, period_of
from joinedup.figures.selectors import council_figures
from joinedup.service_requests.tests.test_public_views import report_until_check, url

pytestmark = pytest.mark.django_db


def counts(council):
    return dict(JourneyDaily.objects.filter(council=council).values_list("step", "count"))


def test_journeys_are_counted_by_step_without_identifying_anyone(
    council, category, immediate_tasks, django_capture_on_commit_callbacks
):
    finished, abandoned = Client(), Client()
    with django_capture_on_commit_callbacks(execute=True):
        report_until_check(finished, council, category)
        finished.get(url(council, "report-check"))
        finished.get(url(council, "report-check"))  # a step seen twice counts once
        finished.post(url(council, "report-check"), {"website": ""})
    with django_capture_on_commit_callbacks(execute=True):
        abandoned.post(url(council, "report-category"), {"category": category.slug})
        abandoned.get(url(council, "report-location"))  # sent back to the first question: not reached
    got = counts(council)
    assert got["started"] == 2
    assert got["report-category"] == 2
    assert got["report-question"] == 1  # the abandoned journey never got past choosing the category
    assert got["report-check"] == 1 and got["sent"] == 1
    assert "supported" not in got
    # Only the session the form needs: no other cookie.
    assert set(finished.cookies) <= {"sessionid", "csrftoken"}
    # The request made counts too, and the completion rate is 1 of 2.
    assert RequestDaily.objects.filter(council=council).get().made == 1
    figures = council_figures(council=council, period=period_of(MONTH, timezone.localdate()), public=False)
    assert next(m for m in figures["measures"] if m["key"] == "completion_rate")["value"] == 50.0
    # A new report after sending is a new journey.
    with django_capture_on_commit_callbacks(execute=True):
        finished.post(url(council, "report-category"), {"category": category.slug})
    assert counts(council)["started"] == 3
