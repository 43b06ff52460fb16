"""
Reclaim and attestation workflows.

- **Reclaim**: licences assigned to people who have not used them within the product's activity
  threshold become reclaim requests. Each goes to the lead officer of the service area that owns
  the product's application at the council; they keep the licence (and say why) or reclaim it,
  which removes the assignment.
- **Attestation**: once a year, each owner is asked to confirm that each of their applications is
  still needed and that its owner and users are recorded correctly.

Messages go through the notifications outbox. `software_reminders_send` (run daily by the
`send_software_reminders` command, like `send_overdue_notices`) sends each owner a list of their
overdue decisions, at most once a week.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.core.audit import audit_record
from joinedup.software.models import (
    PER_PERSON_METRICS,
    Application,
    Assignment,
    Attestation,
    AttestationCampaign,
    AttestationStatus,
    Entitlement,
    Product,
    ReclaimExclusion,
    ReclaimRequest,
    ReclaimStatus,
    UsageMonthly,
)
from joinedup.software.positions import active_people
from joinedup.software.services import _check_in_dictionary, require_register_access

RECLAIM_DAYS_TO_ANSWER = 14
REMINDER_EVERY_DAYS = 7


def _url(name, council):
    return settings.SITE_URL + reverse(name, kwargs={"council_slug": council.slug})


def _owner_of(council, product):
    """The service area that owns the product at the council, and its lead officer (either may be None)."""
    application = (
        Application.objects.filter(council=council, product=product, service_area__isnull=False)
        .select_related("service_area__lead_officer")
        .order_by("name")
        .first()
    )
    if application is None:
        return None, None
    return application.service_area, application.service_area.lead_officer


def can_decide(user, item) -> bool:
    """The owner asked decides; with no owner, the council's staff; partnership officers and
    administrators always may."""
    council = item.council
    if not permissions.can_view_staff_pages(user, council):
        return False
    if item.owner_id is None or item.owner_id == user.pk:
        return True
    return permissions.can_manage_council(user, council)


def _require_decide(actor, item):
    if actor is not None:
        permissions.require(
            can_decide(actor, item), "Only the owner asked, or the partnership's officers, can answer this."
        )


# Reclaim


def reclaim_candidates(*, council, product, today=None):
    """People with the product assigned who have not used it within its activity threshold, with
    the last day they did (None if never). Only per-person licences have candidates.

    The threshold counts back from each usage source's own date (a report's refresh date, the
    newest sign-in in a log), as the licence position does, not from today."""
    today = today or timezone.localdate()
    metrics = set(
        Entitlement.objects.filter(council=council, product=product).values_list("metric", flat=True).distinct()
    )
    if metrics and not metrics & set(PER_PERSON_METRICS):
        return []
    active = active_people(council=council, windows={product.pk: product.activity_days}, today=today)[product.pk]
    people = set(Assignment.objects.filter(council=council, product=product).values_list("person", flat=True))
    idle = people - active
    last_used = {}
    for person, month, days in (
        UsageMonthly.objects.filter(council=council, product=product, month__lte=today, person__in=idle)
        .values_list("person", "month", "days")
        .iterator(chunk_size=5000)
    ):
        if (month.year, month.month) == (today.year, today.month):
            days &= (1 << today.day) - 1  # not the days after today
            if not days:
                continue
        last = UsageMonthly.last_day(month, days)
        if person not in last_used or last > last_used[person]:
            last_used[person] = last
    return sorted((person, last_used.get(person)) for person in idle)


def reclaim_new_candidates(*, council, product, today=None) -> list:
    """The candidates (see `reclaim_candidates`) not already asked about in a request still open:
    who asking the owner now would ask about."""
    open_people = set(
        ReclaimRequest.objects.filter(council=council, product=product, status=ReclaimStatus.OPEN).values_list(
            "person", flat=True
        )
    )
    open_people |= set(
        ReclaimExclusion.objects.filter(council=council, product=product).values_list("person", flat=True)
    )
    return [
        (p, last)
        for p, last in reclaim_candidates(council=council, product=product, today=today)
        if p not in open_people
    ]


@transaction.atomic
def reclaim_exclude(*, actor, council, product: Product, people, reason: str, source: str = "") -> int:
    """Never ask about these people for this product (a shared mailbox, a service or room account, a
    protected person, someone on long-term leave): the reason is needed. Returns how many were added."""
    require_register_access(actor, council)
    _check_in_dictionary(council, product)
    reason = (reason or "").strip()
    people = sorted({person.strip().lower() for person in people if person.strip()})
    if not people:
        raise ValidationError({"person": "Select the people to leave out"})
    if not reason:
        raise ValidationError({"reason": "Say why they are left out"})
    created = ReclaimExclusion.objects.bulk_create(
        [
            ReclaimExclusion(council=council, product=product, person=person, reason=reason, excluded_by=actor)
            for person in people
        ],
        ignore_conflicts=True,
    )
    audit_record(
        actor=actor,
        action="software.reclaim.exclude",
        instance=product,
        council=council,
        changes={"people": people, "reason": reason},
        source=source,
    )
    return len(created)


def reclaim_owner(*, council, product):
    """The service area that owns the product at the council, and its lead officer (either may be None)."""
    return _owner_of(council, product)


@transaction.atomic
def reclaim_requests_create(*, actor, council, product: Product, today=None, source: str = "") -> list:
    """Ask the product's owner about each licence nobody is using. People already asked about (with
    a request still open) are not asked about again. Returns the new requests."""
    require_register_access(actor, council)
    _check_in_dictionary(council, product)
    today = today or timezone.localdate()
    candidates = reclaim_new_candidates(council=council, product=product, today=today)
    if not candidates:
        return []
    area, owner = _owner_of(council, product)
    due = today + datetime.timedelta(days=RECLAIM_DAYS_TO_ANSWER)
    created = ReclaimRequest.objects.bulk_create(
        ReclaimRequest(
            council=council,
            product=product,
            person=person,
            last_used=last,
            service_area=area,
            owner=owner,
            due_date=due,
        )
        for person, last in candidates
    )
    audit_record(
        actor=actor,
        action="software.reclaim.request",
        instance=product,
        council=council,
        changes={
            "people": [p for p, _ in candidates],
            "owner": owner.email if owner else None,
            "due_date": due,
        },
        source=source,
    )
    if owner is not None:
        from joinedup.notifications.services import message_queue

        lines = [
            f"- {product.name}: {person} (last used {last:%-d %B %Y})"
            if last
            else f"- {product.name}: {person} (never used)"
            for person, last in candidates
        ]
        message_queue(
            council=council,
            event="software.reclaim_requested",
            channel="email",
            recipient=owner.email,
            context={
                "council_name": council.name,
                "recipient_name": owner.get_short_name(),
                "category": area.name,
                "overdue_list": "\n".join(lines),
                "expected_by": f"{due:%-d %B %Y}",
                "tracking_url": _url("software:workflows", council),
            },
            obj=product,
            dedupe_key=f"software.reclaim:{council.pk}:{product.pk}:{created[0].pk}",
        )
    return created


@transaction.atomic
def reclaim_decide(*, actor, request: ReclaimRequest, decision: str, reason: str = "", source: str = ""):
    """Keep (a reason is needed) or reclaim (the assignment is removed) a licence nobody is using."""
    request = ReclaimRequest.objects.select_for_update().get(pk=request.pk)
    _require_decide(actor, request)
    if request.status != ReclaimStatus.OPEN:
        raise ValidationError("This has been decided already.")
    reason = (reason or "").strip()
    if decision == ReclaimStatus.KEPT:
        if not reason:
            raise ValidationError({"reason": "Say why the licence is still needed."})
    elif decision == ReclaimStatus.RECLAIMED:
        Assignment.objects.filter(council=request.council, product=request.product, person=request.person).delete()
    else:
        raise ValidationError({"decision": "Choose whether to keep or reclaim the licence."})
    request.status = decision
    request.reason = reason
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action=f"software.reclaim.{'keep' if decision == ReclaimStatus.KEPT else 'reclaim'}",
        instance=request,
        council=request.council,
        changes={"person": request.person, "product": request.product, "reason": reason},
        source=source,
    )
    return request


# Attestation


@transaction.atomic
def attestation_campaign_start(*, actor, council, year: int, due_date: datetime.date, source: str = ""):
    """Start the year's attestation: one question per application, one message to each owner."""
    require_register_access(actor, council)
    if AttestationCampaign.objects.filter(council=council, year=year).exists():
        raise ValidationError({"year": f"The {year} attestation has been started already."})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The date to answer by must be today or later."})
    applications = list(
        Application.objects.filter(council=council).select_related("service_area__lead_officer").order_by("name")
    )
    if not applications:
        raise ValidationError("The council has no applications to ask about.")
    campaign = AttestationCampaign(council=council, year=year, due_date=due_date, started_by=actor)
    campaign.full_clean()
    campaign.save()
    Attestation.objects.bulk_create(
        Attestation(
            campaign=campaign,
            council=council,
            application=app,
            owner=app.service_area.lead_officer if app.service_area else None,
        )
        for app in applications
    )
    audit_record(
        actor=actor,
        action="software.attestation.start",
        instance=campaign,
        council=council,
        changes={"year": year, "due_date": due_date, "applications": len(applications)},
        source=source,
    )
    from joinedup.notifications.services import message_queue

    by_owner = defaultdict(list)
    for app in applications:
        if app.service_area and app.service_area.lead_officer:
            by_owner[app.service_area.lead_officer].append(app)
    for owner, apps in by_owner.items():
        message_queue(
            council=council,
            event="software.attestation_requested",
            channel="email",
            recipient=owner.email,
            context={
                "council_name": council.name,
                "recipient_name": owner.get_short_name(),
                "overdue_list": "\n".join(f"- {app.name} ({app.product.name})" for app in apps),
                "expected_by": f"{due_date:%-d %B %Y}",
                "tracking_url": _url("software:workflows", council),
            },
            obj=campaign,
            dedupe_key=f"software.attestation:{campaign.pk}:{owner.pk}",
        )
    return campaign


