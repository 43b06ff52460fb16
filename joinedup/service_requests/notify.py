"""Who hears about what: turns request events into outbox messages for residents and staff."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from joinedup.service_requests.models import ContactPreference, ServiceRequest

FEEDBACK_SALT = "service_requests.feedback"


def tracking_url(request: ServiceRequest) -> str:
    path = reverse(
        "service_requests:track", kwargs={"council_slug": request.council.slug, "reference": request.reference}
    )
    return settings.SITE_URL + path


def feedback_token(request: ServiceRequest) -> str:
    return signing.dumps({"request": request.pk}, salt=FEEDBACK_SALT)


def feedback_url(request: ServiceRequest) -> str:
    path = reverse(
        "service_requests:feedback",
        kwargs={"council_slug": request.council.slug, "reference": request.reference, "token": feedback_token(request)},
    )
    return settings.SITE_URL + path


def request_context(request: ServiceRequest, **extra) -> dict:
    context = {
        "reference": request.reference,
        "council_name": request.council.name,
        "category": request.category.name,
        "status": request.get_status_display(),
        "expected_by": f"{request.expected_by:%-d %B %Y}",
        "tracking_url": tracking_url(request),
    }
    context.update(extra)
    return context


def _addresses(preference: str, email: str, phone: str) -> list[tuple[str, str]]:
    channels = []
    if preference in (ContactPreference.EMAIL, ContactPreference.BOTH) and email:
        channels.append(("email", email))
    if preference in (ContactPreference.SMS, ContactPreference.BOTH) and phone:
        channels.append(("sms", phone))
    return channels


def notify_subscribers(request: ServiceRequest, event: str, *, key: str, **extra) -> int:
    """Queue a message about the request to the reporter and every supporter. Return how many.

    `key` makes the message unique to this happening (an event id, say), so it is never queued twice.
    """
    from joinedup.notifications.services import message_queue

    queued = 0
    for subscription in request.subscriptions.all():
        for channel, address in _addresses(subscription.contact_preference, subscription.email, subscription.phone):
            message = message_queue(
                council=request.council,
                event=event,
                channel=channel,
                recipient=address,
                context=request_context(request, **extra),
                obj=request,
                dedupe_key=f"{event}:{request.pk}:{key}:{channel}:{address}",
            )
            queued += message is not None
    from joinedup.councillors.services import notify_councillors  # councillors following or escalating it

    notify_councillors(request, event, key=key, **extra)
    return queued


def notify_staff(request: ServiceRequest, event: str, user, *, key: str, **extra) -> None:
    from joinedup.notifications.services import message_queue

    if user is None or not user.email:
        return
    staff_url = settings.SITE_URL + reverse(
        "service_requests:staff-detail", kwargs={"council_slug": request.council.slug, "reference": request.reference}
    )
    message_queue(
        council=request.council,
        event=event,
        channel="email",
        recipient=user.email,
        context=request_context(request, tracking_url=staff_url, recipient_name=user.get_short_name(), **extra),
        obj=request,
        dedupe_key=f"{event}:{request.pk}:{key}:{user.pk}",
    )
