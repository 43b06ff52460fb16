"""
Every write to service requests. The web form, the contact centre, the Open311 API, commands
and tasks all call these, so they validate, notify and audit in exactly the same way.

`actor` is the signed-in person acting, or None for a trusted system (the API, a command).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.core import events
from joinedup.core.audit import audit_record
from joinedup.councils.selectors import ward_for_point
from joinedup.service_requests import notify
from joinedup.service_requests.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    Channel,
    ContactPreference,
    EventKind,
    Feedback,
    Priority,
    RequestCounter,
    RequestEvent,
    ServiceRequest,
    Status,
    Subscription,
)
from joinedup.service_requests.validation import (
    clean_answers,
    normalise_email,
    normalise_postcode,
    normalise_uk_mobile,
    stop_message,
)
from joinedup.service_requests.working_days import add_working_days

WEB_DESCRIPTION_LIMIT = 2000
API_DESCRIPTION_LIMIT = 4000
DISPUTE_WINDOW_DAYS = 28

# Which status can follow which. Staff may reopen a closed request by moving it back to work.
REOPEN_TO = (Status.ACKNOWLEDGED, Status.INVESTIGATING)
ALLOWED_TRANSITIONS = {
    Status.SUBMITTED: set(Status) - {Status.SUBMITTED},
    Status.ACKNOWLEDGED: set(Status) - {Status.SUBMITTED, Status.ACKNOWLEDGED},
    Status.INVESTIGATING: set(Status) - {Status.SUBMITTED, Status.ACKNOWLEDGED, Status.INVESTIGATING},
    Status.ACTION_SCHEDULED: set(Status) - {Status.SUBMITTED, Status.ACKNOWLEDGED, Status.ACTION_SCHEDULED},
    Status.IN_PROGRESS: set(Status) - {Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS},
    **{closed: set(REOPEN_TO) for closed in CLOSED_STATUSES},
}


def _require_staff(actor, council):
    if actor is not None:
        permissions.require(
            permissions.can_view_staff_pages(actor, council), "Only this council's staff can change its requests."
        )


def _event(
    request, kind, *, actor=None, public_message="", internal_note="", is_public=False, from_status="", to_status=""
):
    return RequestEvent.objects.create(
        request=request,
        kind=kind,
        actor=actor,
        public_message=public_message,
        internal_note=internal_note,
        is_public=is_public,
        from_status=from_status,
        to_status=to_status,
    )


def _announce_changed(request, *moments) -> None:
    """Tell whoever listens (the figures) that this request's counts may have changed.

    `moments` are earlier times whose day's counts may change too, such as the closure a reopening undid.
    """
    days = sorted({timezone.localtime(moment).date().isoformat() for moment in moments if moment})
    events.announce("service_requests.request_changed", council_id=request.council_id, request_id=request.pk, days=days)


def expected_by_for(category: Category, priority: str, reported_at: datetime.datetime) -> datetime.date:
    """The date a request should be dealt with by: the category's target in working days."""
    return add_working_days(timezone.localdate(reported_at), category.target_days(priority))


def _next_number(council) -> int:
    counter, _ = RequestCounter.objects.select_for_update().get_or_create(council=council)
    RequestCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    counter.refresh_from_db()
    return counter.last_number


def _clean_contact(*, category, anonymous, name, email, phone, preference, errors):
    """Check the reporter's contact details. Return (name, email, phone, preference)."""
    name, email, phone = (name or "").strip(), (email or "").strip(), (phone or "").strip()
    if email:
        try:
            email = normalise_email(email)
        except ValidationError:
            errors["reporter_email"] = ["Enter an email address in the correct format, like name@example.com"]
    if phone:
        try:
            phone = normalise_uk_mobile(phone)
        except ValidationError as error:
            errors["reporter_phone"] = error.messages
    if anonymous:
        if not category.allow_anonymous:
            errors["anonymous"] = ["You need to give your name and a way to contact you for this kind of problem"]
        return "", "", "", ContactPreference.NONE
    if not name:
        errors["reporter_name"] = ["Enter your name"]
    if not email and not phone and "reporter_email" not in errors and "reporter_phone" not in errors:
        errors["reporter_email"] = ["Enter an email address or a UK mobile number, so we can tell you what happens"]
    if preference in (ContactPreference.EMAIL, ContactPreference.BOTH) and not email:
        errors.setdefault("contact_preference", ["To get updates by email, enter your email address"])
    if preference in (ContactPreference.SMS, ContactPreference.BOTH) and not phone:
        errors.setdefault("contact_preference", ["To get updates by text message, enter your mobile number"])
    return name, email, phone, preference


