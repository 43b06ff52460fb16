"""Figures pages: public, aggregates only, read from the rollups. Thin: selectors do the work."""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from joinedup.core import exports
from joinedup.councils.models import Partnership, ServiceArea
from joinedup.councils.views import council_from_path
from joinedup.figures import charts, periods, selectors
from joinedup.figures.formatting import SUPPRESSED_MARK
from joinedup.service_requests.models import Category

FORMATS = ("csv", "xlsx", "json")


def _period(request, errors: list) -> periods.Period:
    try:
        return periods.period_from_query(request.GET)
    except periods.PeriodError as error:
        errors.append({"text": str(error), "href": "#period"})
        return periods.period_of(periods.YEAR, periods.timezone.localdate())


def _filters(request, councils, errors: list) -> selectors.Filters:
    category = (request.GET.get("category") or "").strip()
    area = (request.GET.get("service_area") or "").strip()
    if category and not Category.objects.filter(council__in=councils, slug=category).exists():
        errors.append({"text": "Choose a category from the list", "href": "#category"})
        category = ""
    if area and not ServiceArea.objects.filter(council__in=councils, slug=area).exists():
        errors.append({"text": "Choose a service area from the list", "href": "#service_area"})
        area = ""
    return selectors.Filters(category=category, service_area=area)


def _query(period: periods.Period, filters: selectors.Filters) -> str:
    params = {"period": period.kind}
    if period.kind == periods.CUSTOM:
        params.update({"from": period.start.isoformat(), "to": period.end.isoformat()})
    else:
        params["start"] = period.start.isoformat()
    if filters.category:
        params["category"] = filters.category
    if filters.service_area:
        params["service_area"] = filters.service_area
    return urlencode(params)


def _picker(councils, period, filters) -> dict:
    categories = Category.objects.filter(council__in=councils).order_by("name").values_list("slug", "name")
    areas = ServiceArea.objects.filter(council__in=councils).order_by("name").values_list("slug", "name")
    return {
        "kinds": periods.KINDS,
        "choices": {kind: periods.choices(kind) for kind in (periods.MONTH, periods.QUARTER, periods.YEAR)},
        "period": period,
        "filters": filters,
        "categories": sorted(dict(categories).items(), key=lambda item: item[1]),
        "service_areas": sorted(dict(areas).items(), key=lambda item: item[1]),
    }


# Downloads


def _cells(table: dict) -> list[list]:
    rows = []
    for row in table["rows"]:
        hidden = set(row.get("suppressed", ()))
        rows.append([SUPPRESSED_MARK if c["key"] in hidden else row.get(c["key"]) for c in table["columns"]])
    return rows


def _open_data(table: dict, about: dict) -> dict:
    """The stable JSON shape of one table (see docs/figures.md, 'Open data')."""
    return {
        **about,
        "table": table["key"],
        "title": table["title"],
        "explanation": table["explanation"],
        "columns": table["columns"],
        "rows": [
            {**{c["key"]: row.get(c["key"]) for c in table["columns"]}, "suppressed": list(row.get("suppressed", ()))}
            for row in table["rows"]
        ],
    }


def _download(table: dict, fmt: str, filename: str, about: dict) -> HttpResponse:
    columns = [c["label"] for c in table["columns"]]
    if fmt == "csv":
        return exports.csv_response(filename, columns, _cells(table))
    if fmt == "xlsx":
        return exports.xlsx_response(filename, table["title"], columns, _cells(table))
    body = json.dumps(_open_data(table, about), default=str, indent=2)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response


def _about(figures: dict) -> dict:
    keys = ("schema", "council", "partnership", "period", "filters")
    return {key: figures[key] for key in keys if key in figures}


# Charts


def _chart_for(table: dict):
    """The chart drawn beside a table, or None for tables that are better read as a table."""
    plans = {
        "channels": ("channel", "requests", "count", "Requests made by each channel."),
        "completion": ("step", "journeys", "count", "How many online report journeys reached each step."),
        "satisfaction": ("answer", "answers", "count", "How many residents gave each answer."),
        "closure_messages": ("outcome", "requests", "count", "Closure messages by what happened to them."),
        "time_to_resolve": ("category", "median_days", "days", "Median working days to resolve, by category."),
        "overdue_trend": ("week_ending", "overdue", "count", "Overdue requests at the end of each week."),
        "member_enquiries": ("service_area", "within_target", "percent", "Share answered within target, by area."),
    }
    if table["key"] not in plans or not table["rows"]:
        return None
    label_key, value_key, unit, description = plans[table["key"]]
    items = [
        (
            f"{row[label_key]:%-d %b %Y}" if hasattr(row[label_key], "strftime") else str(row[label_key]),
            row.get(value_key),
            unit,
            value_key in row.get("suppressed", ()),
        )
        for row in table["rows"]
    ]
    return charts.bar_chart(f"chart-{table['key']}", table["title"], description, items)


