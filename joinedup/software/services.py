"""
Every write to the software estate. `actor` is the signed-in user, or None for a trusted system
process (a management command, the demo seeder) named by `source`.

Who may write:
- a council's register (applications, contracts, commitments, entitlements, assignments, imports):
  anyone who may see the council's staff pages (its staff, its partnership's officers, administrators);
- the shared dictionary (publishers, products, aliases): staff of any council that shares it.
"""

import datetime
import os
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.core.audit import audit_record, field_changes
from joinedup.core.files import files_delete_after_commit, orphan_files_remove
from joinedup.software.domains import check_domains
from joinedup.software.imports.csvfile import ImportResult, RowError, decode, file_sha256
from joinedup.software.imports.readers import READERS, file_headers
from joinedup.software.models import (
    Application,
    Assignment,
    Contract,
    Entitlement,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Product,
    ProductAlias,
    Publisher,
    ReclaimRequest,
    ReclaimStatus,
    SupplierCommitment,
    UsageEvidence,
    UsageMonthly,
    UsageSource,
    normalise_name,
)
from joinedup.software.selectors import product_dictionary
from joinedup.software.storage import IMPORTS_FOLDER, import_file_name, local_path, private_storage

APPLICATION_FIELDS = (
    "product",
    "name",
    "version",
    "business_owner",
    "service_area",
    "technical_custodian",
    "hosting",
    "users_count",
    "support_status",
    "end_of_support",
    "data_sensitivity",
    "disposition",
    "business_value",
    "technical_risk",
    "notes",
)
CONTRACT_FIELDS = (
    "reference",
    "title",
    "supplier",
    "start_date",
    "end_date",
    "notice_months",
    "renewal",
    "extension_options",
    "annual_value",
    "cost_centre",
    "procurement_route",
)


def require_register_access(actor, council):
    if actor is not None:
        permissions.require(
            permissions.can_view_staff_pages(actor, council), "Only this council's staff can change its software."
        )


def dictionary_owner(council) -> dict:
    """The owner of the dictionary a council uses: its partnership's, or its own."""
    if council.partnership_id:
        return {"partnership": council.partnership, "council": None}
    return {"partnership": None, "council": council}


def _check_in_dictionary(council, product):
    owner = dictionary_owner(council)
    if product.partnership_id != (owner["partnership"].pk if owner["partnership"] else None) or product.council_id != (
        owner["council"].pk if owner["council"] else None
    ):
        raise ValidationError({"product": "Choose a product from your partnership's dictionary."})


def _check_service_area(council, service_area):
    if service_area is not None and service_area.council_id != council.pk:
        raise ValidationError({"service_area": "Choose one of this council's service areas."})


def _full_clean(instance, exclude=None):
    # Uniqueness is checked by the services with a clear message, and enforced by the database.
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


# The shared dictionary


@transaction.atomic
def publisher_get_or_create(*, actor, council, name: str, source: str = "") -> Publisher:
    require_register_access(actor, council)
    owner = dictionary_owner(council)
    existing = Publisher.objects.filter(**owner, key=normalise_name(name)).first()
    if existing:
        return existing
    publisher = Publisher(**owner, name=name.strip())
    _full_clean(publisher)
    publisher.save()
    audit_record(
        actor=actor,
        action="software.publisher.create",
        instance=publisher,
        council=council,
        changes={"name": publisher.name},
        source=source,
    )
    return publisher


@transaction.atomic
def product_create(
    *,
    actor,
    council,
    publisher: Publisher,
    name: str,
    aliases=(),
    functions=(),
    services=(),
    activity_days: int | None = None,
    description: str = "",
    source: str = "",
) -> Product:
    """Add a product to the dictionary the council uses, with its aliases and classification."""
    require_register_access(actor, council)
    owner = dictionary_owner(council)
    if Product.objects.filter(**owner, key=normalise_name(name)).exists():
        raise ValidationError({"name": f"'{name}' is in the dictionary already."})
    product = Product(**owner, publisher=publisher, name=name.strip(), description=description)
    if activity_days is not None:
        product.activity_days = activity_days
    _full_clean(product, exclude=["key"])
    product.save()
    product.functions.set(functions)
    product.services.set(services)
    for alias in aliases:
        _alias_add(product, alias)
    audit_record(
        actor=actor,
        action="software.product.create",
        instance=product,
        council=council,
        changes={"name": product.name, "publisher": publisher, "aliases": list(aliases)},
        source=source,
    )
    return product


