"""What service requests and their messages hold about a resident, for a subject access request.
Found by `joinedup.core.personal_data`, which imports this module of every app."""

from django.db.models import Q

from joinedup.core.personal_data import Found, Person, register, stamp
from joinedup.service_requests.models import EventKind, ServiceRequest


def _requests_reported(person: Person) -> Found:
    match = Q(pk__in=[])
    if person.email:
        match |= Q(reporter_email=person.email)
    if person.phones:
        match |= Q(reporter_phone__in=person.phones)
    if person.user:
        match |= Q(reporter=person.user)
    requests = list(
        ServiceRequest.objects.filter(match).select_related("council", "category", "feedback").order_by("created_at")
    )
    data = [
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
    ]
    return Found(data, records=requests)


def _requests_followed(person: Person) -> Found:
    from joinedup.service_requests.models import Subscription

    match = Q(pk__in=[])
    if person.email:
        match |= Q(email=person.email)
    if person.phones:
        match |= Q(phone__in=person.phones)
    if person.user:
        match |= Q(user=person.user)
    subscriptions = Subscription.objects.filter(match, is_reporter=False).select_related("request", "request__council")
    data = [
        {
            "reference": s.request.reference,
            "council": s.request.council.name,
            "since": stamp(s.created_at),
            "email": s.email,
            "phone": s.phone,
            "contact_preference": s.contact_preference,
        }
        for s in subscriptions
    ]
    return Found(data)


def _messages_sent(person: Person) -> Found:
    from joinedup.notifications.models import Message

    messages = Message.objects.filter(recipient__in=person.addresses).order_by("created_at")
    data = [
        {
            "at": stamp(m.created_at),
            "channel": m.channel,
            "to": m.recipient,
            "subject": m.subject,
            "body": m.body,
            "status": m.get_status_display(),
        }
        for m in messages
    ]
    return Found(data)


register("requests_reported", _requests_reported)
register("requests_followed", _requests_followed)
register("messages_sent_to_you", _messages_sent)
