"""
Working out the rollups from the raw rows: the one place that reads requests, events, the outbox,
feedback and casework for the figures. Tasks call it for the days a change touched; the
`figures_rebuild` command calls it for every day of a range. Either way a day's rows are worked
out whole from the raw rows and replace what was there, so running it twice changes nothing.

Days are the site's local days (Europe/London). "Working days" skip weekends and England and
Wales bank holidays, as targets do.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from joinedup.figures.models import (
    EnquiryDaily,
    JourneyDaily,
    OverdueSnapshot,
    RequestDaily,
    ResolutionDaily,
)
from joinedup.service_requests.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Channel,
    ContactPreference,
    EventKind,
    Feedback,
    RequestEvent,
    ServiceRequest,
    Status,
)
from joinedup.service_requests.working_days import working_days_between

RESOLVED_STATUSES = (Status.FIXED, Status.CLOSED, Status.NOT_OURS)
DIGITAL_CHANNELS = (Channel.WEB, Channel.API)
REQUEST_OBJECT_TYPE = "service_requests.servicerequest"
# The best a message got to, from best to worst; failed and uncertain count as not told.
OUTCOME_RANK = {"delivered": 4, "sent": 3, "pending": 2, "sending": 2, "failed": 1, "uncertain": 1}
OUTCOME_FIELD = {4: "closure_delivered", 3: "closure_sent", 2: "closure_waiting", 1: "closure_failed"}
TOLD = 2  # waiting, sent or delivered: the reporter has been (or is being) told


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of the local day and of the next one."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    return start, end


def _reporter_addresses(row: dict) -> set[str]:
    return {address for address in (row["reporter_email"], row["reporter_phone"]) if address}


def _outcomes(request_ids: list[int]) -> dict[tuple[int, int], int]:
    """For each (request, event) the best outcome of a message to its reporter about that event."""
    from joinedup.notifications.models import Message

    if not request_ids:
        return {}
    reporters = {
        row["id"]: _reporter_addresses(row)
        for row in ServiceRequest.objects.filter(id__in=request_ids).values("id", "reporter_email", "reporter_phone")
    }
    best: dict[tuple[int, int], int] = {}
    messages = Message.objects.filter(
        object_type=REQUEST_OBJECT_TYPE, object_id__in=[str(i) for i in request_ids]
    ).values_list("object_id", "dedupe_key", "recipient", "status")
    for object_id, key, recipient, status in messages:
        request_id = int(object_id)
        if recipient not in reporters.get(request_id, ()):
            continue
        marker = f":{request_id}:event-"
        at = key.find(marker)
        if at < 0:
            continue
        event_part = key[at + len(marker) :].split(":", 1)[0]
        if not event_part.isdigit():
            continue
        pair = (request_id, int(event_part))
        best[pair] = max(best.get(pair, 0), OUTCOME_RANK.get(status, 0))
    return best


def _is_reopening(from_status: str, to_status: str) -> bool:
    return from_status in CLOSED_STATUSES and to_status in OPEN_STATUSES


def request_rows_for_day(council_id: int, day: datetime.date) -> tuple[list[RequestDaily], list[ResolutionDaily]]:
    """Work out one council's RequestDaily and ResolutionDaily rows for one day from the raw rows."""
    return request_rows_between(council_id, *day_bounds(day), day=day)