def _alias_add(product, name):
    key = normalise_name(name)
    if not key or key == product.key:
        return None
    owner = {"partnership": product.partnership, "council": product.council}
    taken = ProductAlias.objects.filter(**owner, key=key).select_related("product").first()
    if taken:
        if taken.product_id == product.pk:
            return taken
        raise ValidationError({"aliases": f"'{name}' is already an alias of {taken.product}."})
    if Product.objects.filter(**owner, key=key).exclude(pk=product.pk).exists():
        raise ValidationError({"aliases": f"'{name}' is the name of another product."})
    return ProductAlias.objects.create(**owner, product=product, name=name.strip())


@transaction.atomic
def product_alias_add(*, actor, council, product: Product, name: str, source: str = "") -> ProductAlias | None:
    require_register_access(actor, council)
    _check_in_dictionary(council, product)
    alias = _alias_add(product, name)
    audit_record(
        actor=actor,
        action="software.product.alias_add",
        instance=product,
        council=council,
        changes={"alias": name},
        source=source,
    )
    return alias


# Applications


@transaction.atomic
def application_create(*, actor, council, source: str = "", **values) -> Application:
    require_register_access(actor, council)
    unknown = set(values) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown application fields: {', '.join(sorted(unknown))}")
    _check_in_dictionary(council, values["product"])
    _check_service_area(council, values.get("service_area"))
    if not values.get("name"):
        values["name"] = values["product"].name
    if Application.objects.filter(council=council, name=values["name"]).exists():
        raise ValidationError({"name": f"This council already has an application called '{values['name']}'."})
    application = Application(council=council, **values)
    _full_clean(application)
    application.save()
    audit_record(
        actor=actor,
        action="software.application.create",
        instance=application,
        council=council,
        changes={name: values.get(name) for name in APPLICATION_FIELDS if values.get(name) not in (None, "")},
        source=source,
    )
    return application


@transaction.atomic
def application_update(*, actor, application: Application, source: str = "", **values) -> Application:
    council = application.council
    require_register_access(actor, council)
    unknown = set(values) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown application fields: {', '.join(sorted(unknown))}")
    if "product" in values:
        _check_in_dictionary(council, values["product"])
    _check_service_area(council, values.get("service_area"))
    if (
        values.get("name")
        and Application.objects.filter(council=council, name=values["name"]).exclude(pk=application.pk).exists()
    ):
        raise ValidationError({"name": f"This council already has an application called '{values['name']}'."})
    changes = field_changes(application, values)
    for name, value in values.items():
        setattr(application, name, value)
    _full_clean(application)
    application.save()
    if changes:
        audit_record(
            actor=actor,
            action="software.application.update",
            instance=application,
            council=council,
            changes=changes,
            source=source,
        )
    return application


# Contracts and commitments


def _check_applications(council, applications):
    if any(app.council_id != council.pk for app in applications):
        raise ValidationError({"applications": "Link only this council's applications."})