@transaction.atomic
def request_create(
    *,
    council,
    category: Category,
    description: str,
    location_text: str = "",
    postcode: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    answers: dict | None = None,
    reporter=None,
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    contact_preference: str = ContactPreference.EMAIL,
    anonymous: bool = False,
    involve_councillor: bool = False,
    channel: str = Channel.WEB,
    logged_by=None,
    source_client: str = "",
    priority: str | None = None,
    description_limit: int = WEB_DESCRIPTION_LIMIT,
) -> ServiceRequest:
    """Record a new request from any channel, tell the reporter, and return it.

    Raises ValidationError keyed by field (question answers by their code), and saves nothing then.
    """
    if logged_by is not None:
        _require_staff(logged_by, council)
    errors = {}
    if category.council_id != council.id or not category.is_active:
        raise ValidationError({"category": ["Choose a kind of problem this council deals with"]})
    description = (description or "").strip()
    if not description:
        errors["description"] = ["Describe the problem"]
    elif len(description) > description_limit:
        errors["description"] = [f"The description must be {description_limit:,} characters or fewer"]
    try:
        cleaned_answers = clean_answers(category, answers or {})
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned_answers = {}
    if cleaned_answers and stop_message(category, cleaned_answers):
        errors["answers"] = [stop_message(category, cleaned_answers)]
    location_text = (location_text or "").strip()
    try:
        postcode = normalise_postcode(postcode)
    except ValidationError as error:
        errors["postcode"] = error.messages
    has_point = latitude is not None and longitude is not None
    if has_point and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        errors["location"] = ["The map position is not a real place"]
    if not has_point and not location_text:
        errors["location_text"] = ["Enter where the problem is, like a street name and a nearby landmark"]
    if len(location_text) > 300:
        errors["location_text"] = ["The location must be 300 characters or fewer"]
    if reporter is not None and not (reporter_name or reporter_email):
        reporter_name, reporter_email = reporter.full_name, reporter.email
    name, email, phone, preference = _clean_contact(
        category=category,
        anonymous=anonymous,
        name=reporter_name,
        email=reporter_email,
        phone=reporter_phone,
        preference=contact_preference,
        errors=errors,
    )
    if channel not in Channel.values:
        errors["channel"] = ["Choose how the request reached the council"]
    priority = priority or category.default_priority
    if priority not in Priority.values:
        errors["priority"] = ["Choose a priority"]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    request = ServiceRequest.objects.create(
        council=council,
        number=_next_number(council),
        category=category,
        priority=priority,
        status=Status.SUBMITTED,
        status_changed_at=now,
        description=description,
        answers=cleaned_answers,
        location_text=location_text,
        postcode=postcode,
        latitude=latitude if has_point else None,
        longitude=longitude if has_point else None,
        ward=ward_for_point(council=council, lat=latitude, lon=longitude) if has_point else None,
        channel=channel,
        source_client=source_client[:100],
        reporter=reporter if not anonymous else None,
        reporter_name=name,
        reporter_email=email,
        reporter_phone=phone,
        contact_preference=preference,
        involve_councillor=involve_councillor,
        logged_by=logged_by,
        expected_by=expected_by_for(category, priority, now),
    )
    _event(
        request,
        EventKind.CREATED,
        actor=logged_by or reporter,
        is_public=True,
        to_status=Status.SUBMITTED,
        public_message=f"Reported ({Channel(channel).label.lower()}).",
    )
    if preference != ContactPreference.NONE:
        Subscription.objects.create(
            request=request,
            user=request.reporter,
            email=email,
            phone=phone,
            contact_preference=preference,
            is_reporter=True,
        )
    audit_record(
        actor=logged_by or reporter,
        action="service_requests.request.create",
        instance=request,
        council=council,
        source=source_client or channel,
        changes={"category": category.name, "channel": channel},
    )
    notify.notify_subscribers(request, "request.submitted", key="created")
    _announce_changed(request)
    return request