def request_rows_between(
    council_id: int, start: datetime.datetime, end: datetime.datetime, *, day: datetime.date
) -> tuple[list[RequestDaily], list[ResolutionDaily]]:
    """The same counts for any span of time, dated `day` (the benchmark uses it for whole periods)."""
    rows: dict[tuple[int, str], dict] = defaultdict(lambda: defaultdict(int))
    histogram: dict[tuple[int, int], int] = defaultdict(int)

    made = list(
        ServiceRequest.objects.filter(council_id=council_id, created_at__gte=start, created_at__lt=end).values(
            "id",
            "category_id",
            "channel",
            "logged_by_id",
            "chaser_count",
            "supporter_count",
            "dispute_count",
            "contact_preference",
        )
    )
    closed = list(
        ServiceRequest.objects.filter(
            council_id=council_id, closed_at__gte=start, closed_at__lt=end, status__in=CLOSED_STATUSES
        ).values(
            "id", "category_id", "channel", "status", "created_at", "closed_at", "expected_by", "contact_preference"
        )
    )
    made_ids = [r["id"] for r in made]
    status_events: dict[int, list[int]] = defaultdict(list)
    reopenings: dict[int, int] = defaultdict(int)
    for request_id, kind, event_id, from_status, to_status in RequestEvent.objects.filter(
        request_id__in=made_ids, kind__in=(EventKind.STATUS, EventKind.DISPUTED)
    ).values_list("request_id", "kind", "id", "from_status", "to_status"):
        if kind == EventKind.STATUS:
            status_events[request_id].append(event_id)
        if _is_reopening(from_status, to_status):
            reopenings[request_id] += 1
    closing_event: dict[int, int] = {}
    for request_id, event_id in (
        RequestEvent.objects.filter(
            request_id__in=[r["id"] for r in closed], kind=EventKind.STATUS, to_status__in=CLOSED_STATUSES
        )
        .order_by("created_at", "id")
        .values_list("request_id", "id")
    ):
        closing_event[request_id] = event_id  # the last closure wins
    outcomes = _outcomes(sorted({*made_ids, *closing_event}))

    for r in made:
        row = rows[(r["category_id"], r["channel"])]
        row["made"] += 1
        row["made_assisted"] += r["channel"] in DIGITAL_CHANNELS and r["logged_by_id"] is not None
        row["chasers"] += r["chaser_count"]
        row["repeat_contacts"] += r["supporter_count"]
        row["disputes"] += r["dispute_count"]
        row["reopenings"] += reopenings.get(r["id"], 0)
        changes = status_events.get(r["id"], [])
        if changes and r["contact_preference"] != ContactPreference.NONE:
            row["loop_requests"] += 1
            row["loop_told_all"] += all(outcomes.get((r["id"], e), 0) >= TOLD for e in changes)

    for r in closed:
        row = rows[(r["category_id"], r["channel"])]
        row["closed"] += 1
        if r["status"] in RESOLVED_STATUSES:
            closed_day = local_day(r["closed_at"])
            row["resolved"] += 1
            row["resolved_within_target"] += closed_day <= r["expected_by"]
            histogram[(r["category_id"], working_days_between(local_day(r["created_at"]), closed_day))] += 1
        if r["contact_preference"] != ContactPreference.NONE:
            row["closure_asked"] += 1
            rank = outcomes.get((r["id"], closing_event.get(r["id"])), 0)
            row[OUTCOME_FIELD.get(rank, "closure_not_told")] += 1

    for category_id, channel, rating in Feedback.objects.filter(
        request__council_id=council_id, created_at__gte=start, created_at__lt=end
    ).values_list("request__category_id", "channel", "rating"):
        rows[(category_id, channel)][f"sat_{rating}"] += 1

    daily = [
        RequestDaily(council_id=council_id, category_id=category_id, channel=channel, day=day, **counts)
        for (category_id, channel), counts in sorted(rows.items())
    ]
    resolution = [
        ResolutionDaily(council_id=council_id, category_id=category_id, day=day, working_days=wd, count=count)
        for (category_id, wd), count in sorted(histogram.items())
    ]
    return daily, resolution


@transaction.atomic
def refresh_request_days(council_id: int, days: Iterable[datetime.date]) -> int:
    """Replace the request rollups of these days of one council. Return how many rows were written."""
    written = 0
    for day in sorted(set(days)):
        daily, resolution = request_rows_for_day(council_id, day)
        RequestDaily.objects.filter(council_id=council_id, day=day).delete()
        ResolutionDaily.objects.filter(council_id=council_id, day=day).delete()
        RequestDaily.objects.bulk_create(daily)
        ResolutionDaily.objects.bulk_create(resolution)
        written += len(daily) + len(resolution)
    return written


