"""Personal data in service requests: anonymising it after the retention period, and finding
everything held about one resident for a subject access request."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from joinedup.service_requests.models import (
    CLOSED_STATUSES,
    EventKind,
    Feedback,
    Photo,
    RequestEvent,
    ServiceRequest,
)


def retention_cutoff(now):
    """Requests closed before this moment are past the retention period."""
    return now - timezone.timedelta(days=round(settings.REQUEST_RETENTION_MONTHS * 365.25 / 12))


@transaction.atomic
def requests_anonymise_expired(now) -> int:
    """Remove residents' personal data from requests closed longer ago than the retention period.

    The request itself stays (the figures and the public record need it), without anything that
    identifies the resident: contact details, followers, their own words in updates and feedback,
    and its photos (they can show faces, number plates or homes). The photos' files are deleted
    once this is committed (see `photos._photo_files_delete`).
    """
    from joinedup.notifications.models import Message

    expired = ServiceRequest.objects.filter(
        status__in=CLOSED_STATUSES, closed_at__lt=retention_cutoff(now), anonymised_at__isnull=True
    )
    ids = list(expired.values_list("id", flat=True))
    if not ids:
        return 0
    ServiceRequest.objects.filter(id__in=ids).update(
        reporter=None,
        reporter_name="",
        reporter_email="",
        reporter_phone="",
        involve_councillor=False,
        anonymised_at=now,
    )
    from joinedup.service_requests.models import Subscription

    Subscription.objects.filter(request_id__in=ids).delete()
    RequestEvent.objects.filter(request_id__in=ids, kind__in=[EventKind.RESIDENT_UPDATE, EventKind.DISPUTED]).update(
        internal_note="(removed after the retention period)"
    )
    Feedback.objects.filter(request_id__in=ids).exclude(comment="").update(comment="")
    Photo.objects.filter(request_id__in=ids).delete()
    Message.objects.filter(object_type="service_requests.servicerequest", object_id__in=[str(i) for i in ids]).delete()
    return len(ids)


def resident_data(*, email: str = "", phone: str = "") -> dict:
    """Everything held about one resident, found by email address and/or phone number, as plain data."""
    from joinedup.accounts.models import User
    from joinedup.notifications.models import Message
    from joinedup.service_requests.validation import normalise_uk_mobile

    email = email.strip().lower()
    phones = set()
    if phone.strip():
        phones = {normalise_uk_mobile(phone)}
    user = User.objects.filter(email=email).first() if email else None
    match = Q(pk__in=[])
    if email:
        match |= Q(reporter_email=email)
    if phones:
        match |= Q(reporter_phone__in=phones)
    if user:
        match |= Q(reporter=user)
    requests = ServiceRequest.objects.filter(match).select_related("council", "category").order_by("created_at")

    def stamp(value):
        return value.isoformat() if value else None

    addresses = {email, *phones} - {""}
    return {
        "generated_at": timezone.now().isoformat(),
        "searched_for": {"email": email or None, "phone": sorted(phones) or None},
        "account": None
        if user is None
        else {
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "date_joined": stamp(user.date_joined),
            "last_login": stamp(user.last_login),
            "roles": [str(role) for role in user.role_assignments.all()],
        },
        "requests_reported": [
            {
                "reference": r.reference,
                "council": r.council.name,
                "category": r.category.name,
                "created_at": stamp(r.created_at),
                "status": r.get_status_display(),
                "closed_at": stamp(r.closed_at),
                "description": r.description,
                "answers": r.answers,
                "location_text": r.location_text,
                "postcode": r.postcode,
                "latitude": r.latitude,
                "longitude": r.longitude,
                "reporter_name": r.reporter_name,
                "reporter_email": r.reporter_email,
                "reporter_phone": r.reporter_phone,
                "contact_preference": r.contact_preference,
                "channel": r.channel,
                "your_updates": [
                    {"at": stamp(e.created_at), "kind": e.get_kind_display(), "text": e.internal_note}
                    for e in r.events.filter(kind__in=[EventKind.RESIDENT_UPDATE, EventKind.DISPUTED])
                ],
                "feedback": (
                    {"rating": r.feedback.get_rating_display(), "comment": r.feedback.comment}
                    if hasattr(r, "feedback")
                    else None
                ),
            }
            for r in requests
        ],
        "requests_followed": [
            {
                "reference": s.request.reference,
                "council": s.request.council.name,
                "since": stamp(s.created_at),
                "email": s.email,
                "phone": s.phone,
                "contact_preference": s.contact_preference,
            }
            for s in _subscriptions(email, phones, user)
        ],
        "messages_sent_to_you": [
            {
                "at": stamp(m.created_at),
                "channel": m.channel,
                "to": m.recipient,
                "subject": m.subject,
                "body": m.body,
                "status": m.get_status_display(),
            }
            for m in Message.objects.filter(recipient__in=addresses).order_by("created_at")
        ],
    }


def _subscriptions(email, phones, user):
    from joinedup.service_requests.models import Subscription

    match = Q(pk__in=[])
    if email:
        match |= Q(email=email)
    if phones:
        match |= Q(phone__in=phones)
    if user:
        match |= Q(user=user)
    return Subscription.objects.filter(match, is_reporter=False).select_related("request", "request__council")
