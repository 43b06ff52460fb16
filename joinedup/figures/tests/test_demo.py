import pytest
from django.utils import timezone

from joinedup.core.demo import seed_demo
from joinedup.councils.models import Council
from joinedup.figures.periods import YEAR, period_of
from joinedup.figures.selectors import council_figures
from joinedup.service_requests.models import ServiceRequest

pytestmark = pytest.mark.django_db


def test_the_demo_has_figures_to_show_and_seeding_twice_changes_nothing():
    seed_demo(password="correct-horse-battery-staple")
    boston = Council.objects.get(slug="boston")
    period = period_of(YEAR, timezone.localdate())
    first = council_figures(council=boston, period=period, public=False)
    values = {m["key"]: m["value"] for m in first["measures"]}
    assert values["requests_made"] == ServiceRequest.objects.filter(council=boston).count() > 0
    assert values["cost_per_request"] is not None
    seed_demo(password="correct-horse-battery-staple")
    assert council_figures(council=boston, period=period, public=False)["measures"] == first["measures"]
