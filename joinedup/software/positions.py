"""
The licence position: for each product at one council, the licences owned, assigned and used,
with the evidence each figure rests on and the date it is as at.

- **Owned**: entitlements in force on the day the page is shown.
- **Assigned**: assignments, from licence assignment files (as at the day the newest file covering
  the product was imported) or entered by hand. A product with no assignment recorded at all
  has assigned "not known", not 0.
- **Used**: everyone who used the product within its activity threshold, in any usage source
  (Microsoft 365 usage reports, Entra sign-in logs, other usage files), whether or not they have
  an assignment on record. Each source's window counts back from that source's own date (its
  Report Refresh Date, or its newest sign-in), not from today, so a report two weeks old is read
  as at its date. A product with no usage evidence at all has used "not known", so no saving is
  claimed for it.

Every read is a fixed number of queries whatever the council's size (see the query-count tests).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from joinedup.software.models import (
    PER_PERSON_METRICS,
    Assignment,
    Entitlement,
    Product,
    UsageEvidence,
    UsageMonthly,
    UsageSource,
)

PENNY = Decimal("0.01")

# How a source is named beside a figure.
EVIDENCE_NAMES = {
    UsageSource.M365_ACTIVE_USER: "usage report (Microsoft 365 active users)",
    UsageSource.M365_APPS: "usage report (Microsoft 365 Apps)",
    UsageSource.ENTRA_SIGNIN: "sign-in log (Entra)",
    UsageSource.GENERIC: "usage file",
    UsageSource.MANUAL: "usage entered by hand",
    UsageSource.LICENCE_EXPORT: "assignment file",
    "assigned_by_hand": "assignments entered by hand",
}


@dataclass
class Evidence:
    """One source a figure rests on, and the date its data runs to."""

    source: str
    as_at: datetime.date
    filename: str = ""

    @property
    def name(self) -> str:
        return EVIDENCE_NAMES.get(self.source, self.source)

    def __str__(self):
        return f"{self.name} as at {self.as_at:%-d %B %Y}"


@dataclass
class LicencePosition:
    product: Product
    owned: int
    assigned: int | None  # None: no assignment recorded (no assignment file covers the product)
    used: int | None  # None: no usage evidence for the product
    used_unassigned: int  # people who used it with no assignment on record (0 when assignments are not known)
    assigned_unused: int | None  # assigned people who did not use it in the window
    activity_days: int
    yearly_cost: Decimal
    yearly_unit_price: Decimal
    per_person: bool
    owned_as_at: datetime.date
    assigned_evidence: list[Evidence] = field(default_factory=list)
    used_evidence: list[Evidence] = field(default_factory=list)

    @property
    def unassigned(self) -> int | None:
        if self.assigned is None:
            return None
        return max(self.owned - self.assigned, 0)

    @property
    def reclaimable(self) -> int | None:
        """Assigned to people who have not used the product within the activity threshold."""
        if not self.per_person:
            return 0
        return self.assigned_unused

    @property
    def needed(self) -> int:
        """People who hold or use a licence: assigned, plus those who used it with no assignment on record."""
        if self.assigned is None:
            return self.used or 0
        return self.assigned + self.used_unassigned

    @property
    def surplus(self) -> int | None:
        """Rights owned beyond those in use: what could be given up at renewal (None: not known)."""
        if not self.per_person:
            return 0
        if self.used is None:
            return None
        return max(self.owned - self.used, 0)

    @property
    def yearly_saving(self) -> Decimal:
        """The surplus at the average yearly price paid per licence; £0 when use is not known, so
        nothing is claimed without evidence (see `saving_known`)."""
        if not self.surplus:
            return Decimal("0.00")
        return (self.yearly_unit_price * self.surplus).quantize(PENNY, ROUND_HALF_UP)

    @property
    def saving_known(self) -> bool:
        return self.surplus is not None

    @property
    def over_deployed(self) -> int:
        """Held or used beyond owned: a compliance risk."""
        return max(self.needed - self.owned, 0) if self.per_person else 0


def window_mask(month: datetime.date, after: datetime.date, until: datetime.date) -> int:
    """The days of `month` (as a bitmask, bit 0 the 1st) that fall after `after`, up to `until`."""
    if (month.year, month.month) < (after.year, after.month) or (month.year, month.month) > (until.year, until.month):
        return 0
    first = 1 if (after.year, after.month) < (month.year, month.month) else after.day + 1
    last = 31 if (until.year, until.month) > (month.year, month.month) else until.day
    if first > last:
        return 0
    return ((1 << last) - 1) & ~((1 << (first - 1)) - 1)


def evidence_by_product(*, council, product_ids=None) -> dict:
    """{product id: {source: Evidence}} from the imports that covered each product (one query)."""
    rows = UsageEvidence.objects.filter(council=council)
    if product_ids is not None:
        rows = rows.filter(product_id__in=product_ids)
    found = defaultdict(dict)
    for product_id, source, as_at, filename in rows.values_list("product_id", "source", "as_at", "filename"):
        found[product_id][source] = Evidence(source=source, as_at=as_at, filename=filename)
    return found


def usage_rows(*, council, windows: dict, today: datetime.date):
    """Yield (product id, person, source, days within its window) for the monthly usage that falls in
    `windows` = {product id: days}, each source's window ending on its evidence date (or `today`
    for usage with none, such as usage entered by hand). One query, read in chunks."""
    if not windows:
        return
    evidence = evidence_by_product(council=council, product_ids=list(windows))
    ends = {
        (product_id, source): min(item.as_at, today)
        for product_id, sources in evidence.items()
        for source, item in sources.items()
    }
    earliest = min([today, *ends.values()]) - datetime.timedelta(days=max(windows.values()))
    rows = UsageMonthly.objects.filter(
        council=council, product_id__in=list(windows), month__gte=earliest.replace(day=1), month__lte=today
    ).values_list("product_id", "person", "month", "days", "source")
    masks = {}
    for product_id, person, month, days, source in rows.iterator(chunk_size=5000):
        key = (product_id, source, month)
        mask = masks.get(key)
        if mask is None:
            until = ends.get((product_id, source), today)
            mask = masks[key] = window_mask(month, until - datetime.timedelta(days=windows[product_id]), until)
        if days & mask:
            yield product_id, person, source, month, days & mask


def active_people(*, council, windows: dict, today=None) -> dict:
    """{product id: people who used it within `windows` = {product id: days}}, each source counted
    back from its own evidence date."""
    today = today or timezone.localdate()
    active = defaultdict(set)
    for product_id, person, *_ in usage_rows(council=council, windows=windows, today=today):
        active[product_id].add(person)
    return active


def licence_position(*, council, today=None, activity_days: int | None = None) -> list[LicencePosition]:
    """Owned, assigned, used, unassigned and reclaimable rights per product at one council, with the
    evidence each figure rests on (see the module's description). Six queries whatever the size."""
    today = today or timezone.localdate()
    owned = defaultdict(int)
    cost = defaultdict(Decimal)
    per_person = defaultdict(bool)
    entitlements = Entitlement.objects.filter(council=council).exclude(start_date__gt=today).exclude(end_date__lt=today)
    for quantity, metric, price, period, product_id in entitlements.values_list(
        "quantity", "metric", "unit_price", "billing_period", "product_id"
    ):
        yearly = Entitlement(unit_price=price, billing_period=period).yearly_unit_price
        owned[product_id] += quantity
        cost[product_id] += yearly * quantity
        per_person[product_id] |= metric in PER_PERSON_METRICS
    assigned_people = defaultdict(set)
    by_hand = set()
    for product_id, person, source in Assignment.objects.filter(council=council).values_list(
        "product_id", "person", "source"
    ):
        assigned_people[product_id].add(person)
        if source != UsageSource.LICENCE_EXPORT:
            by_hand.add(product_id)
    evidence = evidence_by_product(council=council)
    with_usage = {
        product_id
        for product_id, sources in evidence.items()
        if any(source != UsageSource.LICENCE_EXPORT for source in sources)
    }
    product_ids = set(owned) | set(assigned_people)
    products = {p.pk: p for p in Product.objects.filter(pk__in=product_ids).select_related("publisher")}
    windows = {product_id: activity_days or product.activity_days for product_id, product in products.items()}
    active = defaultdict(set)
    usage_sources = defaultdict(set)
    for product_id, person, source, *_ in usage_rows(council=council, windows=windows, today=today):
        active[product_id].add(person)
        usage_sources[product_id].add(source)
    positions = []
    for product_id in product_ids:
        product = products[product_id]
        sources = evidence.get(product_id, {})
        assigned_evidence = [sources[UsageSource.LICENCE_EXPORT]] if UsageSource.LICENCE_EXPORT in sources else []
        if product_id in by_hand:
            assigned_evidence.append(Evidence(source="assigned_by_hand", as_at=today))
        used_evidence = [item for source, item in sorted(sources.items()) if source != UsageSource.LICENCE_EXPORT]
        for source in sorted(usage_sources[product_id] - set(sources)):
            used_evidence.append(Evidence(source=source, as_at=today))
        known_use = product_id in with_usage or bool(active[product_id])
        assigned = assigned_people[product_id] if (assigned_evidence or assigned_people[product_id]) else None
        used = len(active[product_id]) if known_use else None
        quantity = owned.get(product_id, 0)
        positions.append(
            LicencePosition(
                product=product,
                owned=quantity,
                assigned=len(assigned) if assigned is not None else None,
                used=used,
                used_unassigned=len(active[product_id] - assigned) if assigned is not None else 0,
                assigned_unused=len(assigned - active[product_id]) if assigned is not None and known_use else None,
                activity_days=windows[product_id],
                yearly_cost=cost[product_id].quantize(PENNY, ROUND_HALF_UP),
                yearly_unit_price=(cost[product_id] / quantity) if quantity else Decimal("0"),
                per_person=per_person.get(product_id, True),
                owned_as_at=today,
                assigned_evidence=assigned_evidence,
                used_evidence=used_evidence,
            )
        )
    return sorted(positions, key=lambda p: p.product.name)
