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
    partnership_figures(partnership=p, period=period, filters=Filters(), public=True, detail=False)
        # {"partnership", "period", "filters", "councils": [{"name", "slug", "gss_code"}],
        #  "measures": [{"key", "label", "unit", "explanation", "values": {slug: value},
        #                "suppressed": [slugs]}], "tables": {"comparison": table}}, and with detail=True
        #  also "by_council": {slug: that council's council_figures}

`public=True` (the default) suppresses small counts: a count from 1 to 4, and any rate or time
worked out from fewer than 5, is None with its column named in "suppressed". Members' and staff
pages may pass public=False to see every number.

Units: "count", "percent" (0–100, one decimal place), "days" (working days), "score" (0–100),
"per100" (per 100 requests), "money" (pounds, two decimal places). See docs/figures.md.
"""

from decimal import Decimal

from joinedup.figures import tables
from joinedup.figures.measures import MEASURES
from joinedup.figures.periods import Period
from joinedup.figures.readers import (  # noqa: F401 (part of the public API)
    DIGITAL,
    NO_FILTERS,
    SATISFACTION_LABELS,
    SCHEMA,
    Filters,
    _money,
    _pct,
    channel_costs,
    enquiry_totals,
    journey_counts,
    overdue_at,
    overdue_trend,
    percentile,
    request_totals,
    requests_by_channel,
    resolution_histogram,
    satisfaction_scores,
)
from joinedup.figures.tables import hide, table

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
            item[column], hidden = hide(values[m.key], bases.get(m.base), public)
            if hidden:
                item["suppressed"].append(column)
        result.append(item)
    return result


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


def council_figures(*, council, period: Period, filters: Filters = NO_FILTERS, public: bool = True) -> dict:
    """Every measure and table for one council and period (see the module docstring for the shape)."""
    measures = _measures(council, period, filters, public)
    totals = request_totals(council=council, period=period, filters=filters)
    built = [
        tables.summary_table(measures, period),
        tables.channel_table(council, period, filters, public),
        tables.journey_table(council, period, public),
        tables.satisfaction_table(totals, public),
        tables.closure_table(totals, public),
        tables.resolution_table(council, period, filters, public),
        tables.trend_table(council, period, filters, public),
        tables.enquiry_table(council, period, filters, public),
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
        "tables": {t["key"]: t for t in built},
    }


def partnership_figures(
    *, partnership, period: Period, filters: Filters = NO_FILTERS, public: bool = True, detail: bool = False
) -> dict:
    """The same measures for every council of a partnership, side by side (see the module docstring).

    With detail=True the result also has "by_council": each council's full council_figures.
    """
    councils = list(partnership.councils.filter(is_active=True).order_by("name"))
    if detail:
        by_council = {
            c.slug: council_figures(council=c, period=period, filters=filters, public=public) for c in councils
        }
    else:
        by_council = {c.slug: {"measures": _measures(c, period, filters, public)} for c in councils}
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
    comparison = table(
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
        **({"by_council": by_council} if detail else {}),
    }
