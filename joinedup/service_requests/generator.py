"""
Generate many realistic requests quickly, for benchmarks and load tests (never for production).

Rows go in through PostgreSQL's COPY, or bulk_create on SQLite, never one save() at a time.
Each request gets its 'reported' history entry; numbers continue from each council's counter.
"""

import contextlib
import datetime
import json
import random
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone

from joinedup.councils.models import Council, Ward
from joinedup.service_requests.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    EventKind,
    RequestCounter,
    RequestEvent,
    ServiceRequest,
)
from joinedup.service_requests.working_days import add_working_days

EMPTY_JSON = json.dumps({})
CHANNELS = ["web"] * 60 + ["phone"] * 25 + ["face_to_face"] * 5 + ["email"] * 5 + ["api"] * 5
STREETS = ["High Street", "Church Lane", "Station Road", "Mill Lane", "London Road", "Park Avenue", "Main Road"]
REQUEST_COLUMNS = [
    "created_at",
    "updated_at",
    "council_id",
    "number",
    "category_id",
    "priority",
    "status",
    "status_changed_at",
    "description",
    "answers",
    "location_text",
    "postcode",
    "latitude",
    "longitude",
    "ward_id",
    "channel",
    "source_client",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
    "contact_preference",
    "involve_councillor",
    "expected_by",
    "closed_at",
    "closure_reason",
    "referred_to",
    "supporter_count",
    "dispute_count",
    "chaser_count",
]


@lru_cache(maxsize=4096)
def _due(day: datetime.date, days: int) -> datetime.date:
    return add_working_days(day, days)


def _rows(council, categories, wards, count, start_number, rng, now):
    zone = timezone.get_current_timezone()  # looked up once: per row it costs more than the row
    targets = {category.id: category.target_days(category.default_priority) for category in categories}
    for offset in range(count):
        category = rng.choice(categories)
        created = now - datetime.timedelta(seconds=rng.randint(0, 730 * 86400))
        expected = _due(created.astimezone(zone).date(), targets[category.id])
        age_days = (now - created).days
        if age_days > 30 or rng.random() < 0.5:
            status = rng.choice(CLOSED_STATUSES[:2] * 4 + CLOSED_STATUSES[2:])
            closed = created + datetime.timedelta(hours=rng.randint(2, 24 * 30))
            closed = min(closed, now)
        else:
            status, closed = rng.choice(OPEN_STATUSES), None
        ward = rng.choice(wards) if wards else None
        lat = (ward.min_lat + rng.random() * (ward.max_lat - ward.min_lat)) if ward else None
        lon = (ward.min_lon + rng.random() * (ward.max_lon - ward.min_lon)) if ward else None
        number = start_number + offset
        yield (
            created,
            closed or created,
            council.id,
            number,
            category.id,
            category.default_priority,
            status,
            closed or created,
            f"{category.name} reported near {rng.randint(1, 200)} {rng.choice(STREETS)}.",
            "{}",
            f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
            "",
            lat,
            lon,
            ward.id if ward else None,
            rng.choice(CHANNELS),
            "",
            f"Resident {number}",
            f"resident{number}@example.org",
            "",
            "email",
            False,
            expected,
            closed,
            "Dealt with." if closed else "",
            "",
            rng.choice([0, 0, 0, 1, 2]),
            0,
            rng.choice([0, 0, 0, 0, 1]),
        )


def _copy_rows(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


# Rows written in one transaction. Each batch takes the council's request counter only to
# reserve its numbers, so a resident's report sent while the generator runs waits a moment at
# most, not for the whole run.
BATCH = 50_000


def generate_requests(*, total: int, seed: int = 2026, councils=None) -> dict[str, int]:
    """Add `total` requests spread evenly over the councils (all by default). Return counts per council.

    Each batch of BATCH requests is committed on its own; a run stopped half way keeps the batches
    it finished, each complete with its history."""
    rng = random.Random(seed)
    now = timezone.now()
    councils = list(councils or Council.objects.order_by("gss_code"))
    made = {}
    for index, council in enumerate(councils):
        share = total // len(councils) + (1 if index < total % len(councils) else 0)
        categories = list(Category.objects.filter(council=council, is_active=True))
        if not categories or not share:
            continue
        wards = list(Ward.objects.filter(council=council).defer("boundary"))
        for done in range(0, share, BATCH):
            count = min(BATCH, share - done)
            start = _numbers_reserve(council, count)
            with transaction.atomic():
                _requests_write(_rows(council, categories, wards, count, start, rng, now))
                _add_created_events(council, start, start + count - 1)
        made[council.name] = share
    return made


@transaction.atomic
def _numbers_reserve(council, count: int) -> int:
    """Take the next `count` request numbers of the council; return the first. Commits at once."""
    counter, _ = RequestCounter.objects.select_for_update().get_or_create(council=council)
    start = counter.last_number + 1
    RequestCounter.objects.filter(pk=counter.pk).update(last_number=start + count - 1)
    return start


def _requests_write(rows) -> None:
    if connection.vendor == "postgresql":
        _copy_rows(ServiceRequest._meta.db_table, REQUEST_COLUMNS, (row[:9] + (EMPTY_JSON,) + row[10:] for row in rows))
        return
    batch = []
    with _times_as_given():
        for row in rows:
            values = dict(zip(REQUEST_COLUMNS, row, strict=True))
            values["answers"] = {}
            batch.append(ServiceRequest(**values))
            if len(batch) == 5000:
                ServiceRequest.objects.bulk_create(batch)
                batch = []
        ServiceRequest.objects.bulk_create(batch)


@contextlib.contextmanager
def _times_as_given():
    """Let bulk_create keep the generated created_at and updated_at instead of stamping "now" (COPY
    on PostgreSQL writes them as given already). Only the generator, a command, does this."""
    fields = [ServiceRequest._meta.get_field(name) for name in ("created_at", "updated_at")]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _add_created_events(council, first: int, last: int) -> None:
    """One public 'reported' entry per generated request, added in one statement."""
    table = RequestEvent._meta.db_table
    requests = ServiceRequest._meta.db_table
    public_message = "'Reported.'"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (created_at, updated_at, request_id, kind, from_status, to_status, "  # noqa: S608
            f"public_message, internal_note, is_public) "
            f"SELECT created_at, created_at, id, %s, '', 'submitted', {public_message}, '', %s FROM {requests} "
            f"WHERE council_id = %s AND number BETWEEN %s AND %s",
            [EventKind.CREATED.value, True, council.id, first, last],
        )
