"""
The portfolio holder pack: the performance figures for the service areas a portfolio holder is
responsible for, for a month (against the month before and the same month a year before), and
the executive's responses still owed to scrutiny. The same data fills the page and the monthly
email (see services_tracker.holder_packs_send).
"""

import datetime

from joinedup.accounts.models import Role, RoleAssignment
from joinedup.scrutiny import selectors
from joinedup.scrutiny.report import NOT_SHOWN, figure

# The measures the pack shows, in this order (keys of the figures app's measures).
PACK_MEASURES = (
    "requests_made",
    "digital_take_up",
    "within_target",
    "median_days",
    "overdue_now",
    "satisfaction_top_two",
    "told_of_closure",
    "chasers_per_100",
)


def holder_assignment(user, council):
    return RoleAssignment.objects.filter(user=user, role=Role.PORTFOLIO_HOLDER, council=council).first()


def last_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def pack(*, user, council, month: datetime.date) -> dict:
    """The pack for the portfolio holder's service areas at the council, for `month`."""
    assignment = holder_assignment(user, council)
    areas = list(assignment.service_areas.order_by("name")) if assignment else []
    out = {"month": f"{month:%B %Y}", "available": True, "areas": [], "columns": []}
    try:
        from joinedup.figures.periods import period_of
        from joinedup.figures.selectors import Filters, council_figures
    except ImportError:  # the figures app is not there yet
        out["available"] = False
    if out["available"]:
        period = period_of("month", month)
        out["columns"] = [period.label, period.previous().label, period.year_before().label]
        for area in areas:
            data = council_figures(
                council=council, period=period, filters=Filters(service_area=area.slug), public=False
            )
            rows = []
            for m in data["measures"]:
                if m["key"] not in PACK_MEASURES:
                    continue
                cells = [
                    NOT_SHOWN if column in m["suppressed"] else figure(m[column], m["unit"])
                    for column in ("value", "previous", "year_before")
                ]
                rows.append({"label": m["label"], "cells": cells})
            out["areas"].append({"name": area.name, "rows": rows})
    else:
        out["areas"] = [{"name": area.name, "rows": []} for area in areas]
    waiting = selectors.responses_owed(owner=council)
    out["responses_owed"] = [
        {"reference": r.reference, "text": r.text, "status": r.status.label, "tag": r.status.tag} for r in waiting
    ]
    return out


def pack_text(data: dict) -> str:
    """The pack as plain text for the email: the same figures as the page."""
    lines = []
    for area in data["areas"]:
        lines.append(f"{area['name']}:")
        if not area["rows"]:
            lines.append("- No figures available.")
        for row in area["rows"]:
            lines.append(f"- {row['label']}: {row['cells'][0]} (month before: {row['cells'][1]})")
        lines.append("")
    if data["responses_owed"]:
        lines.append("Responses owed to scrutiny:")
        lines.extend(f"- {r['reference']}: {r['status']}" for r in data["responses_owed"])
    return "\n".join(lines).strip()