@transaction.atomic
def attestation_answer(
    *,
    actor,
    attestation: Attestation,
    still_needed: bool,
    owner_correct: bool,
    users_correct: bool,
    comment: str = "",
    source: str = "",
):
    """Record an owner's answer. If anything is not right, the comment must say what."""
    attestation = Attestation.objects.select_for_update().get(pk=attestation.pk)
    _require_decide(actor, attestation)
    comment = (comment or "").strip()
    all_right = still_needed and owner_correct and users_correct
    if not all_right and not comment:
        raise ValidationError({"comment": "Say what needs to change."})
    before = attestation.status
    attestation.still_needed = still_needed
    attestation.owner_correct = owner_correct
    attestation.users_correct = users_correct
    attestation.comment = comment
    attestation.status = AttestationStatus.CONFIRMED if all_right else AttestationStatus.CHANGES
    attestation.answered_by = actor
    attestation.answered_at = timezone.now()
    attestation.save()
    audit_record(
        actor=actor,
        action="software.attestation.answer",
        instance=attestation,
        council=attestation.council,
        changes={
            "status": {"from": before, "to": attestation.status},
            "still_needed": still_needed,
            "owner_correct": owner_correct,
            "users_correct": users_correct,
            "comment": comment,
        },
        source=source,
    )
    return attestation