def _apply_closure_fields(request, to_status, *, referred_to, duplicate_of, now):
    if to_status in CLOSED_STATUSES:
        request.closed_at = now
    else:
        request.closed_at = None
        request.referred_to = ""
        request.duplicate_of = None
    if to_status == Status.NOT_OURS:
        request.referred_to = referred_to
    if to_status == Status.DUPLICATE:
        request.duplicate_of = duplicate_of


def _check_transition(request, to_status, *, public_message, referred_to, duplicate_of):
    if to_status not in Status.values:
        raise ValidationError({"status": ["Choose a status"]})
    if to_status == request.status:
        raise ValidationError({"status": [f"The request is already '{request.get_status_display()}'"]})
    if to_status not in ALLOWED_TRANSITIONS[Status(request.status)]:
        raise ValidationError(
            {
                "status": [
                    f"A request that is '{request.get_status_display()}' cannot become '{Status(to_status).label}'"
                ]
            }
        )
    if to_status == Status.NOT_OURS and not referred_to.strip():
        raise ValidationError({"referred_to": ["Enter the organisation the request has been passed to"]})
    if to_status == Status.DUPLICATE:
        if duplicate_of is None:
            raise ValidationError({"duplicate_of": ["Enter the reference of the request this duplicates"]})
        if duplicate_of.pk == request.pk or duplicate_of.council_id != request.council_id:
            raise ValidationError({"duplicate_of": ["Choose a different request of this council"]})
    if to_status in (Status.CLOSED, Status.CANCELLED) and not public_message.strip():
        raise ValidationError({"public_message": ["Say why, in the message to the resident"]})


@transaction.atomic
def request_status_change(
    *,
    actor,
    request: ServiceRequest,
    to_status: str,
    public_message: str = "",
    internal_note: str = "",
    referred_to: str = "",
    duplicate_of: ServiceRequest | None = None,
    source: str = "",
) -> RequestEvent:
    """Move a request to a new status, record who and why, and tell everyone following it."""
    _require_staff(actor, request.council)
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    _check_transition(
        request, to_status, public_message=public_message, referred_to=referred_to, duplicate_of=duplicate_of
    )
    now = timezone.now()
    from_status = request.status
    closed_before = request.closed_at
    request.status = to_status
    request.status_changed_at = now
    _apply_closure_fields(request, to_status, referred_to=referred_to.strip(), duplicate_of=duplicate_of, now=now)
    if to_status in CLOSED_STATUSES:
        request.closure_reason = public_message.strip()
    request.save()
    event = _event(
        request,
        EventKind.STATUS,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        public_message=public_message.strip(),
        internal_note=internal_note.strip(),
        is_public=True,
    )
    audit_record(
        actor=actor,
        action="service_requests.request.status",
        instance=request,
        council=request.council,
        source=source,
        changes={"status": {"from": from_status, "to": to_status}},
    )
    context = {"message": public_message.strip()}
    if to_status == Status.NOT_OURS:
        notify.notify_subscribers(
            request, "request.referred", key=f"event-{event.pk}", referred_to=referred_to, **context
        )
    elif to_status == Status.DUPLICATE:
        notify.notify_subscribers(
            request, "request.merged", key=f"event-{event.pk}", duplicate_reference=duplicate_of.reference, **context
        )
    elif to_status in CLOSED_STATUSES:
        notify.notify_subscribers(
            request, "request.closed", key=f"event-{event.pk}", feedback_url=notify.feedback_url(request), **context
        )
    else:
        notify.notify_subscribers(request, "request.status_changed", key=f"event-{event.pk}", **context)
    _announce_changed(request, closed_before)
    return event


def request_status_check(
    *,
    actor,
    request: ServiceRequest,
    to_status: str,
    public_message: str = "",
    referred_to: str = "",
    duplicate_of: ServiceRequest | None = None,
) -> None:
    """Raise PermissionDenied or ValidationError if this status change would be refused. Changes nothing."""
    _require_staff(actor, request.council)
    _check_transition(
        request, to_status, public_message=public_message, referred_to=referred_to, duplicate_of=duplicate_of
    )


