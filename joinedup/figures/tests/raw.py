"""The figures worked out straight from the raw rows, written independently of rollups.py, for tests."""

from collections import Counter, defaultdict

from django.utils import timezone

from joinedup.notifications.models import Message
from joinedup.service_requests.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ContactPreference,
    EventKind,
    Feedback,
    ServiceRequest,
)
from joinedup.service_requests.working_days import working_days_between

GOOD = {"delivered", "sent", "pending", "sending"}


def _told(request, event) -> str | None:
    """The best status of a message to the reporter about this event."""
    addresses = {a for a in (request.reporter_email, request.reporter_phone) if a}
    statuses = [
        m.status
        for m in Message.objects.filter(object_type="service_requests.servicerequest", object_id=str(request.pk))
        if m.recipient in addresses and f":{request.pk}:event-{event.pk}:" in m.dedupe_key
    ]
    for best in ("delivered", "sent", "pending", "sending", "failed", "uncertain"):
        if best in statuses:
            return best
    return None


def raw_totals(council, day_from, day_to) -> dict:
    """Counts for requests made, closed and rated between two local days (inclusive)."""
    t = Counter()
    histogram = Counter()
    in_range = lambda moment: moment is not None and day_from <= timezone.localdate(moment) <= day_to  # noqa: E731
    for r in ServiceRequest.objects.filter(council=council):
        events = list(r.events.order_by("created_at", "id"))
        if in_range(r.created_at):
            t["made"] += 1
            t["made_assisted"] += r.channel in ("web", "api") and r.logged_by_id is not None
            t["chasers"] += r.chaser_count
            t["repeat_contacts"] += r.supporter_count
            t["disputes"] += r.dispute_count
            t["reopenings"] += sum(
                1 for e in events if e.from_status in CLOSED_STATUSES and e.to_status in OPEN_STATUSES
            )
            changes = [e for e in events if e.kind == EventKind.STATUS]
            if changes and r.contact_preference != ContactPreference.NONE:
                t["loop_requests"] += 1
                t["loop_told_all"] += all(_told(r, e) in GOOD for e in changes)
        if r.status in CLOSED_STATUSES and in_range(r.closed_at):
            t["closed"] += 1
            if r.status in ("fixed", "closed", "not_ours"):
                t["resolved"] += 1
                t["resolved_within_target"] += timezone.localdate(r.closed_at) <= r.expected_by
                histogram[working_days_between(timezone.localdate(r.created_at), timezone.localdate(r.closed_at))] += 1
            if r.contact_preference != ContactPreference.NONE:
                t["closure_asked"] += 1
                closing = [e for e in events if e.kind == EventKind.STATUS and e.to_status in CLOSED_STATUSES]
                outcome = _told(r, closing[-1]) if closing else None
                key = {
                    "delivered": "closure_delivered",
                    "sent": "closure_sent",
                    "pending": "closure_waiting",
                    "sending": "closure_waiting",
                    "failed": "closure_failed",
                    "uncertain": "closure_failed",
                }.get(outcome, "closure_not_told")
                t[key] += 1
    for f in Feedback.objects.filter(request__council=council):
        if in_range(f.created_at):
            t[f"sat_{f.rating}"] += 1
    return {"totals": dict(t), "histogram": dict(histogram)}


def raw_open_overdue(council) -> dict:
    today = timezone.localdate()
    result = defaultdict(lambda: [0, 0])
    for r in ServiceRequest.objects.filter(council=council, status__in=OPEN_STATUSES):
        result[r.category_id][0] += 1
        result[r.category_id][1] += r.expected_by < today
    return {k: tuple(v) for k, v in result.items()}
