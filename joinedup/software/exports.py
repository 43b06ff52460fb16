"""
Every list of the software estate as a table, downloadable as CSV or XLSX, and the renewal
calendar as an iCalendar feed.

A table is (title, columns, rows). Cells are text, numbers (int or Decimal) or dates; the
writers (joinedup.core.exports, shared by every download) keep numbers and dates as such in
XLSX, and stop text that starts like a formula from running as one in a spreadsheet.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from joinedup.core.exports import csv_bytes as csv_bytes  # the views write the tables with these
from joinedup.core.exports import xlsx_bytes as xlsx_bytes
from joinedup.software import selectors
from joinedup.software.models import Attestation, CalendarFeedToken, ReclaimRequest

# The council's lists


def _applications(council):
    return "Applications", selectors.REGISTER_COLUMNS, list(selectors.register_rows(council=council))


def _contracts(council):
    columns = [
        "Reference",
        "Title",
        "Supplier",
        "Start",
        "End",
        "Notice (months)",
        "Give notice by",
        "Renewal",
        "Extension options",
        "Yearly value (£)",
        "Cost centre",
        "Procurement route",
        "Applications",
    ]
    rows = [
        [
            c.reference,
            c.title,
            c.supplier,
            c.start_date,
            c.end_date,
            c.notice_months,
            c.notice_deadline,
            c.get_renewal_display(),
            c.extension_options,
            c.annual_value,
            c.cost_centre,
            c.get_procurement_route_display() if c.procurement_route else "",
            "; ".join(a.name for a in c.applications.all()),
        ]
        for c in selectors.contract_list(council=council)
    ]
    return "Contracts", columns, rows


def _commitments(council):
    columns = ["Contract", "Supplier", "Commitment", "Due", "Delivery status", "Overdue"]
    rows = [
        [c.reference, c.supplier, m.description, m.due_date, m.get_status_display(), "Yes" if m.overdue else "No"]
        for c in selectors.contract_list(council=council)
        for m in c.commitments.all()
    ]
    return "Supplier commitments", columns, rows


def _licences(council):
    """The licence position, with the evidence and the 'as at' date of each figure (a figure not
    known is an empty cell, never 0)."""
    columns = [
        "Product",
        "Publisher",
        "Owned",
        "Owned as at",
        "Assigned",
        "Assigned rests on",
        "Used",
        "Used rests on",
        "Used with no assignment on record",
        "Activity threshold (days)",
        "Not assigned",
        "Assigned, not used",
        "Over-deployed",
        "Yearly cost (£)",
        "Yearly saving (£)",
    ]

    def evidence(items, none):
        return "; ".join(f"{e}{f' ({e.filename})' if e.filename else ''}" for e in items) or none

    rows = [
        [
            p.product.name,
            p.product.publisher.name,
            p.owned,
            p.owned_as_at,
            p.assigned,
            evidence(p.assigned_evidence, "no assignment file"),
            p.used if p.per_person else None,
            evidence(p.used_evidence, "no usage imported"),
            p.used_unassigned,
            p.activity_days,
            p.unassigned,
            p.reclaimable,
            p.over_deployed,
            p.yearly_cost,
            p.yearly_saving if p.saving_known else None,
        ]
        for p in selectors.licence_position(council=council)
    ]
    return "Licence position", columns, rows


def _renewal_rows(events, with_council=False):
    rows = []
    for e in events:
        row = [e.date, e.label, e.contract.reference, e.contract.title, e.contract.supplier, e.days_away, e.window]
        rows.append([e.contract.council.name, *row] if with_council else row)
    return rows


RENEWAL_COLUMNS = ["Date", "What", "Contract", "Title", "Supplier", "Days away", "Within (days)"]


def _renewals(council):
    return "Renewals", RENEWAL_COLUMNS, _renewal_rows(selectors.renewal_calendar(councils=council))


def _risks(council):
    risk = selectors.cyber_risk(council=council)
    columns = ["Risk", "Application", "Product", "Version", "Support status", "End of support", "Business owner"]
    rows = []
    for label, apps in (
        ("Out of support", risk.out_of_support),
        ("Support ends within 12 months", risk.support_ending),
        ("No named owner", risk.no_owner),
    ):
        rows.extend(
            [
                label,
                a.name,
                a.product.name,
                a.version,
                a.get_support_status_display(),
                a.end_of_support,
                a.business_owner,
            ]
            for a in apps
        )
    return "Cyber risk", columns, rows


def _products(council):
    columns = ["Product", "Publisher", "Other names", "ESD functions", "LGSL services", "Activity threshold (days)"]
    rows = [
        [
            p.name,
            p.publisher.name,
            "; ".join(a.name for a in p.aliases.all()),
            "; ".join(f.label for f in p.functions.all()),
            "; ".join(str(s) for s in p.services.all()),
            p.activity_days,
        ]
        for p in selectors.product_dictionary(council=council).prefetch_related("aliases", "functions", "services")
    ]
    return "Products", columns, rows


def _reclaims(council):
    columns = ["Product", "Person", "Last used", "Owner asked", "Due", "Status", "Reason", "Decided by", "Decided"]
    items = (
        ReclaimRequest.objects.filter(council=council)
        .select_related("product", "owner", "decided_by")
        .order_by("status", "due_date", "product__name", "person")
    )
    rows = [
        [
            r.product.name,
            r.person,
            r.last_used,
            r.owner.email if r.owner else "",
            r.due_date,
            r.get_status_display(),
            r.reason,
            r.decided_by.email if r.decided_by else "",
            timezone.localtime(r.decided_at).date() if r.decided_at else None,
        ]
        for r in items
    ]
    return "Reclaim requests", columns, rows


def _attestations(council):
    columns = ["Year", "Application", "Owner asked", "Due", "Status", "Still needed", "Owner right", "Users right"]
    columns += ["Comment", "Answered by"]

    def yes_no(value):
        return "" if value is None else ("Yes" if value else "No")

    items = (
        Attestation.objects.filter(council=council)
        .select_related("campaign", "application", "owner", "answered_by")
        .order_by("-campaign__year", "application__name")
    )
    rows = [
        [
            a.campaign.year,
            a.application.name,
            a.owner.email if a.owner else "",
            a.campaign.due_date,
            a.get_status_display(),
            yes_no(a.still_needed),
            yes_no(a.owner_correct),
            yes_no(a.users_correct),
            a.comment,
            a.answered_by.email if a.answered_by else "",
        ]
        for a in items
    ]
    return "Attestations", columns, rows


COUNCIL_TABLES = {
    "applications": _applications,
    "contracts": _contracts,
    "commitments": _commitments,
    "licences": _licences,
    "renewals": _renewals,
    "risks": _risks,
    "products": _products,
    "reclaims": _reclaims,
    "attestations": _attestations,
}


# The partnership's lists


def duplication_table(partnership, councils, by="function"):
    """Which council uses which product for each ESD function (by="function") or LGSL service
    (by="service") across the partnership, with costs, contract dates and convergence."""
    columns = [
        "ESD function" if by == "function" else "LGSL service",
        "More than one product",
        "Council",
        "Application",
        "Product",
        "Version",
        "Yearly cost (£)",
        "Contract ends",
        "Give notice by",
        "Convergence date",
        "Extension to converge (months)",
    ]
    rows = []
    for group in selectors.partnership_duplication(partnership=partnership, by=by):
        for use in group.uses:
            rows.append(
                [
                    str(group.category),
                    "Yes" if group.duplicated else "No",
                    use.council.name,
                    use.application.name,
                    use.application.product.name,
                    use.application.version,
                    use.yearly_cost,
                    use.contract_end,
                    use.notice_deadline,
                    group.convergence_date,
                    use.bridging_months,
                ]
            )
    return "Duplication", columns, rows


def _partnership_renewals(partnership, councils):
    rows = _renewal_rows(selectors.renewal_calendar(councils=councils), with_council=True)
    return "Renewals", ["Council", *RENEWAL_COLUMNS], rows


PARTNERSHIP_TABLES = {"duplication": duplication_table, "renewals": _partnership_renewals}


# The renewal calendar feed


def feed_token_create(*, user) -> str:
    """Make (or replace) the person's secret feed token; return it. Only its hash is kept."""
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.update_or_create(user=user, defaults={"token_hash": _hash(token)})
    return token