# Reads


RECLAIM_PAGE_SIZE = 50


def workflow_items(*, council, user=None, today=None, page=None) -> dict:
    """Open reclaim requests (one page of RECLAIM_PAGE_SIZE, soonest due first) and unanswered
    attestations at the council (only `user`'s, if given), the numbers overdue, and the latest
    decisions. A fixed number of queries, however many requests are open."""
    today = today or timezone.localdate()
    reclaims = ReclaimRequest.objects.filter(council=council).select_related(
        "product", "owner", "service_area", "decided_by"
    )
    attestations = Attestation.objects.filter(council=council).select_related(
        "application", "application__product", "owner", "campaign", "answered_by"
    )
    if user is not None:
        reclaims = reclaims.filter(owner=user)
        attestations = attestations.filter(owner=user)
    waiting = reclaims.filter(status=ReclaimStatus.OPEN).order_by("due_date", "product__name", "person", "pk")
    reclaim_page = Paginator(waiting, RECLAIM_PAGE_SIZE).get_page(page)
    pending = list(
        attestations.filter(status=AttestationStatus.PENDING).order_by("campaign__due_date", "application__name")
    )
    return {
        "reclaims": reclaim_page,
        "reclaims_waiting": reclaim_page.paginator.count,
        "overdue_reclaims": waiting.filter(due_date__lt=today).count(),
        "attestations": pending,
        "overdue_attestations": [a for a in pending if a.campaign.due_date < today],
        "today": today,
        "decided": list(reclaims.exclude(status=ReclaimStatus.OPEN).order_by("-decided_at")[:20]),
        "answered": list(attestations.exclude(status=AttestationStatus.PENDING).order_by("-answered_at")[:20]),
        "campaigns": list(AttestationCampaign.objects.filter(council=council)),
    }


