"""
The scrutiny report for a meeting, built from live data as it stood on a chosen date:

1. Performance figures (the figures app's public selectors: the latest complete quarter to that
   date, against the quarter before and the same quarter a year before; small counts suppressed).
2. The digital strategy's objectives, the projects that serve each and their benefit measures.
3. The roadmap: each approved, in-delivery or closed project's latest status report on or before
   the date (RAG and money).
4. Software: yearly savings from licences owned beyond those in use, and the partnership's
   convergence decisions (jobs done by more than one product, when contracts could end together,
   the saving, and each council's TIME disposition).
5. The recommendations' status on that date.

`build` returns plain data (text and numbers, already formatted for reading), so the page, the
PDF and the saved version all show the same words and figures.
"""

import datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from joinedup.scrutiny import rules, selectors
from joinedup.scrutiny.models import Committee

NOT_SHOWN = "Not shown (fewer than 5)"
NOT_AVAILABLE = "Not available"


def money(value) -> str:
    if value is None:
        return NOT_AVAILABLE
    value = Decimal(value)
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


def figure(value, unit: str) -> str:
    if value is None:
        return NOT_AVAILABLE
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "days":
        return f"{value:g} working days"
    if unit == "money":
        return f"£{Decimal(value):,.2f}"
    if unit == "per100":
        return f"{value:.1f} per 100"
    if unit == "score":
        return f"{value:.1f} out of 100"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _figures(owner, as_of: datetime.date) -> dict:
    try:
        from joinedup.figures import selectors as figures_selectors
        from joinedup.figures.periods import period_of
    except ImportError:  # the figures app is not there yet
        return {"available": False, "note": "Performance figures are not available on this platform yet."}
    period = period_of("quarter", as_of)
    if period.end > as_of:
        period = period.previous()
    councils = rules.councils_of(owner)
    columns = [period.label, period.previous().label, period.year_before().label]
    if len(councils) > 1:
        data = figures_selectors.partnership_figures(partnership=owner, period=period, public=True)
        columns = [c["name"] for c in data["councils"]]
        rows = []
        for m in data["measures"]:
            cells = [
                NOT_SHOWN if c["slug"] in m["suppressed"] else figure(m["values"][c["slug"]], m["unit"])
                for c in data["councils"]
            ]
            rows.append({"label": m["label"], "explanation": m["explanation"], "cells": cells})
        summary = []
    else:
        data = figures_selectors.council_figures(council=councils[0], period=period, public=True)
        rows = []
        for m in data["measures"]:
            cells = [
                NOT_SHOWN if column in m["suppressed"] else figure(m[column], m["unit"])
                for column in ("value", "previous", "year_before")
            ]
            rows.append({"label": m["label"], "explanation": m["explanation"], "cells": cells})
        summary = data["summary"]
    return {"available": True, "period": period.label, "columns": columns, "rows": rows, "summary": summary}


def _strategy(owner) -> list[dict]:
    from joinedup.portfolio.models import ROADMAP_STAGES, Proposal
    from joinedup.portfolio.selectors import objectives

    councils = rules.councils_of(owner)
    out = []
    for objective in objectives(council=councils[0]):
        projects = (
            Proposal.objects.filter(council__in=councils, objectives=objective, stage__in=ROADMAP_STAGES)
            .prefetch_related("benefits__measurements")
            .order_by("reference")
            .distinct()
        )
        measures = []
        for project in projects:
            for benefit in project.benefits.all():
                latest = benefit.measurements.first()
                measures.append(
                    {
                        "project": f"{project.reference} {project.title}",
                        "measure": benefit.performance_measure,
                        "target": benefit.target_improvement,
                        "latest": f"{latest.value:,} on {latest.measured_on:%-d %B %Y}"
                        if latest
                        else "Not measured yet",
                    }
                )
        out.append(
            {
                "code": objective.code,
                "title": objective.title,
                "projects": [f"{p.reference} {p.title}" for p in projects],
                "measures": measures,
            }
        )
    return out


