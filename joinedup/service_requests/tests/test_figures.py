import datetime

import pytest
from django.utils import timezone

from joinedup.service_requests import selectors
from joinedup.service_requests.models import Feedback, Status
from joinedup.service_requests.tests.factories import CategoryFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
START, END = NOW - datetime.timedelta(days=30), NOW + datetime.timedelta(days=1)


def closed_request(council, category, *, days_to_close, within_target=True, channel="web", **extra):
    created = NOW - datetime.timedelta(days=20)
    closed = created + datetime.timedelta(days=days_to_close)
    expected = timezone.localdate(closed) + datetime.timedelta(days=1 if within_target else -1)
    request = ServiceRequestFactory(
        council=council,
        category=category,
        status=Status.FIXED,
        closed_at=closed,
        expected_by=expected,
        channel=channel,
        **extra,
    )
    type(request).objects.filter(pk=request.pk).update(created_at=created)
    return request


def test_time_to_close_median_p90_and_within_target(council):
    bins = CategoryFactory(council=council, name="Missed bin")
    for days, within in [(1, True), (2, True), (3, True), (4, False), (10, False)]:
        closed_request(council, bins, days_to_close=days, within_target=within)
    ServiceRequestFactory(council=council, category=bins)  # still open: not counted
    figures = selectors.figures_time_to_close(council=council, start=START, end=END)
    assert figures == {"Missed bin": {"closed": 5, "median_days": 3.0, "p90_days": 7.6, "percent_within_target": 60.0}}


def test_requests_by_channel_is_the_digital_take_up(council, partner_council):
    category = CategoryFactory(council=council)
    for channel in ["web", "web", "web", "phone", "api"]:
        ServiceRequestFactory(council=council, category=category, channel=channel)
    ServiceRequestFactory(council=partner_council, channel="phone")  # another council's: not counted
    assert selectors.figures_by_channel(council=council, start=START, end=END) == {"web": 3, "phone": 1, "api": 1}


def test_chasers_satisfaction_and_reopened(council):
    category = CategoryFactory(council=council)
    a = closed_request(council, category, days_to_close=2, chaser_count=2, dispute_count=1)
    b = closed_request(council, category, days_to_close=2, chaser_count=1)
    closed_request(council, category, days_to_close=2)
    Feedback.objects.create(request=a, rating=2, channel="web")
    Feedback.objects.create(request=b, rating=5, channel="web")
    assert selectors.figures_summary(council=council, start=START, end=END) == {
        "requests": 3,
        "chasers": 3,
        "reopened_after_dispute": 1,
        "satisfaction_responses": 2,
        "percent_satisfied": 50.0,
        "average_rating": 3.5,
    }
