"""Demo figures: the rollups of the demo councils worked out from their requests, and Boston's
channel costs for this financial year, so the figures pages have something to show. Safe to run again."""

from decimal import Decimal

from django.db.models import Min
from django.utils import timezone

from joinedup.councils.models import Council
from joinedup.figures import rollups
from joinedup.figures.models import ChannelCost
from joinedup.figures.periods import YEAR, period_of
from joinedup.service_requests.models import ServiceRequest

# A year's cost of each of Boston's channels (made-up, in the shape of the service manual's components).
BOSTON_COSTS = {
    "web": {"equipment": Decimal("18000"), "staff": Decimal("12000"), "assisted_digital": Decimal("3000")},
    "phone": {"staff": Decimal("96000"), "accommodation": Decimal("14000"), "communications": Decimal("6000")},
    "face_to_face": {"staff": Decimal("30000"), "accommodation": Decimal("12000")},
    "email": {"staff": Decimal("15000")},
    "api": {"equipment": Decimal("2500")},
}


def seed_figures() -> None:
    today = timezone.localdate()
    for council in Council.objects.all():
        first = ServiceRequest.objects.filter(council=council).aggregate(first=Min("created_at"))["first"]
        if first is not None:
            rollups.rebuild(council.pk, rollups.local_day(first), today)
    boston = Council.objects.filter(slug="boston").first()
    if boston is None:
        return
    year = period_of(YEAR, today)
    for channel, components in BOSTON_COSTS.items():
        ChannelCost.objects.get_or_create(
            council=boston,
            channel=channel,
            period_start=year.start,
            defaults={"period_end": year.end, **components},
        )
