"""The tables of a council's figures page: each a plain dict with columns and rows (see selectors.py)."""

from django.db.models import Sum

from joinedup.figures.measures import is_small
from joinedup.figures.models import RequestDaily
from joinedup.figures.periods import Period
from joinedup.figures.readers import (
    DIGITAL,
    JOURNEY_STEPS,
    SATISFACTION_LABELS,
    _in,
    _money,
    _narrow,
    _pct,
    channel_costs,
    enquiry_totals,
    journey_counts,
    overdue_at,
    overdue_trend,
    percentile,
    requests_by_channel,
    resolution_histogram,
)
from joinedup.service_requests.models import Channel


def hide(value, base, public: bool) -> tuple[object, bool]:
    if public and is_small(base):
        return None, True
    return value, False


def row(cells: list[tuple[str, object, object]], public: bool, **plain) -> dict:
    """A table row from (column, value, base count) cells, hiding values worked out from 1 to 4."""
    row = dict(plain)
    row["suppressed"] = []
    for key, value, base in cells:
        row[key], hidden = hide(value, base, public)
        if hidden:
            row["suppressed"].append(key)
    return row


def table(key, title, explanation, columns, rows) -> dict:
    return {
        "key": key,
        "title": title,
        "explanation": explanation,
        "columns": [{"key": k, "label": label, "unit": unit} for k, label, unit in columns],
        "rows": rows,
    }


def summary_table(measures: list[dict], period: Period) -> dict:
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
    return table(
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


def channel_table(council, period, filters, public) -> dict:
    by_channel = requests_by_channel(council=council, period=period, filters=filters)
    costs = {} if filters.any else channel_costs(council=council, period=period)
    made = sum(c["made"] for c in by_channel.values())
    rows = []
    for channel in Channel:
        counts = by_channel.get(channel.value, {"made": 0, "made_assisted": 0})
        cost = costs.get(channel.value)
        rows.append(
            row(
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
    return table(
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


def journey_table(council, period, public) -> dict:
    counts = journey_counts(council=council, period=period)
    started = counts.get("started", 0)
    rows = [
        row(
            [("journeys", started, started), ("share", 100.0 if started else None, started)],
            public,
            step="Started a report",
        )
    ]
    for step, label in JOURNEY_STEPS:
        n = counts.get(step, 0)
        rows.append(row([("journeys", n, n), ("share", _pct(n, started), started)], public, step=label))
    return table(
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


def satisfaction_table(totals, public) -> dict:
    total = sum(totals[f"sat_{p}"] for p in range(1, 6))
    rows = [
        row(
            [("answers", totals[f"sat_{p}"], totals[f"sat_{p}"]), ("share", _pct(totals[f"sat_{p}"], total), total)],
            public,
            answer=SATISFACTION_LABELS[p],
            point=p,
        )
        for p in (5, 4, 3, 2, 1)
    ]
    return table(
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


def closure_table(totals, public) -> dict:
    asked = totals["closure_asked"]
    outcomes = [
        ("closure_delivered", "Delivered"),
        ("closure_sent", "Sent, delivery not yet confirmed"),
        ("closure_waiting", "Waiting to be sent"),
        ("closure_failed", "Could not be sent"),
        ("closure_not_told", "No message"),
    ]
    rows = [
        row(
            [("requests", totals[field], totals[field]), ("share", _pct(totals[field], asked), asked)],
            public,
            outcome=label,
        )
        for field, label in outcomes
    ]
    return table(
        "closure_messages",
        "Closing the loop: closure messages by outcome",
        "For requests closed in the period whose reporter asked for updates, what happened to the message "
        "telling them (from the notifications outbox).",
        [("outcome", "Outcome", "text"), ("requests", "Requests", "count"), ("share", "Share", "percent")],
        rows,
    )


def resolution_table(council, period, filters, public) -> dict:
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
            row(
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
    return table(
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


def trend_table(council, period, filters, public) -> dict:
    rows = [
        row(
            [("open", w["open"], w["open"]), ("overdue", w["overdue"], w["overdue"])],
            public,
            week_ending=w["week_ending"],
        )
        for w in overdue_trend(council=council, period=period, filters=filters)
    ]
    return table(
        "overdue_trend",
        "Overdue requests week by week",
        "Requests open, and of those overdue, at the end of each week of the period.",
        [("week_ending", "Week ending", "date"), ("open", "Open", "count"), ("overdue", "Overdue", "count")],
        rows,
    )


def enquiry_table(council, period, filters, public) -> dict:
    rows = [
        row(
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
    return table(
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