@transaction.atomic
def request_bulk_status_change(
    *,
    actor,
    council,
    references,
    to_status: str,
    public_message: str = "",
    internal_note: str = "",
    referred_to: str = "",
    duplicate_of: ServiceRequest | None = None,
) -> list[tuple[str, list[str]]]:
    """Change the status of many requests at once: all of them, or none if any change is refused.

    `public_message` may use response-template placeholders, filled in for each request. Returns
    the references that failed with the reasons; an empty list means every change was made.
    """
    from django.http import Http404

    from joinedup.service_requests.selectors import request_for_staff
    from joinedup.service_requests.services_categories import render_response

    failures = []
    for reference in dict.fromkeys(references):
        try:
            request = request_for_staff(user=actor, council=council, reference=reference)
        except Http404:
            failures.append((reference, ["There is no request with this reference at this council"]))
            continue
        try:
            with transaction.atomic():
                request_status_change(
                    actor=actor,
                    request=request,
                    to_status=to_status,
                    public_message=render_response(public_message, request),
                    internal_note=internal_note,
                    referred_to=referred_to,
                    duplicate_of=duplicate_of,
                    source="bulk",
                )
        except ValidationError as error:
            failures.append((request.reference, error.messages))
    if failures:
        transaction.set_rollback(True)
    return failures


@transaction.atomic
def request_public_update(*, actor, request: ServiceRequest, message: str, source: str = "") -> RequestEvent:
    """Tell the public (and everyone following) something new without changing the status."""
    _require_staff(actor, request.council)
    if not message.strip():
        raise ValidationError({"public_message": ["Enter the update for the resident"]})
    event = _event(request, EventKind.PUBLIC_UPDATE, actor=actor, public_message=message.strip(), is_public=True)
    audit_record(
        actor=actor,
        action="service_requests.request.public_update",
        instance=request,
        council=request.council,
        source=source,
    )
    notify.notify_subscribers(request, "request.public_update", key=f"event-{event.pk}", message=message.strip())
    return event


@transaction.atomic
def request_internal_note(*, actor, request: ServiceRequest, note: str) -> RequestEvent:
    _require_staff(actor, request.council)
    if not note.strip():
        raise ValidationError({"internal_note": ["Enter the note"]})
    event = _event(request, EventKind.INTERNAL_NOTE, actor=actor, internal_note=note.strip())
    audit_record(actor=actor, action="service_requests.request.note", instance=request, council=request.council)
    return event


@transaction.atomic
def request_assign(*, actor, request: ServiceRequest, officer) -> ServiceRequest:
    """Give the request to an officer of its council (or to nobody), and tell them."""
    _require_staff(actor, request.council)
    if officer is not None and not permissions.is_council_officer(officer, request.council):
        raise ValidationError({"assigned_to": ["Choose an officer of this council"]})
    if request.assigned_to_id == getattr(officer, "pk", None):
        return request
    previous = request.assigned_to
    request.assigned_to = officer
    request.save(update_fields=["assigned_to", "updated_at"])
    event = _event(
        request, EventKind.ASSIGNED, actor=actor, internal_note=f"Assigned to {officer}" if officer else "Unassigned"
    )
    audit_record(
        actor=actor,
        action="service_requests.request.assign",
        instance=request,
        council=request.council,
        changes={"assigned_to": {"from": str(previous or ""), "to": str(officer or "")}},
    )
    if officer is not None and officer != actor:
        notify.notify_staff(request, "request.assigned", officer, key=f"event-{event.pk}")
    return request


@transaction.atomic
def request_recategorise(
    *, actor, request: ServiceRequest, category: Category | None = None, priority: str | None = None
) -> ServiceRequest:
    """Change the category or priority, and work out the expected-by date again."""
    _require_staff(actor, request.council)
    category = category or request.category
    priority = priority or request.priority
    if category.council_id != request.council_id:
        raise ValidationError({"category": ["Choose a category of this council"]})
    if priority not in Priority.values:
        raise ValidationError({"priority": ["Choose a priority"]})
    changes = {}
    if category != request.category:
        changes["category"] = {"from": request.category.name, "to": category.name}
    if priority != request.priority:
        changes["priority"] = {"from": request.priority, "to": priority}
    if not changes:
        return request
    request.category, request.priority = category, priority
    request.expected_by = expected_by_for(category, priority, request.created_at)
    request.save(update_fields=["category", "priority", "expected_by", "updated_at"])
    _announce_changed(request)
    _event(
        request,
        EventKind.RECATEGORISED,
        actor=actor,
        internal_note="; ".join(f"{k}: {v['from']} to {v['to']}" for k, v in changes.items()),
    )
    audit_record(
        actor=actor,
        action="service_requests.request.recategorise",
        instance=request,
        council=request.council,
        changes=changes,
    )
    return request