def _tables_for_page(tables: dict, base_url: str, query: str) -> list[dict]:
    return [
        {
            **table,
            "chart": _chart_for(table),
            "downloads": [{"format": fmt.upper(), "url": f"{base_url}{table['key']}.{fmt}?{query}"} for fmt in FORMATS],
        }
        for table in tables.values()
    ]


# Pages


@require_GET
def council_page(request, council_slug):
    council = council_from_path(request, council_slug)
    errors: list = []
    period = _period(request, errors)
    filters = _filters(request, [council], errors)
    figures = selectors.council_figures(council=council, period=period, filters=filters, public=True)
    query = _query(period, filters)
    base_url = reverse("figures:council", kwargs={"council_slug": council.slug})
    return render(
        request,
        "figures/council.html",
        {
            "council": council,
            "figures": figures,
            "tables": _tables_for_page(figures["tables"], base_url, query),
            "picker": _picker([council], period, filters),
            "error_items": errors,
            "query": query,
            "partnership": council.partnership,
        },
    )


@require_GET
def council_download(request, council_slug, table, fmt):
    council = council_from_path(request, council_slug)
    if fmt not in FORMATS:
        raise Http404("Downloads are CSV, XLSX or JSON.")
    errors: list = []
    period = _period(request, errors)
    filters = _filters(request, [council], errors)
    figures = selectors.council_figures(council=council, period=period, filters=filters, public=True)
    if table not in figures["tables"]:
        raise Http404("There is no table with that name.")
    filename = f"{council.slug}-figures-{table}-{period.start}-to-{period.end}"
    return _download(figures["tables"][table], fmt, filename, _about(figures))


def _partnership(partnership_slug):
    try:
        partnership = Partnership.objects.get(slug=partnership_slug)
    except Partnership.DoesNotExist:
        raise Http404("No partnership with that address.") from None
    return partnership, list(partnership.councils.filter(is_active=True).order_by("name"))


@require_GET
def partnership_page(request, partnership_slug):
    partnership, councils = _partnership(partnership_slug)
    errors: list = []
    period = _period(request, errors)
    filters = _filters(request, councils, errors)
    figures = selectors.partnership_figures(partnership=partnership, period=period, filters=filters, public=True)
    query = _query(period, filters)
    base_url = reverse("figures_partnership:partnership", kwargs={"partnership_slug": partnership.slug})
    charts_by_measure = []
    for key in ("digital_take_up", "within_target", "satisfaction_top_two", "told_of_closure"):
        measure = next(m for m in figures["measures"] if m["key"] == key)
        items = [
            (c["name"], measure["values"][c["slug"]], measure["unit"], c["slug"] in measure["suppressed"])
            for c in figures["councils"]
        ]
        charts_by_measure.append(
            {
                "measure": measure,
                "chart": charts.bar_chart(
                    f"chart-{key}", measure["label"], f"{measure['label']} for each council.", items
                ),
            }
        )
    return render(
        request,
        "figures/partnership.html",
        {
            "partnership": partnership,
            "councils": councils,
            "figures": figures,
            "tables": _tables_for_page(figures["tables"], base_url, query),
            "charts": charts_by_measure,
            "picker": _picker(councils, period, filters),
            "error_items": errors,
            "query": query,
        },
    )


@require_GET
def partnership_download(request, partnership_slug, table, fmt):
    partnership, councils = _partnership(partnership_slug)
    if fmt not in FORMATS or table != "comparison":
        raise Http404("The partnership's download is the comparison table, as CSV, XLSX or JSON.")
    errors: list = []
    period = _period(request, errors)
    filters = _filters(request, councils, errors)
    figures = selectors.partnership_figures(partnership=partnership, period=period, filters=filters, public=True)
    filename = f"{partnership.slug}-figures-comparison-{period.start}-to-{period.end}"
    return _download(figures["tables"]["comparison"], fmt, filename, _about(figures))