def days_of_requests(request_ids: Iterable[int]) -> set[datetime.date]:
    """The days whose rollups count these requests as they are now: made, closed, answered."""
    days = set()
    for created_at, closed_at in ServiceRequest.objects.filter(id__in=list(request_ids)).values_list(
        "created_at", "closed_at"
    ):
        days.add(local_day(created_at))
        if closed_at:
            days.add(local_day(closed_at))
    for created_at in Feedback.objects.filter(request_id__in=list(request_ids)).values_list("created_at", flat=True):
        days.add(local_day(created_at))
    return days


# Overdue: a snapshot of open and overdue requests per category at the end of a day


def _closed_at_moment(council_id: int, moment: datetime.datetime) -> dict[int, bool]:
    """Whether each request of the council made by `moment` was closed at that moment, from its history."""
    state: dict[int, bool] = {}
    for request_id, to_status in (
        RequestEvent.objects.filter(
            request__council_id=council_id,
            created_at__lte=moment,
            kind__in=(EventKind.CREATED, EventKind.STATUS, EventKind.DISPUTED),
        )
        .exclude(to_status="")
        .order_by("created_at", "id")
        .values_list("request_id", "to_status")
    ):
        state[request_id] = to_status in CLOSED_STATUSES
    return state


def overdue_rows(council_id: int, day: datetime.date) -> list[OverdueSnapshot]:
    """Open and overdue counts per category at the end of `day` (for today: now).

    Today's comes straight from each request's status. An earlier day's is worked out from the
    requests' histories (their status changes up to the end of that day), with today's targets.
    """
    today = timezone.localdate()
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    if day >= today:
        open_rows = ServiceRequest.objects.filter(council_id=council_id, status__in=OPEN_STATUSES).values_list(
            "category_id", "expected_by"
        )
        for category_id, expected_by in open_rows:
            counts[category_id][0] += 1
            counts[category_id][1] += expected_by < today
    else:
        _, end = day_bounds(day)
        closed_then = _closed_at_moment(council_id, end)
        for request_id, category_id, expected_by in ServiceRequest.objects.filter(
            council_id=council_id, created_at__lt=end
        ).values_list("id", "category_id", "expected_by"):
            if closed_then.get(request_id, False):
                continue
            counts[category_id][0] += 1
            counts[category_id][1] += expected_by < day
    return [
        OverdueSnapshot(council_id=council_id, category_id=category_id, day=day, open_count=o, overdue_count=d)
        for category_id, (o, d) in sorted(counts.items())
    ]


@transaction.atomic
def refresh_overdue(council_id: int, day: datetime.date | None = None) -> int:
    day = day or timezone.localdate()
    rows = overdue_rows(council_id, day)
    OverdueSnapshot.objects.filter(council_id=council_id, day=day).delete()
    OverdueSnapshot.objects.bulk_create(rows)
    return len(rows)