def _subscribe(request, *, user=None, email="", phone="", preference=ContactPreference.EMAIL):
    """Add a follower unless they follow already. Return True if they are new."""
    if email and request.subscriptions.filter(email=email).exists():
        return False
    if not email and phone and request.subscriptions.filter(phone=phone).exists():
        return False
    Subscription.objects.create(request=request, user=user, email=email, phone=phone, contact_preference=preference)
    return True


@transaction.atomic
def request_support(
    *,
    request: ServiceRequest,
    user=None,
    email: str = "",
    phone: str = "",
    contact_preference: str = ContactPreference.EMAIL,
) -> ServiceRequest:
    """'Add your support': count another person affected and let them follow the request."""
    if not request.is_open:
        raise ValidationError("This request is closed, so it cannot take more support. Report it again if needed.")
    errors = {}
    email = email or (user.email if user else "")
    if email:
        try:
            email = normalise_email(email)
        except ValidationError:
            errors["email"] = ["Enter an email address in the correct format, like name@example.com"]
    if phone:
        try:
            phone = normalise_uk_mobile(phone)
        except ValidationError as error:
            errors["phone"] = error.messages
    if not email and not phone and not errors:
        errors["email"] = ["Enter an email address or a UK mobile number, so we can tell you what happens"]
    if errors:
        raise ValidationError(errors)
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if not _subscribe(request, user=user, email=email, phone=phone, preference=contact_preference):
        return request
    ServiceRequest.objects.filter(pk=request.pk).update(supporter_count=F("supporter_count") + 1)
    request.refresh_from_db()
    event = _event(
        request,
        EventKind.SUPPORTED,
        actor=user,
        is_public=True,
        public_message="Someone else has reported this problem too.",
    )
    address = email or phone
    channel = "email" if email else "sms"
    from joinedup.notifications.services import message_queue

    message_queue(
        council=request.council,
        event="request.supported",
        channel=channel,
        recipient=address,
        context=notify.request_context(request),
        obj=request,
        dedupe_key=f"request.supported:{request.pk}:{event.pk}:{address}",
    )
    _announce_changed(request)
    return request


@transaction.atomic
def request_merge(*, actor, request: ServiceRequest, into: ServiceRequest, public_message: str = "") -> ServiceRequest:
    """Close a request as a duplicate of another, moving its followers and supporters across."""
    _require_staff(actor, request.council)
    into = ServiceRequest.objects.select_for_update().get(pk=into.pk)
    if into.status not in OPEN_STATUSES:
        raise ValidationError({"duplicate_of": ["Merge into a request that is still open"]})
    message = public_message or f"This is the same problem as {into.reference}. We will update you on that one."
    request_status_change(
        actor=actor, request=request, to_status=Status.DUPLICATE, duplicate_of=into, public_message=message
    )
    request.refresh_from_db()
    moved = 0
    for subscription in request.subscriptions.all():
        if _subscribe(
            into,
            user=subscription.user,
            email=subscription.email,
            phone=subscription.phone,
            preference=subscription.contact_preference,
        ):
            moved += 1
    ServiceRequest.objects.filter(pk=into.pk).update(supporter_count=F("supporter_count") + request.supporter_count + 1)
    into.refresh_from_db()
    _event(into, EventKind.MERGED, actor=actor, internal_note=f"{request.reference} merged into this request")
    audit_record(
        actor=actor,
        action="service_requests.request.merge",
        instance=into,
        council=into.council,
        changes={"merged": request.reference, "followers_moved": moved},
    )
    _announce_changed(into)
    return into


def _is_reporter(request, *, user=None, email="", phone="") -> bool:
    if user is not None and user.is_authenticated and request.reporter_id == user.pk:
        return True
    if email and request.reporter_email and request.reporter_email == email.strip().lower():
        return True
    if phone and request.reporter_phone:
        try:
            return normalise_uk_mobile(phone) == request.reporter_phone
        except ValidationError:
            return False
    return False


