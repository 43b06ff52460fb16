"""The weekly digest: for each councillor who chose it, one email with everything that happened
in their wards in the week (new, overdue, closed, escalations answered) and updates on the
requests they follow. Sent by the `send_weekly_digests` task every Monday morning."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.councillors import access
from joinedup.councillors.models import Councillor, DigestChoice, Escalation, Follow
from joinedup.service_requests.models import OPEN_STATUSES, RequestEvent, ServiceRequest

SEND_AT = datetime.time(7, 0)  # Monday, local time


def week_window(today: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The last whole week before `today`: from Monday 00:00 to the next Monday 00:00, local time."""
    end_day = today - datetime.timedelta(days=today.weekday())
    end = timezone.make_aware(datetime.datetime.combine(end_day, datetime.time.min))
    start = timezone.make_aware(datetime.datetime.combine(end_day - datetime.timedelta(days=7), datetime.time.min))
    return start, end


def digest_events(*, council, user, start, end) -> dict[str, list]:
    """What the digest for this councillor holds: events from `start` (inclusive) to `end` (exclusive)."""
    wards = permissions.councillor_wards(user, council)
    in_wards = ServiceRequest.objects.filter(council=council, ward__in=wards).select_related("category", "ward")
    start_day, end_day = timezone.localdate(start), timezone.localdate(end)
    # A request becomes overdue the day after its expected-by date, if it is still open then.
    overdue = in_wards.filter(
        expected_by__gte=start_day - datetime.timedelta(days=1), expected_by__lt=end_day - datetime.timedelta(days=1)
    ).filter(Q(closed_at__isnull=True, status__in=OPEN_STATUSES) | Q(closed_at__isnull=False))
    overdue = [r for r in overdue if r.closed_at is None or timezone.localdate(r.closed_at) > r.expected_by]
    followed = Follow.objects.filter(council=council, user=user).values("request_id")
    return {
        "new": list(in_wards.filter(created_at__gte=start, created_at__lt=end).order_by("created_at", "number")),
        "overdue": sorted(overdue, key=lambda r: (r.expected_by, r.number)),
        "closed": list(in_wards.filter(closed_at__gte=start, closed_at__lt=end).order_by("closed_at", "number")),
        "answered": list(
            Escalation.objects.filter(council=council, answered_at__gte=start, answered_at__lt=end)
            .filter(Q(councillor=user) | Q(request__ward__in=wards))
            .select_related("request", "request__category")
            .order_by("answered_at", "pk")
        ),
        "updates": list(
            RequestEvent.objects.filter(
                request_id__in=followed, is_public=True, created_at__gte=start, created_at__lt=end
            )
            .select_related("request", "request__council", "request__category")
            .order_by("created_at", "pk")
        ),
    }


def _line(request: ServiceRequest, extra: str = "") -> str:
    where = request.location_text or "map point"
    ward = f" ({request.ward.name})" if request.ward_id else ""
    return f"- {request.reference}: {request.category.name}, {where}{ward}{extra}"


def digest_text(events: dict[str, list]) -> str:
    sections = [
        ("New requests", [_line(r) for r in events["new"]]),
        ("Became overdue", [_line(r, f", due {r.expected_by:%-d %B}") for r in events["overdue"]]),
        ("Closed", [_line(r, f": {r.get_status_display()}") for r in events["closed"]]),
        ("Escalations answered", [_line(e.request, f": {e.answer}") for e in events["answered"]]),
        (
            "Updates on requests you follow",
            [f"- {e.request.reference}: {e.get_kind_display()}" for e in events["updates"]],
        ),
    ]
    parts = []
    for title, lines in sections:
        parts.append(f"{title} ({len(lines)}):\n" + ("\n".join(lines) if lines else "- None"))
    return "\n\n".join(parts)


@transaction.atomic
def digests_send(*, today=None) -> int:
    """Queue the week's digest for every councillor who chose it. Each is queued once a week."""
    from joinedup.notifications.services import message_queue

    today = today or timezone.localdate()
    start, end = week_window(today)
    start_day, last_day = timezone.localdate(start), timezone.localdate(end) - datetime.timedelta(days=1)
    queued = 0
    records = Councillor.objects.filter(digest=DigestChoice.WEEKLY, user__isnull=False).select_related(
        "council", "user"
    )
    seen = set()
    for record in records.order_by("council_id", "user_id"):
        key = (record.council_id, record.user_id)
        if key in seen or not record.user.is_active:
            continue
        seen.add(key)
        council, user = record.council, record.user
        if not access.is_councillor(user, council):
            continue  # a former councillor (their term ended) hears nothing more
        events = digest_events(council=council, user=user, start=start, end=end)
        message = message_queue(
            council=council,
            event="councillor.digest",
            channel="email",
            recipient=user.email,
            context={
                "council_name": council.name,
                "recipient_name": user.get_short_name(),
                "expected_by": f"{start_day:%-d %B} to {last_day:%-d %B %Y}",
                "overdue_list": digest_text(events),
                "tracking_url": settings.SITE_URL + reverse("councillors:home", args=[council.slug]),
            },
            obj=record,
            dedupe_key=f"councillor.digest:{council.pk}:{user.pk}:{start_day.isoformat()}",
        )
        queued += message is not None
    return queued


def next_send_time(now=None) -> datetime.datetime:
    """The next Monday at 7am, local time, after `now`."""
    now = timezone.localtime(now or timezone.now())
    day = now.date() + datetime.timedelta(days=(7 - now.weekday()) % 7)
    when = timezone.make_aware(datetime.datetime.combine(day, SEND_AT))
    if when <= now:
        when += datetime.timedelta(days=7)
    return when


def digest_schedule(*, now=None) -> bool:
    """Make sure the weekly digest task is waiting to run next Monday morning. Return whether it queued one."""
    from django_tasks_db.models import DBTaskResult

    from joinedup.councillors.tasks import send_weekly_digests

    if DBTaskResult.objects.filter(task_path=send_weekly_digests.module_path, status="READY").exists():
        return False
    send_weekly_digests.using(run_after=next_send_time(now)).enqueue()
    return True