def week_ends(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Every Sunday from start to end, and `end` itself when it is not a Sunday."""
    day = start + datetime.timedelta(days=(6 - start.weekday()) % 7)
    days = []
    while day <= end:
        days.append(day)
        day += datetime.timedelta(days=7)
    if not days or days[-1] != end:
        days.append(end)
    return days


# Report journeys


def journey_count(council_id: int, day: datetime.date, counts: dict[str, int]) -> None:
    """Add journey step counts for one council and day."""
    for step, count in counts.items():
        updated = JourneyDaily.objects.filter(council_id=council_id, day=day, step=step).update(
            count=F("count") + count
        )
        if not updated:
            _, created = JourneyDaily.objects.get_or_create(
                council_id=council_id, day=day, step=step, defaults={"count": count}
            )
            if not created:
                JourneyDaily.objects.filter(council_id=council_id, day=day, step=step).update(count=F("count") + count)


# Member enquiries and escalations


def enquiry_rows_for_day(council_id: int, day: datetime.date) -> list[EnquiryDaily]:
    from joinedup.councillors.models import Escalation, MemberEnquiry

    start, end = day_bounds(day)
    rows: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for area_id, answered_at, due_by in MemberEnquiry.objects.filter(
        council_id=council_id, created_at__gte=start, created_at__lt=end
    ).values_list("service_area_id", "first_answered_at", "due_by"):
        row = rows[area_id]
        row["enquiries"] += 1
        if answered_at:
            row["enquiries_answered"] += 1
            row["enquiries_answered_within_target"] += local_day(answered_at) <= due_by
    for area_id, answered_at in Escalation.objects.filter(
        council_id=council_id, created_at__gte=start, created_at__lt=end
    ).values_list("request__category__service_area_id", "answered_at"):
        rows[area_id]["escalations"] += 1
        rows[area_id]["escalations_answered"] += answered_at is not None
    return [
        EnquiryDaily(council_id=council_id, service_area_id=area_id, day=day, **counts)
        for area_id, counts in sorted(rows.items())
    ]


@transaction.atomic
def refresh_enquiry_days(council_id: int, days: Iterable[datetime.date]) -> int:
    written = 0
    for day in sorted(set(days)):
        rows = enquiry_rows_for_day(council_id, day)
        EnquiryDaily.objects.filter(council_id=council_id, day=day).delete()
        EnquiryDaily.objects.bulk_create(rows)
        written += len(rows)
    return written


def overdue_history(council_id: int, days: list[datetime.date]) -> list[OverdueSnapshot]:
    """Open and overdue counts per category at the end of each past day, in one pass over the
    council's requests and status changes (the rebuild's way; `overdue_rows` does one day)."""
    ends = sorted((day_bounds(day)[1], day) for day in days)
    if not ends:
        return []
    info = {}
    transitions = []
    for request_id, category_id, expected_by, created_at in ServiceRequest.objects.filter(
        council_id=council_id, created_at__lt=ends[-1][0]
    ).values_list("id", "category_id", "expected_by", "created_at"):
        info[request_id] = (category_id, expected_by)
        transitions.append((created_at, 0, request_id, False))
    for request_id, moment, event_id, to_status in (
        RequestEvent.objects.filter(
            request__council_id=council_id,
            created_at__lt=ends[-1][0],
            kind__in=(EventKind.CREATED, EventKind.STATUS, EventKind.DISPUTED),
        )
        .exclude(to_status="")
        .values_list("request_id", "created_at", "id", "to_status")
    ):
        transitions.append((moment, event_id, request_id, to_status in CLOSED_STATUSES))
    transitions.sort()
    open_now: set[int] = set()
    rows = []
    index = 0
    for end, day in ends:
        while index < len(transitions) and transitions[index][0] < end:
            _, _, request_id, closed = transitions[index]
            if closed:
                open_now.discard(request_id)
            else:
                open_now.add(request_id)
            index += 1
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for request_id in open_now:
            category_id, expected_by = info[request_id]
            counts[category_id][0] += 1
            counts[category_id][1] += expected_by < day
        rows.extend(
            OverdueSnapshot(council_id=council_id, category_id=c, day=day, open_count=o, overdue_count=d)
            for c, (o, d) in sorted(counts.items())
        )
    return rows


def rebuild(council_id: int, start: datetime.date, end: datetime.date) -> dict:
    """Work out every rollup of one council for the days from start to end, from the raw rows."""
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    written = refresh_request_days(council_id, days)
    written += refresh_enquiry_days(council_id, days)
    today = timezone.localdate()
    past = [day for day in week_ends(start, min(end, today)) if day < today]
    with transaction.atomic():
        OverdueSnapshot.objects.filter(council_id=council_id, day__in=past).delete()
        snapshots = OverdueSnapshot.objects.bulk_create(overdue_history(council_id, past), batch_size=2000)
    snapshot_count = len(snapshots)
    if end >= today:
        snapshot_count += refresh_overdue(council_id, today)
    return {"days": len(days), "rows": written, "overdue_rows": snapshot_count}
