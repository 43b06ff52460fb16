"""
Every write to the software estate. `actor` is the signed-in user, or None for a trusted system
process (a management command, the demo seeder) named by `source`.

Who may write:
- a council's register (applications, contracts, commitments, entitlements, assignments, imports):
  anyone who may see the council's staff pages (its staff, its partnership's officers, administrators);
- the shared dictionary (publishers, products, aliases): staff of any council that shares it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.accounts import permissions
from joinedup.core.audit import audit_record, field_changes
from joinedup.software.models import (
    Application,
    Assignment,
    Contract,
    Entitlement,
    Product,
    ProductAlias,
    Publisher,
    SupplierCommitment,
    normalise_name,
)
from joinedup.software.selectors import product_dictionary

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


# Imports live in their own modules (`services_imports` checks and confirms, `services_usage`
# writes); their names are kept here so every caller has one place to look (views, commands,
# tests, benchmarks). Imported last: those modules use the functions above.
from joinedup.software.services_imports import (  # noqa: E402
    IMPORT_KEPT_FOR as IMPORT_KEPT_FOR,
)
from joinedup.software.services_imports import (  # noqa: E402
    KEPT_FILE_MISSING as KEPT_FILE_MISSING,
)
from joinedup.software.services_imports import (  # noqa: E402
    ORPHAN_GRACE as ORPHAN_GRACE,
)
from joinedup.software.services_imports import (  # noqa: E402
    ImportFailed as ImportFailed,
)
from joinedup.software.services_imports import (  # noqa: E402
    import_check as import_check,
)
from joinedup.software.services_imports import (  # noqa: E402
    import_confirm as import_confirm,
)
from joinedup.software.services_imports import (  # noqa: E402
    import_expire as import_expire,
)
from joinedup.software.services_imports import (  # noqa: E402
    import_file as import_file,
)
from joinedup.software.services_imports import (  # noqa: E402
    import_map as import_map,
)
from joinedup.software.services_imports import (  # noqa: E402
    import_orphans_remove as import_orphans_remove,
)
from joinedup.software.services_imports import (  # noqa: E402
    import_upload as import_upload,
)
from joinedup.software.services_imports import (  # noqa: E402
    other_council_problem as other_council_problem,
)
from joinedup.software.services_usage import BATCH_SIZE as BATCH_SIZE  # noqa: E402
from joinedup.software.services_usage import USAGE_SOURCES as USAGE_SOURCES  # noqa: E402
from joinedup.software.services_usage import AssignmentDiff as AssignmentDiff  # noqa: E402
from joinedup.software.services_usage import _usage_merge as _usage_merge  # noqa: E402
from joinedup.software.services_usage import assignment_diff as assignment_diff  # noqa: E402
from joinedup.software.services_usage import merge_month as merge_month  # noqa: E402