@transaction.atomic
def request_resident_update(
    *, request: ServiceRequest, text: str, user=None, email: str = "", phone: str = ""
) -> RequestEvent:
    """The reporter adds information while the request is open. Counts as a chaser for the figures."""
    if not _is_reporter(request, user=user, email=email, phone=phone):
        raise PermissionDenied("Only the person who reported this can add to it.")
    if not request.is_open:
        raise ValidationError("This request is closed. If it is not fixed, you can dispute the closure.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Enter your update"]})
    if len(text) > WEB_DESCRIPTION_LIMIT:
        raise ValidationError({"text": [f"The update must be {WEB_DESCRIPTION_LIMIT:,} characters or fewer"]})
    ServiceRequest.objects.filter(pk=request.pk).update(chaser_count=F("chaser_count") + 1)
    event = _event(
        request,
        EventKind.RESIDENT_UPDATE,
        actor=user,
        internal_note=text,
        is_public=True,
        public_message="The person who reported this added more information.",
    )
    if request.assigned_to is not None:
        notify.notify_staff(
            request, "request.resident_update", request.assigned_to, key=f"event-{event.pk}", message=text
        )
    _announce_changed(request)
    return event


@transaction.atomic
def request_chaser_record(*, actor, request: ServiceRequest, note: str = "") -> RequestEvent:
    """Record that the resident phoned or wrote to chase an open request (for the figures)."""
    _require_staff(actor, request.council)
    if not request.is_open:
        raise ValidationError("This request is closed, so it cannot be chased. Reopen it first if it needs more work.")
    ServiceRequest.objects.filter(pk=request.pk).update(chaser_count=F("chaser_count") + 1)
    event = _event(request, EventKind.INTERNAL_NOTE, actor=actor, internal_note=f"Resident chased. {note}".strip())
    audit_record(actor=actor, action="service_requests.request.chaser", instance=request, council=request.council)
    _announce_changed(request)
    return event


def dispute_deadline(request: ServiceRequest) -> datetime.datetime | None:
    if request.closed_at is None or request.status not in (Status.FIXED, Status.CLOSED, Status.NOT_OURS):
        return None
    return request.closed_at + datetime.timedelta(days=DISPUTE_WINDOW_DAYS)


@transaction.atomic
def request_dispute(
    *, request: ServiceRequest, reason: str, user=None, email: str = "", phone: str = ""
) -> RequestEvent:
    """The reporter says a closure was wrong, within 28 days: the request reopens for staff."""
    if not _is_reporter(request, user=user, email=email, phone=phone):
        raise PermissionDenied("Only the person who reported this can dispute its closure.")
    deadline = dispute_deadline(request)
    if deadline is None:
        raise ValidationError("Only a request closed as fixed, no action needed or passed on can be disputed.")
    if timezone.now() > deadline:
        raise ValidationError(f"Closures can be disputed for {DISPUTE_WINDOW_DAYS} days. Please report it again.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Tell us why the problem is not sorted"]})
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    from_status = request.status
    closed_before = request.closed_at
    request.status = Status.INVESTIGATING
    request.status_changed_at = timezone.now()
    request.closed_at = None
    request.dispute_count += 1
    request.save()
    event = _event(
        request,
        EventKind.DISPUTED,
        actor=user,
        from_status=from_status,
        to_status=Status.INVESTIGATING,
        internal_note=reason,
        is_public=True,
        public_message="The person who reported this says it is not sorted. We are looking at it again.",
    )
    audit_record(
        actor=user,
        action="service_requests.request.dispute",
        instance=request,
        council=request.council,
        changes={"status": {"from": from_status, "to": Status.INVESTIGATING}},
    )
    recipient = request.assigned_to or request.category.service_area.lead_officer
    notify.notify_staff(request, "request.disputed", recipient, key=f"event-{event.pk}", message=reason)
    _announce_changed(request, closed_before)
    return event


@transaction.atomic
def feedback_give(*, request: ServiceRequest, rating: int, comment: str = "") -> Feedback:
    """Store the resident's satisfaction rating after closure. Each request takes one answer."""
    if request.status not in CLOSED_STATUSES:
        raise ValidationError("You can tell us how we did once the request is closed.")
    if Feedback.objects.filter(request=request).exists():
        raise ValidationError("Thank you: feedback for this request has already been given.")
    if rating not in Feedback.Rating.values:
        raise ValidationError({"rating": ["Select how satisfied you are"]})
    comment = (comment or "").strip()
    if len(comment) > 1200:
        raise ValidationError({"comment": ["Your comments must be 1,200 characters or fewer"]})
    feedback = Feedback.objects.create(request=request, rating=rating, comment=comment, channel=request.channel)
    _announce_changed(request)
    return feedback
