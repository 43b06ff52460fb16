"""Overdue requests: tell the assigned officer when one becomes overdue, and each service-area
lead once a day which of their area's requests are overdue. Run daily: `send_overdue_notices`."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from joinedup.service_requests import notify
from joinedup.service_requests.models import OPEN_STATUSES, ServiceRequest


@transaction.atomic
def overdue_notices_send(*, today=None) -> dict[str, int]:
    """Queue the overdue messages for today. Safe to run more than once a day: each is queued once."""
    from joinedup.notifications.services import message_queue

    today = today or timezone.localdate()
    overdue = (
        ServiceRequest.objects.filter(status__in=OPEN_STATUSES, expected_by__lt=today)
        .select_related("council", "category", "category__service_area__lead_officer", "assigned_to")
        .order_by("council_id", "expected_by", "number")
    )
    officers = 0
    by_lead = defaultdict(list)
    for request in overdue:
        if request.assigned_to is not None:
            # Keyed by the expected-by date: a request told once stays told until its date changes.
            notify.notify_staff(request, "request.overdue", request.assigned_to, key=f"due-{request.expected_by}")
            officers += 1
        area = request.category.service_area
        if area.lead_officer is not None:
            by_lead[(request.council, area)].append(request)
    digests = 0
    for (council, area), requests in by_lead.items():
        lead = area.lead_officer
        lines = [
            f"- {r.reference}: {r.category.name}, {r.location_text or 'map point'}, due {r.expected_by:%-d %B %Y}"
            for r in requests
        ]
        message = message_queue(
            council=council,
            event="request.overdue_digest",
            channel="email",
            recipient=lead.email,
            context={
                "council_name": council.name,
                "recipient_name": lead.get_short_name(),
                "overdue_list": "\n".join(lines),
                "category": area.name,
            },
            obj=area,
            dedupe_key=f"request.overdue_digest:{area.pk}:{today.isoformat()}",
        )
        digests += message is not None
    return {"overdue notices to assigned officers": officers, "daily overdue lists to service-area leads": digests}
