"""Reading the rollups: sums over a council's days, for the figures' selectors and tables.

Each function takes the council explicitly and reads only the rollup tables (see models.py).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Sum
from django.utils import timezone

from joinedup.figures.models import (
    COUNT_FIELDS,
    ChannelCost,
    EnquiryDaily,
    JourneyDaily,
    OverdueSnapshot,
    RequestDaily,
    ResolutionDaily,
)
from joinedup.figures.periods import Period
from joinedup.service_requests.models import Channel

SCHEMA = "joinedup-figures/1"
DIGITAL = (Channel.WEB, Channel.API)
JOURNEY_STEPS = [
    ("report-category", "Chose the kind of problem"),
    ("report-question", "Answered questions about it"),
    ("report-location", "Said where it is"),
    ("report-description", "Described it"),
    ("report-photos", "Added photos (or chose not to)"),
    ("report-contact", "Gave contact details"),
    ("report-similar", "Saw similar reports nearby"),
    ("report-check", "Checked their answers"),
    ("sent", "Sent the report"),
    ("supported", "Added support to a report already made"),
]
SATISFACTION_LABELS = {
    5: "Very satisfied",
    4: "Satisfied",
    3: "Neither satisfied or dissatisfied",
    2: "Dissatisfied",
    1: "Very dissatisfied",
}


@dataclass(frozen=True)
class Filters:
    """Narrow the figures to one category or one service area (by slug, matched in each council)."""

    category: str = ""
    service_area: str = ""

    def as_dict(self) -> dict:
        return {"category": self.category or None, "service_area": self.service_area or None}

    @property
    def any(self) -> bool:
        return bool(self.category or self.service_area)


NO_FILTERS = Filters()


def _narrow(queryset, filters: Filters, *, area_field="category__service_area__slug", category_field="category__slug"):
    if filters.category:
        queryset = queryset.filter(**{category_field: filters.category})
    if filters.service_area:
        queryset = queryset.filter(**{area_field: filters.service_area})
    return queryset


def _in(queryset, council, period: Period):
    return queryset.filter(council=council, day__gte=period.start, day__lte=period.end)


# Numbers


def _pct(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def percentile(histogram: dict[int, int], fraction: float) -> int | None:
    """Nearest-rank percentile of a histogram {working days: count}: the smallest number of days
    with at least `fraction` of the requests taking that long or less."""
    total = sum(histogram.values())
    if not total:
        return None
    needed = fraction * total
    running = 0
    for days in sorted(histogram):
        running += histogram[days]
        if running >= needed - 1e-9:
            return days
    return max(histogram)


def satisfaction_scores(points: dict[int, int]) -> tuple[float | None, float | None]:
    """(top-two-box %, Performance Platform score 0–100) from counts per point 1..5."""
    total = sum(points.values())
    if not total:
        return None, None
    top_two = 100 * (points.get(4, 0) + points.get(5, 0)) / total
    mean = sum(point * count for point, count in points.items()) / total
    return round(top_two, 1), round(100 * (mean - 1) / 4, 1)


# Reading the rollups


def request_totals(*, council, period: Period, filters: Filters = NO_FILTERS) -> dict[str, int]:
    """Every RequestDaily count summed over the period."""
    totals = _narrow(_in(RequestDaily.objects, council, period), filters).aggregate(
        **{name: Sum(name) for name in COUNT_FIELDS}
    )
    return {name: value or 0 for name, value in totals.items()}


def requests_by_channel(*, council, period: Period, filters: Filters = NO_FILTERS) -> dict[str, dict[str, int]]:
    rows = (
        _narrow(_in(RequestDaily.objects, council, period), filters)
        .values("channel")
        .annotate(made=Sum("made"), made_assisted=Sum("made_assisted"))
    )
    return {row["channel"]: {"made": row["made"] or 0, "made_assisted": row["made_assisted"] or 0} for row in rows}


def resolution_histogram(*, council, period: Period, filters: Filters = NO_FILTERS, by_category=False) -> dict:
    """{working days: count} for the period, or {category id: {working days: count}} by category."""
    queryset = _narrow(_in(ResolutionDaily.objects, council, period), filters)
    fields = ("category_id", "working_days") if by_category else ("working_days",)
    rows = queryset.values(*fields).annotate(total=Sum("count"))
    if by_category:
        result: dict[int, dict[int, int]] = defaultdict(dict)
        for row in rows:
            result[row["category_id"]][row["working_days"]] = row["total"]
        return dict(result)
    return {row["working_days"]: row["total"] for row in rows}


def journey_counts(*, council, period: Period) -> dict[str, int]:
    rows = _in(JourneyDaily.objects, council, period).values("step").annotate(total=Sum("count"))
    return {row["step"]: row["total"] for row in rows}


def enquiry_totals(*, council, period: Period, filters: Filters = NO_FILTERS, by_area=False):
    fields = [
        "enquiries",
        "enquiries_answered",
        "enquiries_answered_within_target",
        "escalations",
        "escalations_answered",
    ]
    queryset = _in(EnquiryDaily.objects, council, period)
    if filters.service_area:
        queryset = queryset.filter(service_area__slug=filters.service_area)
    if filters.category:
        queryset = queryset.filter(service_area__categories__slug=filters.category)
    if by_area:
        rows = queryset.values("service_area_id", "service_area__name").annotate(**{f: Sum(f) for f in fields})
        return [{**row, **{f: row[f] or 0 for f in fields}} for row in rows.order_by("service_area__name")]
    totals = queryset.aggregate(**{f: Sum(f) for f in fields})
    return {f: totals[f] or 0 for f in fields}


def _snapshot_day(council, day: datetime.date) -> datetime.date | None:
    return OverdueSnapshot.objects.filter(council=council, day__lte=day).aggregate(day=Max("day"))["day"]


def overdue_at(*, council, day: datetime.date, filters: Filters = NO_FILTERS, by_category=False):
    """Open and overdue requests at the end of `day` (the latest snapshot on or before it)."""
    snapshot_day = _snapshot_day(council, min(day, timezone.localdate()))
    queryset = _narrow(OverdueSnapshot.objects.filter(council=council, day=snapshot_day), filters)
    if by_category:
        return {
            row["category_id"]: (row["open_count"], row["overdue_count"])
            for row in queryset.values("category_id", "open_count", "overdue_count")
        }
    totals = queryset.aggregate(open=Sum("open_count"), overdue=Sum("overdue_count"))
    return {"day": snapshot_day, "open": totals["open"] or 0, "overdue": totals["overdue"] or 0}


def overdue_trend(*, council, period: Period, filters: Filters = NO_FILTERS) -> list[dict]:
    """Open and overdue requests at the end of each week (Sunday) of the period, as recorded then."""
    queryset = _narrow(_in(OverdueSnapshot.objects, council, period), filters)
    by_day = {
        row["day"]: row for row in queryset.values("day").annotate(open=Sum("open_count"), overdue=Sum("overdue_count"))
    }
    weeks = []
    for day in sorted(by_day):
        if day.weekday() == 6 or day == max(by_day):
            weeks.append({"week_ending": day, "open": by_day[day]["open"], "overdue": by_day[day]["overdue"]})
    return weeks


def channel_costs(*, council, period: Period) -> dict[str, Decimal]:
    """Each channel's cost in the period: entries overlapping it, in proportion to the days they share."""
    costs: dict[str, Decimal] = defaultdict(Decimal)
    for entry in ChannelCost.objects.filter(
        council=council, period_start__lte=period.end, period_end__gte=period.start
    ):
        overlap = (min(entry.period_end, period.end) - max(entry.period_start, period.start)).days + 1
        length = (entry.period_end - entry.period_start).days + 1
        costs[entry.channel] += entry.total * overlap / length
    return dict(costs)
