"""
The figures' public selector API. Every function reads the rollups (never the raw request rows),
takes the council or partnership explicitly, and returns plain data (dicts, lists, numbers,
strings, ISO dates) that pages, downloads, the scrutiny report and tests can all use as they are.

    from joinedup.figures.periods import period_from_query, period_of
    from joinedup.figures.selectors import Filters, council_figures, partnership_figures

    period = period_of("year", datetime.date(2026, 6, 1))       # April 2026 to March 2027
    figures = council_figures(council=boston, period=period, filters=Filters(), public=True)
    figures["measures"]      # list of headline measures, each:
        # {"key", "label", "unit", "explanation", "value", "previous", "year_before", "suppressed": [..]}
        # value/previous/year_before are numbers or None (None: not available, or suppressed: the
        # name of the column is then in "suppressed", one of "value", "previous", "year_before")
    figures["tables"]        # {table key: {"key", "title", "explanation", "columns": [{"key", "label",
        #  "unit"}], "rows": [{column key: value, ..., "suppressed": [column keys]}]}}
    figures["summary"]       # a few sentences saying what the figures show
    partnership_figures(partnership=p, period=period, filters=Filters(), public=True)
        # {"partnership", "period", "filters", "councils": [{"name", "slug", "gss_code"}],
        #  "measures": [{"key", "label", "unit", "explanation", "values": {slug: value},
        #                "suppressed": [slugs]}], "tables": {"comparison": table}, "by_council": {slug: figures}}

`public=True` (the default) suppresses small counts: a count from 1 to 4, and any rate or time
worked out from fewer than 5, is None with its column named in "suppressed". Members' and staff
pages may pass public=False to see every number.

Units: "count", "percent" (0–100, one decimal place), "days" (working days), "score" (0–100),
"per100" (per 100 requests), "money" (pounds, two decimal places). See docs/figures.md.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Sum
from django.utils import timezone

from joinedup.figures.measures import MEASURES, is_small
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


def request_totals(*, council, period: Period, filters: Filters = Filters()) -> dict[str, int]:
    """Every RequestDaily count summed over the period."""
    totals = _narrow(_in(RequestDaily.objects, council, period), filters).aggregate(
        **{name: Sum(name) for name in COUNT_FIELDS}
    )
    return {name: value or 0 for name, value in totals.items()}


def requests_by_channel(*, council, period: Period, filters: Filters = Filters()) -> dict[str, dict[str, int]]:
    rows = (
        _narrow(_in(RequestDaily.objects, council, period), filters)
        .values("channel")
        .annotate(made=Sum("made"), made_assisted=Sum("made_assisted"))
    )
    return {row["channel"]: {"made": row["made"] or 0, "made_assisted": row["made_assisted"] or 0} for row in rows}


def resolution_histogram(*, council, period: Period, filters: Filters = Filters(), by_category=False) -> dict:
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


def enquiry_totals(*, council, period: Period, filters: Filters = Filters(), by_area=False):
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


def overdue_at(*, council, day: datetime.date, filters: Filters = Filters(), by_category=False):
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


def overdue_trend(*, council, period: Period, filters: Filters = Filters()) -> list[dict]:
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


# Putting the measures together


def _headline(*, council, period: Period, filters: Filters) -> tuple[dict, dict]:
    """(measure values, base counts) for one council and period."""
    t = request_totals(council=council, period=period, filters=filters)
    by_channel = requests_by_channel(council=council, period=period, filters=filters)
    histogram = resolution_histogram(council=council, period=period, filters=filters)
    journeys = journey_counts(council=council, period=period)
    enquiries = enquiry_totals(council=council, period=period, filters=filters)
    overdue = overdue_at(council=council, day=period.end, filters=filters)
    points = {p: t[f"sat_{p}"] for p in range(1, 6)}
    top_two, score = satisfaction_scores(points)
    made = t["made"]
    digital = sum(by_channel.get(c, {}).get("made", 0) for c in DIGITAL)
    completed = journeys.get("sent", 0) + journeys.get("supported", 0)
    cost_per, saving = None, None
    if not filters.any:
        costs = channel_costs(council=council, period=period)
        if costs and made:
            cost_per = _money(sum(costs.values()) / made)
            digital_cost = sum((costs.get(c, Decimal(0)) for c in DIGITAL), Decimal(0))
            other_made = made - digital
            other_cost = sum(costs.values()) - digital_cost
            if digital and other_made and other_cost:
                saving = _money(digital * (other_cost / other_made) - digital_cost)
    values = {
        "requests_made": made,
        "digital_take_up": _pct(digital, made),
        "completion_rate": _pct(completed, journeys.get("started", 0)) if not filters.any else None,
        "satisfaction_top_two": top_two,
        "satisfaction_score": score,
        "cost_per_request": cost_per,
        "channel_shift_saving": saving,
        "told_every_change": _pct(t["loop_told_all"], t["loop_requests"]),
        "told_of_closure": _pct(t["closure_delivered"] + t["closure_sent"] + t["closure_waiting"], t["closure_asked"]),
        "chasers_per_100": round(100 * t["chasers"] / made, 1) if made else None,
        "repeat_contacts_per_100": round(100 * t["repeat_contacts"] / made, 1) if made else None,
        "disputes": t["disputes"],
        "reopenings": t["reopenings"],
        "resolved": t["resolved"],
        "median_days": percentile(histogram, 0.5),
        "p90_days": percentile(histogram, 0.9),
        "within_target": _pct(t["resolved_within_target"], t["resolved"]),
        "overdue_now": overdue["overdue"],
        "enquiries_within_target": _pct(enquiries["enquiries_answered_within_target"], enquiries["enquiries"]),
        "escalations": enquiries["escalations"],
        "escalations_answered": enquiries["escalations_answered"],
    }
    bases = {
        "requests_made": made,
        "journeys_started": journeys.get("started", 0),
        "satisfaction_answers": sum(points.values()),
        "loop_requests": t["loop_requests"],
        "closure_asked": t["closure_asked"],
        "disputes": t["disputes"],
        "reopenings": t["reopenings"],
        "resolved": t["resolved"],
        "overdue_now": overdue["overdue"],
        "enquiries": enquiries["enquiries"],
        "escalations": enquiries["escalations"],
        "escalations_answered": enquiries["escalations_answered"],
    }
    return values, bases


def _hide(value, base, public: bool) -> tuple[object, bool]:
    if public and is_small(base):
        return None, True
    return value, False


def _row(cells: list[tuple[str, object, object]], public: bool, **plain) -> dict:
    """A table row from (column, value, base count) cells, hiding values worked out from 1 to 4."""
    row = dict(plain)
    row["suppressed"] = []
    for key, value, base in cells:
        row[key], hidden = _hide(value, base, public)
        if hidden:
            row["suppressed"].append(key)
    return row


def _table(key, title, explanation, columns, rows) -> dict:
    return {
        "key": key,
        "title": title,
        "explanation": explanation,
        "columns": [{"key": k, "label": label, "unit": unit} for k, label, unit in columns],
        "rows": rows,
    }


def _measures(council, period: Period, filters: Filters, public: bool) -> list[dict]:
    now, now_bases = _headline(council=council, period=period, filters=filters)
    before, before_bases = _headline(council=council, period=period.previous(), filters=filters)
    year, year_bases = _headline(council=council, period=period.year_before(), filters=filters)
    result = []
    for m in MEASURES:
        item = {"key": m.key, "label": m.label, "unit": m.unit, "explanation": m.explanation, "suppressed": []}
        for column, values, bases in (
            ("value", now, now_bases),
            ("previous", before, before_bases),
            ("year_before", year, year_bases),
        ):
            item[column], hidden = _hide(values[m.key], bases.get(m.base), public)
            if hidden:
                item["suppressed"].append(column)
        result.append(item)
    return result


def _summary_table(measures: list[dict], period: Period) -> dict:
    rows = [
        {
            "measure": m["label"],
            "unit": m["unit"],
            "value": m["value"],
            "previous": m["previous"],
            "year_before": m["year_before"],
            "suppressed": list(m["suppressed"]),
        }
        for m in measures
    ]
    return _table(
        "summary",
        "Summary",
        f"Each measure for {period.label}, the period before ({period.previous().label}) and the same period a "
        f"year before ({period.year_before().label}).",
        [
            ("measure", "Measure", "text"),
            ("unit", "Unit", "text"),
            ("value", period.label, "number"),
            ("previous", period.previous().label, "number"),
            ("year_before", period.year_before().label, "number"),
        ],
        rows,
    )


def _channel_table(council, period, filters, public) -> dict:
    by_channel = requests_by_channel(council=council, period=period, filters=filters)
    costs = {} if filters.any else channel_costs(council=council, period=period)
    made = sum(c["made"] for c in by_channel.values())
    rows = []
    for channel in Channel:
        counts = by_channel.get(channel.value, {"made": 0, "made_assisted": 0})
        cost = costs.get(channel.value)
        rows.append(
            _row(
                [
                    ("requests", counts["made"], counts["made"]),
                    ("share", _pct(counts["made"], made), counts["made"]),
                    ("assisted_digital", counts["made_assisted"], counts["made_assisted"]),
                    ("cost", _money(cost), None),
                    (
                        "cost_per_request",
                        _money(cost / counts["made"]) if cost is not None and counts["made"] else None,
                        counts["made"],
                    ),
                ],
                public,
                channel=channel.label,
                digital="Yes" if channel.value in DIGITAL else "No",
            )
        )
    return _table(
        "channels",
        "Requests by channel (digital take-up and cost)",
        "How requests reached the council. Online and API are digital; 'assisted digital' counts requests made "
        "online by staff helping the resident. Costs are those the council entered for each channel.",
        [
            ("channel", "Channel", "text"),
            ("digital", "Digital", "text"),
            ("requests", "Requests made", "count"),
            ("share", "Share of requests", "percent"),
            ("assisted_digital", "Of which assisted digital", "count"),
            ("cost", "Cost of the channel", "money"),
            ("cost_per_request", "Cost per request", "money"),
        ],
        rows,
    )


def _journey_table(council, period, public) -> dict:
    counts = journey_counts(council=council, period=period)
    started = counts.get("started", 0)
    rows = [
        _row(
            [("journeys", started, started), ("share", 100.0 if started else None, started)],
            public,
            step="Started a report",
        )
    ]
    for step, label in JOURNEY_STEPS:
        n = counts.get(step, 0)
        rows.append(_row([("journeys", n, n), ("share", _pct(n, started), started)], public, step=label))
    return _table(
        "completion",
        "Online report journeys (completion rate)",
        "How many online report journeys reached each step, and the share of journeys started that got that far. "
        "Nobody is identified: only the counts are kept.",
        [
            ("step", "Step", "text"),
            ("journeys", "Journeys", "count"),
            ("share", "Share of journeys started", "percent"),
        ],
        rows,
    )


def _satisfaction_table(totals, public) -> dict:
    total = sum(totals[f"sat_{p}"] for p in range(1, 6))
    rows = [
        _row(
            [("answers", totals[f"sat_{p}"], totals[f"sat_{p}"]), ("share", _pct(totals[f"sat_{p}"], total), total)],
            public,
            answer=SATISFACTION_LABELS[p],
            point=p,
        )
        for p in (5, 4, 3, 2, 1)
    ]
    return _table(
        "satisfaction",
        "User satisfaction",
        "Answers to 'Overall, how did you feel about the service you received?', asked when a request is closed.",
        [
            ("answer", "Answer", "text"),
            ("point", "Point on the scale", "count"),
            ("answers", "Answers", "count"),
            ("share", "Share", "percent"),
        ],
        rows,
    )


def _closure_table(totals, public) -> dict:
    asked = totals["closure_asked"]
    outcomes = [
        ("closure_delivered", "Delivered"),
        ("closure_sent", "Sent, delivery not yet confirmed"),
        ("closure_waiting", "Waiting to be sent"),
        ("closure_failed", "Could not be sent"),
        ("closure_not_told", "No message"),
    ]
    rows = [
        _row(
            [("requests", totals[field], totals[field]), ("share", _pct(totals[field], asked), asked)],
            public,
            outcome=label,
        )
        for field, label in outcomes
    ]
    return _table(
        "closure_messages",
        "Closing the loop: closure messages by outcome",
        "For requests closed in the period whose reporter asked for updates, what happened to the message "
        "telling them (from the notifications outbox).",
        [("outcome", "Outcome", "text"), ("requests", "Requests", "count"), ("share", "Share", "percent")],
        rows,
    )


def _resolution_table(council, period, filters, public) -> dict:
    from joinedup.service_requests.models import Category

    by_category = {
        row["category_id"]: row
        for row in _narrow(_in(RequestDaily.objects, council, period), filters)
        .values("category_id")
        .annotate(resolved=Sum("resolved"), within=Sum("resolved_within_target"))
    }
    histograms = resolution_histogram(council=council, period=period, filters=filters, by_category=True)
    overdue = overdue_at(council=council, day=period.end, filters=filters, by_category=True)
    ids = set(by_category) | set(histograms) | set(overdue)
    categories = _narrow(
        Category.objects.filter(council=council), filters, area_field="service_area__slug", category_field="slug"
    )
    rows = []
    for category in categories.filter(id__in=ids).select_related("service_area").order_by("group", "name"):
        resolved = by_category.get(category.id, {}).get("resolved") or 0
        within = by_category.get(category.id, {}).get("within") or 0
        histogram = histograms.get(category.id, {})
        open_count, overdue_count = overdue.get(category.id, (0, 0))
        rows.append(
            _row(
                [
                    ("resolved", resolved, resolved),
                    ("median_days", percentile(histogram, 0.5), resolved),
                    ("p90_days", percentile(histogram, 0.9), resolved),
                    ("within_target", _pct(within, resolved), resolved),
                    ("open_now", open_count, open_count),
                    ("overdue_now", overdue_count, overdue_count),
                ],
                public,
                category=category.name,
                service_area=category.service_area.name,
                target_days=category.target_days_normal,
            )
        )
    return _table(
        "time_to_resolve",
        "Time to resolve, by category",
        "Requests resolved in the period, how many working days they took (median and 90th percentile), the "
        "share resolved within target, and the requests open and overdue at the end of the period.",
        [
            ("category", "Category", "text"),
            ("service_area", "Service area", "text"),
            ("target_days", "Target (working days, normal priority)", "days"),
            ("resolved", "Resolved", "count"),
            ("median_days", "Median (working days)", "days"),
            ("p90_days", "90th percentile (working days)", "days"),
            ("within_target", "Within target", "percent"),
            ("open_now", "Open", "count"),
            ("overdue_now", "Overdue", "count"),
        ],
        rows,
    )


def _trend_table(council, period, filters, public) -> dict:
    rows = [
        _row(
            [("open", w["open"], w["open"]), ("overdue", w["overdue"], w["overdue"])],
            public,
            week_ending=w["week_ending"],
        )
        for w in overdue_trend(council=council, period=period, filters=filters)
    ]
    return _table(
        "overdue_trend",
        "Overdue requests week by week",
        "Requests open, and of those overdue, at the end of each week of the period.",
        [("week_ending", "Week ending", "date"), ("open", "Open", "count"), ("overdue", "Overdue", "count")],
        rows,
    )


def _enquiry_table(council, period, filters, public) -> dict:
    rows = [
        _row(
            [
                ("enquiries", r["enquiries"], r["enquiries"]),
                ("answered", r["enquiries_answered"], r["enquiries_answered"]),
                ("within_target", _pct(r["enquiries_answered_within_target"], r["enquiries"]), r["enquiries"]),
                ("escalations", r["escalations"], r["escalations"]),
                ("escalations_answered", r["escalations_answered"], r["escalations_answered"]),
            ],
            public,
            service_area=r["service_area__name"],
        )
        for r in enquiry_totals(council=council, period=period, filters=filters, by_area=True)
    ]
    return _table(
        "member_enquiries",
        "Member enquiries and escalations, by service area",
        "Enquiries councillors raised for residents in the period, how many have been answered and the share "
        "answered by their due date; and councillors' escalations of requests and how many were answered.",
        [
            ("service_area", "Service area", "text"),
            ("enquiries", "Enquiries", "count"),
            ("answered", "Answered", "count"),
            ("within_target", "Answered within target", "percent"),
            ("escalations", "Escalations", "count"),
            ("escalations_answered", "Escalations answered", "count"),
        ],
        rows,
    )


def _summary_text(name: str, period: Period, measures: list[dict]) -> list[str]:
    by_key = {m["key"]: m for m in measures}

    def say(key, fmt):
        value = by_key[key]["value"]
        return None if value is None else fmt.format(value)

    sentences = [
        say("requests_made", f"{name} received {{:,}} requests in {period.label}."),
        say("digital_take_up", "{}% were made online or by another system."),
        say("within_target", "{}% of the requests resolved were resolved within target."),
        say("median_days", "Half were resolved within {} working days."),
        say("satisfaction_top_two", "{}% of residents who answered were satisfied or very satisfied."),
        say("told_of_closure", "{}% of reporters who asked for updates were told of the closure."),
    ]
    sentences = [s for s in sentences if s]
    if any(m["suppressed"] for m in measures):
        sentences.append("Figures worked out from fewer than 5 requests or answers are not shown, to protect privacy.")
    return sentences


def council_figures(*, council, period: Period, filters: Filters = Filters(), public: bool = True) -> dict:
    """Every measure and table for one council and period (see the module docstring for the shape)."""
    measures = _measures(council, period, filters, public)
    totals = request_totals(council=council, period=period, filters=filters)
    tables = [
        _summary_table(measures, period),
        _channel_table(council, period, filters, public),
        _journey_table(council, period, public),
        _satisfaction_table(totals, public),
        _closure_table(totals, public),
        _resolution_table(council, period, filters, public),
        _trend_table(council, period, filters, public),
        _enquiry_table(council, period, filters, public),
    ]
    return {
        "schema": SCHEMA,
        "council": {"name": council.name, "slug": council.slug, "gss_code": council.gss_code},
        "period": period.as_dict(),
        "comparisons": {"previous": period.previous().as_dict(), "year_before": period.year_before().as_dict()},
        "filters": filters.as_dict(),
        "public": public,
        "measures": measures,
        "summary": _summary_text(council.name, period, measures),
        "tables": {table["key"]: table for table in tables},
    }


def partnership_figures(*, partnership, period: Period, filters: Filters = Filters(), public: bool = True) -> dict:
    """The same measures for every council of a partnership, side by side (see the module docstring)."""
    councils = list(partnership.councils.filter(is_active=True).order_by("name"))
    by_council = {c.slug: council_figures(council=c, period=period, filters=filters, public=public) for c in councils}
    measures = []
    for index, m in enumerate(MEASURES):
        item = {
            "key": m.key,
            "label": m.label,
            "unit": m.unit,
            "explanation": m.explanation,
            "values": {},
            "suppressed": [],
        }
        for c in councils:
            measure = by_council[c.slug]["measures"][index]
            item["values"][c.slug] = measure["value"]
            if "value" in measure["suppressed"]:
                item["suppressed"].append(c.slug)
        measures.append(item)
    rows = [
        {"measure": m["label"], "unit": m["unit"], **m["values"], "suppressed": list(m["suppressed"])} for m in measures
    ]
    comparison = _table(
        "comparison",
        "The councils side by side",
        f"Each measure for {period.label}, one column per council of the partnership.",
        [("measure", "Measure", "text"), ("unit", "Unit", "text")] + [(c.slug, c.name, "number") for c in councils],
        rows,
    )
    return {
        "schema": SCHEMA,
        "partnership": {"name": partnership.name, "slug": partnership.slug},
        "period": period.as_dict(),
        "filters": filters.as_dict(),
        "public": public,
        "councils": [{"name": c.name, "slug": c.slug, "gss_code": c.gss_code} for c in councils],
        "measures": measures,
        "tables": {"comparison": comparison},
        "by_council": by_council,
    }