def reclaim_get(*, council, pk) -> ReclaimRequest:
    from django.http import Http404

    try:
        return ReclaimRequest.objects.select_related("product", "owner", "council").get(council=council, pk=pk)
    except (ReclaimRequest.DoesNotExist, ValueError):
        raise Http404("No reclaim request with that number at this council.") from None


def attestation_get(*, council, pk) -> Attestation:
    from django.http import Http404

    try:
        return Attestation.objects.select_related("application", "campaign", "owner", "council").get(
            council=council, pk=pk
        )
    except (Attestation.DoesNotExist, ValueError):
        raise Http404("No attestation with that number at this council.") from None


# Reminders


@transaction.atomic
def software_reminders_send(*, today=None) -> dict[str, int]:
    """Send each owner the list of their overdue reclaim decisions and attestations, at most once
    every REMINDER_EVERY_DAYS days. Safe to run more than once a day."""
    from joinedup.notifications.services import message_queue

    today = today or timezone.localdate()
    overdue = defaultdict(list)
    for request in ReclaimRequest.objects.filter(
        status=ReclaimStatus.OPEN, due_date__lt=today, owner__isnull=False
    ).select_related("council", "owner", "product"):
        overdue[(request.council, request.owner)].append(
            f"- Keep or reclaim {request.product.name} assigned to {request.person} (due {request.due_date:%-d %B %Y})"
        )
    for attestation in Attestation.objects.filter(
        Q(status=AttestationStatus.PENDING), campaign__due_date__lt=today, owner__isnull=False
    ).select_related("council", "owner", "application", "campaign"):
        overdue[(attestation.council, attestation.owner)].append(
            f"- Confirm {attestation.application.name} (due {attestation.campaign.due_date:%-d %B %Y})"
        )
    # One reminder per period: the key names the period, so running daily sends weekly.
    period = (today - datetime.date(2000, 1, 3)).days // REMINDER_EVERY_DAYS
    sent = 0
    for (council, owner), lines in overdue.items():
        message = message_queue(
            council=council,
            event="software.overdue_reminder",
            channel="email",
            recipient=owner.email,
            context={
                "council_name": council.name,
                "recipient_name": owner.get_short_name(),
                "overdue_list": "\n".join(lines),
                "tracking_url": _url("software:workflows", council),
            },
            obj=council,
            dedupe_key=f"software.overdue:{council.pk}:{owner.pk}:{period}",
        )
        sent += message is not None
    return {"owners reminded of overdue software decisions": sent}