@transaction.atomic
def contract_create(*, actor, council, applications=(), source: str = "", **values) -> Contract:
    require_register_access(actor, council)
    unknown = set(values) - set(CONTRACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contract fields: {', '.join(sorted(unknown))}")
    _check_applications(council, applications)
    if Contract.objects.filter(council=council, reference=values.get("reference")).exists():
        raise ValidationError({"reference": f"This council already has a contract {values['reference']}."})
    contract = Contract(council=council, **values)
    if contract.start_date and contract.end_date and contract.end_date < contract.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    _full_clean(contract)
    contract.save()
    contract.applications.set(applications)
    audit_record(
        actor=actor,
        action="software.contract.create",
        instance=contract,
        council=council,
        changes={**values, "applications": list(applications)},
        source=source,
    )
    return contract


@transaction.atomic
def contract_update(*, actor, contract: Contract, applications=None, source: str = "", **values) -> Contract:
    council = contract.council
    require_register_access(actor, council)
    unknown = set(values) - set(CONTRACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contract fields: {', '.join(sorted(unknown))}")
    changes = field_changes(contract, values)
    for name, value in values.items():
        setattr(contract, name, value)
    if contract.end_date < contract.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    _full_clean(contract)
    contract.save()
    if applications is not None:
        _check_applications(council, applications)
        before = set(contract.applications.all())
        if before != set(applications):
            changes["applications"] = {"from": sorted(map(str, before)), "to": sorted(map(str, applications))}
        contract.applications.set(applications)
    if changes:
        audit_record(
            actor=actor,
            action="software.contract.update",
            instance=contract,
            council=council,
            changes=changes,
            source=source,
        )
    return contract


@transaction.atomic
def commitment_create(
    *, actor, contract: Contract, description: str, due_date=None, status=None, source: str = ""
) -> SupplierCommitment:
    require_register_access(actor, contract.council)
    commitment = SupplierCommitment(
        council=contract.council, contract=contract, description=description, due_date=due_date
    )
    if status:
        commitment.status = status
    _full_clean(commitment)
    commitment.save()
    audit_record(
        actor=actor,
        action="software.commitment.create",
        instance=commitment,
        council=contract.council,
        changes={"contract": contract, "description": description, "due_date": due_date, "status": commitment.status},
        source=source,
    )
    return commitment


@transaction.atomic
def commitment_update(*, actor, commitment: SupplierCommitment, source: str = "", **values) -> SupplierCommitment:
    """Change a commitment's description, due date or delivery status."""
    require_register_access(actor, commitment.council)
    unknown = set(values) - {"description", "due_date", "status"}
    if unknown:
        raise TypeError(f"Unknown commitment fields: {', '.join(sorted(unknown))}")
    changes = field_changes(commitment, values)
    for name, value in values.items():
        setattr(commitment, name, value)
    _full_clean(commitment)
    commitment.save()
    if changes:
        audit_record(
            actor=actor,
            action="software.commitment.update",
            instance=commitment,
            council=commitment.council,
            changes=changes,
            source=source,
        )
    return commitment


@transaction.atomic
def commitment_update_status(*, actor, commitment: SupplierCommitment, status: str, source: str = ""):
    require_register_access(actor, commitment.council)
    changes = field_changes(commitment, {"status": status})
    commitment.status = status
    _full_clean(commitment)
    commitment.save()
    audit_record(
        actor=actor,
        action="software.commitment.update",
        instance=commitment,
        council=commitment.council,
        changes=changes,
        source=source,
    )
    return commitment


# Entitlements and assignments


@transaction.atomic
def entitlement_create(
    *, actor, council, product: Product, quantity: int, source: str = "", contract=None, **values
) -> Entitlement:
    require_register_access(actor, council)
    _check_in_dictionary(council, product)
    if contract is not None and contract.council_id != council.pk:
        raise ValidationError({"contract": "Choose one of this council's contracts."})
    entitlement = Entitlement(council=council, product=product, quantity=quantity, contract=contract, **values)
    _full_clean(entitlement)
    entitlement.save()
    audit_record(
        actor=actor,
        action="software.entitlement.create",
        instance=entitlement,
        council=council,
        changes={"product": product, "quantity": quantity, "contract": contract, **values},
        source=source,
    )
    return entitlement


ENTITLEMENT_FIELDS = (
    "product",
    "contract",
    "metric",
    "quantity",
    "unit_price",
    "billing_period",
    "start_date",
    "end_date",
)


@transaction.atomic
def entitlement_update(*, actor, entitlement: Entitlement, source: str = "", **values) -> Entitlement:
    """Correct licences already recorded (a new quantity after a true-up, a price change, a term)."""
    council = entitlement.council
    require_register_access(actor, council)
    unknown = set(values) - set(ENTITLEMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown licence fields: {', '.join(sorted(unknown))}")
    if "product" in values:
        _check_in_dictionary(council, values["product"])
    contract = values.get("contract")
    if contract is not None and contract.council_id != council.pk:
        raise ValidationError({"contract": "Choose one of this council's contracts."})
    changes = field_changes(entitlement, values)
    for name, value in values.items():
        setattr(entitlement, name, value)
    if entitlement.start_date and entitlement.end_date and entitlement.end_date < entitlement.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    _full_clean(entitlement)
    entitlement.save()
    if changes:
        audit_record(
            actor=actor,
            action="software.entitlement.update",
            instance=entitlement,
            council=council,
            changes=changes,
            source=source,
        )
    return entitlement


@transaction.atomic
def assignment_add(*, actor, council, product: Product, person: str, source: str = "") -> Assignment:
    require_register_access(actor, council)
    _check_in_dictionary(council, product)
    person = person.strip().lower()
    if not person:
        raise ValidationError({"person": "Enter the person's user name."})
    entitlement = Entitlement.objects.filter(council=council, product=product).first()
    assignment, created = Assignment.objects.get_or_create(
        council=council, product=product, person=person, defaults={"entitlement": entitlement}
    )
    if created:
        audit_record(
            actor=actor,
            action="software.assignment.create",
            instance=assignment,
            council=council,
            changes={"product": product, "person": person},
            source=source,
        )
    return assignment


# Imports


class ImportFailed(Exception):
    """The file has problems; nothing was imported. `result.errors` lists them by row and column."""

    def __init__(self, result):
        super().__init__("; ".join(str(error) for error in result.errors[:5]))
        self.result = result


BATCH_SIZE = 5000


def import_check(*, council, kind: str, data, options: dict | None = None):
    """Read a file and say what importing it would do, writing nothing (the dry run).

    `options` are what the person importing chose: the product a Microsoft 365 Apps report counts
    (`{"product": id}`), or the columns of a generic file (see `readers.read_generic`).
    """
    dictionary = product_dictionary(council=council).prefetch_related("aliases")
    # The file's checksum (to spot a file imported already) is worked out while it is read.
    with ThreadPoolExecutor(max_workers=1) as pool:
        checksum = pool.submit(file_sha256, data)
        result = READERS[kind](data, dictionary, **(options or {}))
        sha = result.sha256 = checksum.result()
    if not result.ok:
        return result
    check_domains(council, result)
    earlier = ImportBatch.objects.filter(council=council, kind=kind, sha256=sha, status=ImportStatus.IMPORTED).first()
    if kind == ImportKind.LICENCE_EXPORT:
        diff = assignment_diff(council, result)
        result.assignment_changes = diff.summary()
        if diff.held:
            result.warnings.append(
                f"Reclaimed licences still assigned in this file: {len(diff.held)}. They are not counted again: "
                "remove them in the Microsoft 365 admin centre. "
                "Once a file no longer lists someone, a later file that does means the licence was reassigned."
            )
        if diff.changes_nothing:
            result.warnings.append("Importing this file changes nothing: every assignment in it is recorded already.")
        elif earlier is not None:
            result.warnings.append(
                f"This file was imported already on {earlier.created_at:%-d %B %Y}, but assignments have changed "
                "since: importing it again makes the changes listed."
            )
    elif earlier is not None:
        # Usage is merged day by day and never removed, so the same file again adds nothing.
        result.warnings.append(
            f"This file was imported already on {earlier.created_at:%-d %B %Y}. Importing it again changes nothing."
        )
    return result


OTHER_COUNCIL = (
    "User names in this file are at another council's domain ({listed}). An assignment file replaces the "
    "council's assignments of the products it covers, so it is imported only when you confirm it is {council}'s."
)


def other_council_problem(council, result) -> str:
    """Why a licence assignment file needs confirming first ('' if it does not)."""
    if result.kind != ImportKind.LICENCE_EXPORT or not result.other_councils:
        return ""
    listed = ", ".join(f"{domain}: {item['council']}" for domain, item in sorted(result.other_councils.items()))
    return OTHER_COUNCIL.format(listed=listed, council=council.name)


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


@transaction.atomic
def import_file(
    *,
    actor,
    council,
    kind: str,
    data,
    filename: str,
    options: dict | None = None,
    source: str = "",
    other_council_confirmed: bool = False,
):
    """Check and import a file in one go (management commands and tests). Raise ImportFailed on any problem.

    `data` is the file's bytes or, for a large file, its path (it is then read from disk as needed).
    An assignment file whose user names are at another council's domain is refused unless
    `other_council_confirmed`.
    """
    require_register_access(actor, council)
    result = import_check(council=council, kind=kind, data=data, options=options)
    problem = other_council_problem(council, result)
    if problem and not other_council_confirmed:
        result.errors.append(RowError(None, "", problem))
    if not result.ok:
        raise ImportFailed(result)
    _write(council, kind, result, filename)
    batch = ImportBatch.objects.create(
        council=council,
        kind=kind,
        filename=filename[:255],
        sha256=result.sha256,
        status=ImportStatus.IMPORTED,
        uploaded_by=actor,
        report_refresh_date=result.report_refresh_date,
        summary=result.summary(),
        mapping=options or {},
    )
    audit_record(
        actor=actor,
        action="software.import",
        instance=batch,
        council=council,
        changes={"kind": kind, "filename": filename, **batch.summary},
        source=source,
    )
    return batch, result


def _store_upload(upload) -> str:
    """Put an uploaded file into the private store without reading it into memory; return its name.

    `upload` is Django's uploaded file (one over FILE_UPLOAD_MAX_MEMORY_SIZE is already a
    temporary file on disk, and is moved, or copied in pieces), any other Django `File`, or the
    path of a file on disk (copied in pieces).
    """
    storage = private_storage()
    if isinstance(upload, (str, os.PathLike)):
        with open(upload, "rb") as file:
            return storage.save(import_file_name(), File(file))
    return storage.save(import_file_name(), upload)


def import_expire(*, council=None) -> int:
    """Delete files checked but not confirmed within a day (one council's, or every council's).

    Their kept files go when the deletion is committed (see `ImportBatch`'s post_delete).
    """
    waiting = ImportBatch.objects.filter(status=ImportStatus.PREVIEWED, created_at__lt=timezone.now() - IMPORT_KEPT_FOR)
    if council is not None:
        waiting = waiting.filter(council=council)
    _, deleted = waiting.delete()
    return deleted.get(ImportBatch._meta.label, 0)


IMPORT_KEPT_FOR = datetime.timedelta(days=1)
# A file in the store that no batch refers to is left alone this long: its upload may still be
# being checked, in a transaction not yet committed.
ORPHAN_GRACE = datetime.timedelta(hours=1)


def import_orphans_remove() -> int:
    """Delete files in the private store's import folder that no batch refers to (left by an
    upload whose transaction rolled back, or a server stopped mid-upload). Return how many."""
    return orphan_files_remove(
        storage=private_storage(), folder=IMPORTS_FOLDER, model=ImportBatch, fields=["file"], grace=ORPHAN_GRACE
    )


def import_upload(*, actor, council, kind: str, upload, filename: str = "", options: dict | None = None):
    """Keep an uploaded file for confirmation if it has no problems; return (batch or None, result).

    `upload` is Django's uploaded file (or any Django `File`, or a path on disk). It goes into the
    private file store without being read into memory, and is checked from there; a file with
    problems is deleted at once, so nothing is kept. A generic file is kept as soon as it can be
    read as CSV with a header row: its columns are chosen next (`import_map`), and only then is it
    checked row by row.
    """
    require_register_access(actor, council)
    filename = filename or os.path.basename(getattr(upload, "name", None) or str(upload))
    name = _store_upload(upload)
    try:
        batch, result = _import_upload_check(actor, council, kind, name, filename, options)
    except BaseException:
        private_storage().delete(name)
        raise
    if batch is None:
        private_storage().delete(name)
    return batch, result


@transaction.atomic
def _import_upload_check(actor, council, kind, name, filename, options):
    # Files checked but never confirmed are not kept for more than a day.
    import_expire(council=council)
    choose_columns = kind == ImportKind.GENERIC and not options
    with local_path(name) as path:
        if choose_columns:
            # Kept as soon as it reads as CSV with a header row: its columns are chosen next
            # (`import_map`), and only then is it checked row by row.
            result = ImportResult(kind=kind)
            text = decode(path, result)
            if text is not None:
                text.close()
                if not file_headers(path):
                    result.error(1, "", "The file has no header row naming its columns.")
            sha256 = file_sha256(path) if result.ok else ""
        else:
            result = import_check(council=council, kind=kind, data=path, options=options)
            sha256 = result.sha256
    if not result.ok:
        return None, result
    batch = ImportBatch.objects.create(
        council=council,
        kind=kind,
        filename=filename[:255],
        sha256=sha256,
        file=name,
        uploaded_by=actor,
        report_refresh_date=result.report_refresh_date,
        summary={} if choose_columns else result.summary(),
        mapping=options or {},
    )
    return batch, result


KEPT_FILE_MISSING = (
    "The uploaded file is no longer kept (files waiting for confirmation are deleted after a day). Upload it again."
)


@transaction.atomic
def import_map(*, actor, batch, mapping: dict):
    """Check a kept generic file with the columns chosen; keep the choice if the file has no problems."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    council = batch.council
    require_register_access(actor, council)
    if batch.status == ImportStatus.IMPORTED:
        raise ValidationError("This file has been imported already.")
    try:
        with local_path(batch.file.name) as path:
            result = import_check(council=council, kind=batch.kind, data=path, options=mapping)
    except FileNotFoundError:
        raise ValidationError(KEPT_FILE_MISSING) from None
    if result.ok:
        batch.mapping = mapping
        batch.summary = result.summary()
        batch.save(update_fields=["mapping", "summary", "updated_at"])
    return result


@transaction.atomic
def import_confirm(*, actor, batch, other_council_confirmed: bool = False):
    """Import a file that was checked and kept. The file is read again: the dictionary may have changed.

    An assignment file whose user names are at another council's domain needs
    `other_council_confirmed` (the person importing says it is this council's file).
    Once imported, the kept file is deleted (when the transaction commits).
    """
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    council = batch.council
    require_register_access(actor, council)
    if batch.status == ImportStatus.IMPORTED:
        raise ValidationError("This file has been imported already.")
    if batch.kind == ImportKind.GENERIC and not batch.mapping:
        raise ValidationError("Choose which column is which before importing the file.")
    try:
        with local_path(batch.file.name) as path:
            result = import_check(council=council, kind=batch.kind, data=path, options=batch.mapping)
    except FileNotFoundError:
        raise ValidationError(KEPT_FILE_MISSING) from None
    if not result.ok:
        raise ImportFailed(result)
    problem = other_council_problem(council, result)
    if problem and not other_council_confirmed:
        raise ValidationError({"other_council": problem})
    _write(council, batch.kind, result, batch.filename)
    files_delete_after_commit(private_storage(), [batch.file.name])
    batch.status = ImportStatus.IMPORTED
    batch.file = ""
    batch.summary = result.summary()
    batch.save(update_fields=["status", "file", "summary", "updated_at"])
    audit_record(
        actor=actor,
        action="software.import",
        instance=batch,
        council=council,
        changes={"kind": batch.kind, "filename": batch.filename, **batch.summary},
    )
    return batch, result


# Bulk loads (a whole register at once: demo data now, register imports later)


@transaction.atomic
def dictionary_bulk_load(*, actor, council, catalogue, source: str = "") -> int:
    """Add products missing from the council's dictionary in one go.

    `catalogue` is a list of (publisher name, product name, [EsdFunction], [aliases]) or the same
    with a fifth item, [LgslService]. Products
    already there (by normalised name) are left alone. One audit entry records the load.
    """
    require_register_access(actor, council)
    owner = dictionary_owner(council)
    publishers = {p.key: p for p in Publisher.objects.filter(**owner)}
    new_publishers = {}
    catalogue = [(*entry, []) if len(entry) == 4 else tuple(entry) for entry in catalogue]
    for publisher_name, *_ in catalogue:
        key = normalise_name(publisher_name)
        if key not in publishers and key not in new_publishers:
            new_publishers[key] = Publisher(**owner, name=publisher_name.strip(), key=key)
    Publisher.objects.bulk_create(new_publishers.values())
    publishers.update(new_publishers)
    taken = set(Product.objects.filter(**owner).values_list("key", flat=True))
    taken |= set(ProductAlias.objects.filter(**owner).values_list("key", flat=True))
    products, aliases, links = [], [], []
    for publisher_name, name, functions, alias_names, service_list in catalogue:
        key = normalise_name(name)
        if key in taken:
            continue
        taken.add(key)
        product = Product(**owner, publisher=publishers[normalise_name(publisher_name)], name=name.strip(), key=key)
        _full_clean(product, exclude=["key"])
        products.append((product, functions, alias_names, service_list))
    Product.objects.bulk_create([entry[0] for entry in products])
    service_links = []
    for product, functions, alias_names, service_list in products:
        links.extend(Product.functions.through(product_id=product.pk, esdfunction_id=f.pk) for f in functions)
        service_links.extend(Product.services.through(product_id=product.pk, lgslservice_id=s.pk) for s in service_list)
        for alias in alias_names:
            key = normalise_name(alias)
            if key in taken:
                raise ValidationError({"aliases": f"'{alias}' is already in the dictionary."})
            taken.add(key)
            aliases.append(ProductAlias(**owner, product=product, name=alias.strip(), key=key))
    Product.functions.through.objects.bulk_create(links)
    Product.services.through.objects.bulk_create(service_links)
    ProductAlias.objects.bulk_create(aliases)
    if products:
        audit_record(
            actor=actor,
            action="software.dictionary.load",
            instance=council,
            council=council,
            changes={"products": [entry[0].name for entry in products]},
            source=source,
        )
    return len(products)


@transaction.atomic
def register_bulk_load(*, actor, council, applications, contracts=(), source: str = "") -> int:
    """Add many applications and their contracts to a council's register in one go.

    `applications` are unsaved Application objects for the council; `contracts` are
    (unsaved Contract, [application names]). Every row is checked first; nothing is saved if
    any is wrong. Names and references already in the register are refused.
    """
    require_register_access(actor, council)
    dictionary_ids = {p.pk for p in _dictionary(council)}
    names = set(Application.objects.filter(council=council).values_list("name", flat=True))
    errors = []
    for number, app in enumerate(applications, start=1):
        app.council = council
        if app.product_id not in dictionary_ids:
            errors.append(f"Application {number} ({app.name}): choose a product from the dictionary.")
        if app.name in names:
            errors.append(f"Application {number} ({app.name}): the council already has an application of that name.")
        names.add(app.name)
        _check_service_area(council, app.service_area)
        try:
            _full_clean(app)
        except ValidationError as error:
            errors.append(f"Application {number} ({app.name}): {'; '.join(error.messages)}")
    references = set(Contract.objects.filter(council=council).values_list("reference", flat=True))
    for number, (contract, _) in enumerate(contracts, start=1):
        contract.council = council
        if contract.reference in references:
            errors.append(f"Contract {number} ({contract.reference}): the council already has that reference.")
        references.add(contract.reference)
        if contract.end_date < contract.start_date:
            errors.append(f"Contract {number} ({contract.reference}): the end date is before the start date.")
        try:
            _full_clean(contract)
        except ValidationError as error:
            errors.append(f"Contract {number} ({contract.reference}): {'; '.join(error.messages)}")
    if errors:
        raise ValidationError(errors)
    Application.objects.bulk_create(applications)
    by_name = {app.name: app for app in Application.objects.filter(council=council)}
    Contract.objects.bulk_create([contract for contract, _ in contracts])
    Contract.applications.through.objects.bulk_create(
        [
            Contract.applications.through(contract_id=contract.pk, application_id=by_name[name].pk)
            for contract, app_names in contracts
            for name in app_names
        ]
    )
    audit_record(
        actor=actor,
        action="software.register.load",
        instance=council,
        council=council,
        changes={"applications": [a.name for a in applications], "contracts": [c.reference for c, _ in contracts]},
        source=source,
    )
    return len(applications)


def _dictionary(council):
    return product_dictionary(council=council)