def _roadmap(owner, as_of: datetime.date) -> dict:
    from joinedup.portfolio.models import ROADMAP_STAGES, Proposal

    projects = (
        Proposal.objects.filter(council__in=rules.councils_of(owner), stage__in=ROADMAP_STAGES)
        .select_related("council")
        .prefetch_related("status_reports")
        .order_by("reference")
    )
    rows, planned, actual, capital = [], Decimal(0), Decimal(0), Decimal(0)
    for project in projects:
        report = next((r for r in project.status_reports.all() if r.period_end <= as_of), None)
        capital += project.capital_cost
        row = {
            "project": f"{project.reference} {project.title}",
            "council": project.council.short_name or project.council.name,
            "stage": project.get_stage_display(),
            "capital": money(project.capital_cost),
            "rag": report.get_rag_overall_display() if report else "No report yet",
            "rag_key": report.rag_overall if report else "",
            "period_end": f"{report.period_end:%-d %B %Y}" if report else "",
            "planned": money(report.budget_to_date) if report else NOT_AVAILABLE,
            "actual": money(report.actual_to_date) if report else NOT_AVAILABLE,
            "variance": money(report.variance) if report else NOT_AVAILABLE,
        }
        if report:
            planned += report.budget_to_date
            actual += report.actual_to_date
        rows.append(row)
    counts = {}
    for row in rows:
        counts[row["rag"]] = counts.get(row["rag"], 0) + 1
    return {
        "rows": rows,
        "rag_counts": sorted(counts.items()),
        "capital": money(capital),
        "planned": money(planned),
        "actual": money(actual),
        "variance": money(actual - planned),
    }


def _disposition(application) -> str:
    return application.get_disposition_display() if application.disposition else "not decided"


def _decisions(group) -> str:
    """Each product with the councils using it and the decision each has made (TIME)."""
    parts = []
    for product in group.products:
        uses = [use for use in group.uses if use.application.product == product]
        councils = ", ".join(
            f"{use.council.short_name or use.council.name} {use.application.name} "
            f"({_disposition(use.application).lower()})"
            for use in uses
        )
        parts.append(f"{product.name}: {councils}")
    return "; ".join(parts)


def _software(owner, as_of: datetime.date) -> dict:
    from joinedup.software.selectors import licence_position, partnership_duplication

    councils = rules.councils_of(owner)
    savings, total = [], Decimal(0)
    for council in councils:
        for position in licence_position(council=council, today=as_of):
            if position.yearly_saving > 0:
                total += position.yearly_saving
                savings.append(
                    {
                        "council": council.short_name or council.name,
                        "product": position.product.name,
                        "surplus": position.surplus,
                        "saving": money(position.yearly_saving),
                    }
                )
    convergence = []
    partnership = councils[0].partnership if councils else None
    if partnership is not None:
        for group in partnership_duplication(partnership=partnership, by="service"):
            if not group.duplicated:
                continue
            convergence.append(
                {
                    "function": group.category.label,
                    "products": ", ".join(p.name for p in group.products),
                    "councils": ", ".join(c.short_name or c.name for c in group.councils),
                    "date": f"{group.convergence_date:%-d %B %Y}" if group.convergence_date else "Not known",
                    "saving": money(group.single_product_saving) if group.single_product_saving is not None else "",
                    "decisions": _decisions(group),
                }
            )
    return {"savings": savings, "total": money(total), "convergence": convergence}


def _recommendations(committee, as_of: datetime.date) -> dict:
    """Each recommendation of reports agreed by `as_of`, with its status on that date."""
    from joinedup.scrutiny.models import Recommendation

    qs = (
        Recommendation.objects.filter(report__committee=committee, report__agreed_on__lte=as_of)
        .select_related("report")
        .prefetch_related("updates")
        .order_by("report__agreed_on", "report__reference", "number")
    )
    rows, counts = [], {}
    for rec in qs:
        state = selectors.status(rec, as_of)
        name = selectors.STATUS_NAMES[state.key]
        counts[name] = counts.get(name, 0) + 1
        rows.append(
            {
                "reference": rec.reference,
                "text": rec.text,
                "status": state.label,
                "tag": state.tag,
                "due": f"{rec.response_due_on:%-d %B %Y}" if rec.response_due_on else "",
            }
        )
    return {"rows": rows, "counts": sorted(counts.items())}


def build(committee: Committee, as_of: datetime.date, meeting=None) -> dict:
    owner = committee.owner
    return {
        "title": f"Scrutiny report: {committee.name}",
        "owner": owner.name,
        "committee": committee.name,
        "meeting": f"{meeting.date:%-d %B %Y}" if meeting else "",
        "as_of": as_of.isoformat(),
        "as_of_text": f"{as_of:%-d %B %Y}",
        "built_at": timezone.localtime().strftime("%-d %B %Y at %H:%M"),
        "figures": _figures(owner, as_of),
        "strategy": _strategy(owner),
        "roadmap": _roadmap(owner, as_of),
        "software": _software(owner, as_of),
        "recommendations": _recommendations(committee, as_of),
    }


def render_pdf(data: dict) -> bytes:
    """The report as an accessible, tagged PDF (PDF/UA-1: a structure tree, the document's
    language and title), drawn by WeasyPrint from the same template body as the page."""
    from weasyprint import HTML

    html = render_to_string("scrutiny/data_report_pdf.html", {"report": data})
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
