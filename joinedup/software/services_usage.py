"""
Writing what an import checked: monthly usage (merged day by day, never removed), licence
assignments (a file replaces only the products it names) and the evidence dates the licence
position counts back from. Called by `services_imports`, inside its transaction.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from joinedup.software.models import (
    Assignment,
    Entitlement,
    ImportKind,
    Product,
    ReclaimRequest,
    ReclaimStatus,
    UsageEvidence,
    UsageMonthly,
    UsageSource,
)
from joinedup.software.selectors import product_dictionary

BATCH_SIZE = 5000


def _evidence_record(council, source, product_ids, as_at, filename):
    """Record that a file of `source` covers these products, as at `as_at` (never later than today).

    An older file imported after a newer one leaves the newer date: usage only ever adds up."""
    today = timezone.localdate()
    as_at = min(as_at or today, today)
    existing = {
        item.product_id: item
        for item in UsageEvidence.objects.filter(council=council, source=source, product_id__in=product_ids)
    }
    new, changed = [], []
    for product_id in sorted(product_ids):
        item = existing.get(product_id)
        if item is None:
            new.append(
                UsageEvidence(
                    council=council,
                    product_id=product_id,
                    source=source,
                    as_at=as_at,
                    filename=filename[:255],
                    imported_on=today,
                )
            )
        elif as_at >= item.as_at:
            item.as_at, item.filename, item.imported_on = as_at, filename[:255], today
            changed.append(item)
    UsageEvidence.objects.bulk_create(new)
    UsageEvidence.objects.bulk_update(changed, ["as_at", "filename", "imported_on", "updated_at"])


def _covered_products(council, result) -> set:
    """The ids of the products a file covers (those it names, used or not)."""
    names = set(result.products)
    if not names:
        return set()
    return set(product_dictionary(council=council).filter(name__in=names).values_list("pk", flat=True))


def _write(council, kind, result, filename=""):
    written = 0
    if kind in USAGE_SOURCES:
        written = _usage_merge(council, USAGE_SOURCES[kind], result.months)
        covered = _covered_products(council, result) | {product_id for product_id, _, _ in result.months}
        _evidence_record(council, USAGE_SOURCES[kind], covered, result.report_refresh_date, filename)
    elif kind == ImportKind.LICENCE_EXPORT:
        diff = assignment_diff(council, result)
        stale = diff.removed_ids
        for start in range(0, len(stale), 1000):
            Assignment.objects.filter(pk__in=stale[start : start + 1000]).delete()
        entitlements = {}
        for entitlement in Entitlement.objects.filter(council=council).order_by("-quantity", "id"):
            entitlements.setdefault(entitlement.product_id, entitlement.pk)
        rows = [
            Assignment(
                council=council,
                product_id=product_id,
                person=person,
                entitlement_id=entitlements.get(product_id),
                source=UsageSource.LICENCE_EXPORT,
            )
            for product_id, person in sorted(diff.added)
        ]
        Assignment.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        now = timezone.now()
        for start in range(0, len(diff.removal_seen_ids), 1000):
            ReclaimRequest.objects.filter(pk__in=diff.removal_seen_ids[start : start + 1000]).update(
                licence_removed_on=timezone.localdate(), updated_at=now
            )
        for start in range(0, len(diff.closing_ids), 1000):
            ReclaimRequest.objects.filter(pk__in=diff.closing_ids[start : start + 1000]).update(
                status=ReclaimStatus.CLOSED,
                reason=f"No longer assigned in the assignment file {filename}."[:500],
                decided_at=now,
                updated_at=now,
            )
        # Assignments entered by hand that the file confirms now come from the file.
        for start in range(0, len(diff.changed_ids), 1000):
            Assignment.objects.filter(pk__in=diff.changed_ids[start : start + 1000]).update(
                source=UsageSource.LICENCE_EXPORT, updated_at=timezone.now()
            )
        written = len(rows) + len(stale) + len(diff.changed_ids)
        _evidence_record(council, UsageSource.LICENCE_EXPORT, diff.covered, None, filename)
    return written


@dataclass
class AssignmentDiff:
    """What importing a licence assignment file changes, for the products the file covers only."""

    covered: set  # product ids the file names
    added: set  # {(product id, person)} not assigned now
    removed_ids: list  # assignments from an earlier file, of a covered product, not in this file
    changed_ids: list  # assignments entered by hand that the file confirms (they become the file's)
    per_product: dict  # product name -> {"before", "after", "added", "removed", "changed"}
    held: set = frozenset()  # {(product id, person)} reclaimed, still in the file, not assigned again
    removal_seen_ids: list = ()  # reclaimed requests whose licence the file shows removed
    closing_ids: list = ()  # open reclaim requests for people the file leaves with no assignment

    @property
    def changes_nothing(self) -> bool:
        return not (self.added or self.removed_ids or self.changed_ids or self.removal_seen_ids or self.closing_ids)

    def summary(self) -> dict:
        return {
            "added": len(self.added),
            "removed": len(self.removed_ids),
            "changed": len(self.changed_ids),
            "held": len(self.held),
            "closing": len(self.closing_ids),
            "products": self.per_product,
        }


def assignment_diff(council, result) -> AssignmentDiff:
    """Compare a licence assignment file with the council's assignments, product by product.

    The file replaces only the assignments of the products it covers (names at least once): a file
    for one product leaves every other product alone. Assignments entered by hand are never
    removed; those the file also lists are marked as coming from the file.

    A licence reclaimed here is not assigned again while files still list the person (the licence
    has not been removed in Microsoft 365 yet); once a file no longer lists them, one that lists
    them again means it was reassigned, and it counts. Open reclaim requests for people the file
    leaves with no assignment close themselves."""
    covered = {product_id for product_id, _ in result.assignments}
    existing = {}
    if covered:
        for pk, product_id, person, source in Assignment.objects.filter(
            council=council, product_id__in=covered
        ).values_list("pk", "product_id", "person", "source"):
            existing[(product_id, person)] = (pk, source)
    reclaimed = {}
    for pk, product_id, person, removed_on in (
        ReclaimRequest.objects.filter(council=council, product_id__in=covered, status=ReclaimStatus.RECLAIMED)
        .order_by("decided_at", "pk")
        .values_list("pk", "product_id", "person", "licence_removed_on")
    ):
        reclaimed[(product_id, person)] = (pk, removed_on)  # the latest decision per person
    held = {key for key in result.assignments - set(existing) if key in reclaimed and reclaimed[key][1] is None}
    removal_seen = sorted(
        pk for key, (pk, removed_on) in reclaimed.items() if removed_on is None and key not in result.assignments
    )
    added = result.assignments - set(existing) - held
    removed = [
        (key, pk)
        for key, (pk, source) in existing.items()
        if source == UsageSource.LICENCE_EXPORT and key not in result.assignments
    ]
    changed = [
        (key, pk)
        for key, (pk, source) in existing.items()
        if source != UsageSource.LICENCE_EXPORT and key in result.assignments
    ]
    names = dict(Product.objects.filter(pk__in=covered).values_list("pk", "name"))
    before = Counter(product_id for product_id, _ in existing)
    gained = Counter(product_id for product_id, _ in added)
    lost = Counter(key[0] for key, _ in removed)
    confirmed = Counter(key[0] for key, _ in changed)
    per_product = {
        names[product_id]: {
            "before": before[product_id],
            "after": before[product_id] + gained[product_id] - lost[product_id],
            "added": gained[product_id],
            "removed": lost[product_id],
            "changed": confirmed[product_id],
        }
        for product_id in covered
    }
    final = (set(existing) - {key for key, _ in removed}) | added
    closing = sorted(
        pk
        for pk, product_id, person in ReclaimRequest.objects.filter(
            council=council, product_id__in=covered, status=ReclaimStatus.OPEN
        ).values_list("pk", "product_id", "person")
        if (product_id, person) not in final
    )
    return AssignmentDiff(
        covered=covered,
        added=added,
        removed_ids=sorted(pk for _, pk in removed),
        changed_ids=sorted(pk for _, pk in changed),
        per_product=dict(sorted(per_product.items())),
        held=held,
        removal_seen_ids=removal_seen,
        closing_ids=closing,
    )


USAGE_SOURCES = {
    ImportKind.M365_ACTIVE_USER: UsageSource.M365_ACTIVE_USER,
    ImportKind.M365_APPS: UsageSource.M365_APPS,
    ImportKind.ENTRA_SIGNIN: UsageSource.ENTRA_SIGNIN,
    ImportKind.GENERIC: UsageSource.GENERIC,
}


def merge_month(old_days: int, old_events: int, days: int, events: int) -> tuple[int, int]:
    """Usage of one month already stored, merged with the same month in a new file.

    The days are their union. Sign-ins add up when the files cover different days; where one
    file's days include the other's, the one with more days is the later export and its count
    stands; where they only partly overlap, the larger count stands (nothing is counted twice).
    So importing the same file again changes nothing.
    """
    merged = old_days | days
    if not old_days & days:
        return merged, old_events + events
    if merged == days and merged != old_days:
        return merged, events
    if merged == old_days and merged != days:
        return merged, old_events
    return merged, max(old_events, events)


def _usage_merge(council, source, months: dict) -> int:
    """Store {(product id, person, first of month): [days bitmask, sign-ins]} as monthly usage,
    merged with what earlier imports stored (see `merge_month`). Return the rows added or changed.

    A sign-in log of a million rows gives some 100,000 of these, so new rows go in through
    PostgreSQL's COPY (many-row INSERTs elsewhere) and changed ones through one prepared UPDATE,
    never a model object per row; rows that are already stored as they would be are left alone.
    """
    if not months:
        return 0
    existing = {}
    stored = UsageMonthly.objects.filter(
        council=council, source=source, month__in={month for _, _, month in months}
    ).values_list("product_id", "person", "month", "pk", "days", "events")
    for product_id, person, month, pk, days, events in stored.iterator(chunk_size=BATCH_SIZE):
        existing[(product_id, person, month)] = (pk, days, events)
    new, changed = [], []
    # In key order, so two imports lock rows in the same order.
    for key in sorted(months):
        days, events = months[key]
        found = existing.get(key)
        if found is None:
            new.append((*key, days, events))
            continue
        pk, old_days, old_events = found
        days, events = merge_month(old_days, old_events, days, events)
        if (days, events) != (old_days, old_events):
            changed.append((key[2], days, events, pk))
    with connection.cursor() as cursor:
        if new:
            _usage_insert(cursor, council.pk, source, new)
        if changed:
            _usage_update(cursor, changed)
    return len(new) + len(changed)


USAGE_TABLE = UsageMonthly._meta.db_table
USAGE_COLUMNS = ("council_id", "product_id", "person", "month", "days", "active_days", "last_seen", "events", "source")


class _Dates:
    """Dates as the database takes them, worked out once each (a month's rows share a few dozen)."""

    def __init__(self, text: bool):
        self.text = text
        self.values = {}
        self.last = {}

    def __call__(self, day: datetime.date):
        value = self.values.get(day)
        if value is None:
            value = self.values[day] = day.isoformat() if self.text else connection.ops.adapt_datefield_value(day)
        return value

    def last_seen(self, month: datetime.date, days: int):
        """The last day used: the month's day numbered by the highest bit set in `days`."""
        key = (month, days.bit_length())
        value = self.last.get(key)
        if value is None:
            value = self.last[key] = self(UsageMonthly.last_day(month, days))
        return value


def _usage_insert(cursor, council_id, source, rows):
    """Insert [(product id, person, month, days, events)] as new monthly usage rows."""
    table = connection.ops.quote_name(USAGE_TABLE)
    names = ", ".join(connection.ops.quote_name(column) for column in USAGE_COLUMNS)
    if connection.vendor == "postgresql":
        # COPY's text format, written in blocks: a line is made with one format, and a person's
        # name is escaped only when it holds a character COPY treats specially (rarely).
        date = _Dates(text=True)
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for start in range(0, len(rows), BATCH_SIZE):
                lines = []
                for product_id, person, month, days, events in rows[start : start + BATCH_SIZE]:
                    if _COPY_SPECIAL.search(person):
                        person = person.translate(_COPY_ESCAPES)
                    lines.append(
                        f"{council_id}\t{product_id}\t{person}\t{date(month)}\t{days}\t{days.bit_count()}\t"
                        f"{date.last_seen(month, days)}\t{events}\t{source}\n"
                    )
                copy.write("".join(lines))
        return
    date = _Dates(text=False)
    placeholder = "(" + ", ".join(["%s"] * len(USAGE_COLUMNS)) + ")"
    per_statement = max(1, min(500, (connection.features.max_query_params or 999) // len(USAGE_COLUMNS)))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        # The table and column names are the model's own, quoted; the values are parameters.
        sql = f"INSERT INTO {table} ({names}) VALUES " + ", ".join([placeholder] * len(chunk))  # noqa: S608
        values = []
        for product_id, person, month, days, events in chunk:
            values += (council_id, product_id, person, date(month), days, days.bit_count())
            values += (date.last_seen(month, days), events, source)
        cursor.execute(sql, values)


def _usage_update(cursor, rows):
    """Change [(month, days, events, id)] of monthly usage rows already stored."""
    table = connection.ops.quote_name(USAGE_TABLE)
    # The table name is the model's own, quoted; the values are parameters.
    update = f"UPDATE {table} SET days = %s, active_days = %s, last_seen = %s, events = %s WHERE id = %s"  # noqa: S608
    date = _Dates(text=False)
    for start in range(0, len(rows), BATCH_SIZE):
        cursor.executemany(
            update,
            [
                (days, days.bit_count(), date.last_seen(month, days), events, pk)
                for month, days, events, pk in rows[start : start + BATCH_SIZE]
            ],
        )


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
