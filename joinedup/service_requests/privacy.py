"""Personal data in service requests: anonymising it after the retention period, and finding
everything held about one resident for a subject access request (each app's `personal_data.py`)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from joinedup.core import personal_data
from joinedup.core.redaction import redact
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
    and its photos (they can show faces, number plates or homes). Their name, email address and
    phone number, and any other email address or phone number, are taken out of the description,
    the answers, the location, the closure reason and every message and note on the request
    (postcodes too in staff notes, where they are the resident's, not the problem's). The photos'
    files are deleted once this is committed (see `photos._photo_files_delete`).
    """
    from joinedup.notifications.models import Message

    expired = ServiceRequest.objects.filter(
        status__in=CLOSED_STATUSES, closed_at__lt=retention_cutoff(now), anonymised_at__isnull=True
    )
    ids = list(expired.values_list("id", flat=True))
    if not ids:
        return 0
    for start in range(0, len(ids), 500):
        _words_redact(ids[start : start + 500])
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


def _words_redact(ids: list[int]) -> None:
    """Take the resident's contact details out of the free text of these requests and their events."""
    requests = list(
        ServiceRequest.objects.filter(id__in=ids).only(
            "id",
            "reporter_name",
            "reporter_email",
            "reporter_phone",
            "description",
            "answers",
            "location_text",
            "closure_reason",
        )
    )
    names = {r.pk: [r.reporter_name] for r in requests}
    for r in requests:
        words = names[r.pk]
        r.description = redact(r.description, names=words)
        r.location_text = redact(r.location_text, names=words)[:300]
        r.closure_reason = redact(r.closure_reason, names=words)
        r.answers = {
            key: redact(value, names=words) if isinstance(value, str) else value for key, value in r.answers.items()
        }
    ServiceRequest.objects.bulk_update(requests, ["description", "location_text", "closure_reason", "answers"])
    events = list(
        RequestEvent.objects.filter(request_id__in=ids)
        .exclude(public_message="", internal_note="")
        .only("id", "request_id", "public_message", "internal_note")
    )
    for event in events:
        words = names[event.request_id]
        event.public_message = redact(event.public_message, names=words)
        event.internal_note = redact(event.internal_note, names=words, postcodes=True)
    RequestEvent.objects.bulk_update(events, ["public_message", "internal_note"], batch_size=500)


def resident_data(*, email: str = "", phone: str = "") -> dict:
    """Everything held about one resident, from every app, found by email address and/or phone
    number, as plain data (see `joinedup.core.personal_data`)."""
    from joinedup.service_requests.validation import normalise_uk_mobile

    phones = {normalise_uk_mobile(phone)} if phone.strip() else set()
    return personal_data.person_data(email=email, phones=phones)