def feed_token_remove(*, user) -> bool:
    deleted, _ = CalendarFeedToken.objects.filter(user=user).delete()
    return bool(deleted)


def feed_token_user(token: str):
    """The person a feed token belongs to, or None."""
    if not token or len(token) > 100:
        return None
    found = CalendarFeedToken.objects.filter(token_hash=_hash(token)).select_related("user").first()
    if found is None or not found.user.is_active:
        return None
    return found.user


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def renewal_ical(*, events, name: str) -> bytes:
    """Notice deadlines and contract ends as all-day events. Each keeps its UID whatever the dates,
    so a calendar program updates an event when a contract changes rather than adding another."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//JoinedUp//Software renewals//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "joinedup"
    for event in events:
        contract = event.contract
        council_name = contract.council.short_name or contract.council.name
        item = Event()
        item.add("uid", f"software-contract-{contract.pk}-{event.what}@{host}")
        item.add("dtstamp", contract.updated_at)
        item.add("dtstart", event.date)
        item.add("dtend", event.date + datetime.timedelta(days=1))
        item.add(
            "summary",
            f"{event.label}: {contract.reference} {contract.title} ({council_name})",
        )
        item.add(
            "description",
            f"{contract.council.name}. Supplier: {contract.supplier}. Ends {contract.end_date:%-d %B %Y}; "
            f"{contract.notice_months} months' notice. {contract.get_renewal_display()}. "
            f"Yearly value £{contract.annual_value:,.2f}.",
        )
        item.add(
            "url",
            settings.SITE_URL
            + reverse("software:contract-edit", kwargs={"council_slug": contract.council.slug, "pk": contract.pk}),
        )
        item.add("transp", "TRANSPARENT")
        calendar.add_component(item)
    return calendar.to_ical()
