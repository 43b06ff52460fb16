"""
Demo software estates for the demo councils: a shared product dictionary, about two dozen
applications per council, contracts ending on different dates, Microsoft 365 entitlements,
assignments and usage. Product names are real products councils use; every number is made up.

Idempotent: anything that already exists (matched by name or reference) is left as it is.
Contract dates are set relative to the day of seeding, so the renewal calendar has entries.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from joinedup.councils.models import Council, ServiceArea
from joinedup.software import services, workflows
from joinedup.software.imports.csvfile import day_bit
from joinedup.software.models import (
    Application,
    Assignment,
    AttestationCampaign,
    Contract,
    Entitlement,
    EsdFunction,
    LgslService,
    Product,
    ReclaimRequest,
    ReclaimStatus,
    UsageMonthly,
    UsageSource,
    add_months,
)
from joinedup.software.selectors import product_dictionary

SOURCE = "seed_software"

# (publisher, product, ESD function ids, aliases)
CATALOGUE = [
    ("Civica", "Civica OpenRevenues", [1], ["OpenRevenues", "Civica Revenues and Benefits"]),
    ("NEC Software Solutions", "NEC Revenues and Benefits", [1], ["Northgate Revenues and Benefits"]),
    ("Capita", "Capita One Revenues and Benefits", [1], ["Capita Academy"]),
    ("Idox", "Uniform", [99, 82, 30], ["Idox Uniform"]),
    ("Idox", "Acolaid", [99], ["Idox Acolaid"]),
    ("Arcus Global", "Arcus Built Environment", [99], ["Arcus Planning"]),
    ("Bartec Municipal Technologies", "Bartec Collective", [30], ["Collective"]),
    ("Whitespace", "Whitespace Work Software", [30], ["Whitespace WSS"]),
    ("Granicus", "Firmstep Customer Portal", [42], ["Granicus Firmstep", "Firmstep"]),
    ("Salesforce", "Salesforce Service Cloud", [42], []),
    ("Jadu", "Jadu Connect", [42], ["Jadu CXM"]),
    ("Unit4", "Unit4 ERP", [42], ["Agresso", "Unit4 Business World"]),
    ("Civica", "Civica Financials", [42], []),
    ("MHR", "iTrent", [42], ["MHR iTrent"]),
    ("Zellis", "ResourceLink", [42], ["Zellis ResourceLink"]),
    ("Esri", "ArcGIS Pro", [99, 105], ["Esri ArcGIS"]),
    ("Idox", "Information@Work", [42], ["Idox Information at Work"]),
    ("Civica", "ModernGov", [42], ["Modern.gov"]),
    ("Civica", "Civica Pay", [42], ["Civica ICON"]),
    ("Xpress Software Solutions", "Xpress Electoral Management", [42], ["Xpress EMS"]),
    ("Idox", "Idox Elections", [42], ["Idox EROS"]),
    ("Civica", "Civica APP", [30, 82], ["Civica Flare"]),
    ("Gladstone", "Gladstone Plus2", [72], []),
    ("NEC Software Solutions", "NEC Housing", [66], ["Northgate Housing"]),
    ("Microsoft", "Office 365 E3", [42], ["ENTERPRISEPACK", "MS Office 365 E3", "O365 E3"]),
    ("Microsoft", "Microsoft 365 E5", [42], ["SPE_E5", "M365 E5"]),
    ("Microsoft", "Microsoft 365 F3", [42], ["SPE_F1", "M365 F3"]),
    ("Microsoft", "Visio Plan 2", [42], ["VISIOCLIENT"]),
    ("Microsoft", "Power BI Pro", [42], ["POWER_BI_PRO"]),
    ("Microsoft", "Microsoft Power Automate Free", [42], ["FLOW_FREE"]),
]

# Each council's product and version for each slot; None means the council has no such system.
# (slot, service area name or None, {council slug: (product, version)})
SLOTS = [
    (
        "Revenues and benefits",
        None,
        {
            "boston": ("Civica OpenRevenues", "2.7"),
            "east-lindsey": ("NEC Revenues and Benefits", "5.1"),
            "south-holland": ("Civica OpenRevenues", "2.4"),
            "wiltshire": ("Capita One Revenues and Benefits", "9"),
        },
    ),
    (
        "Planning and building control",
        None,
        {
            "boston": ("Uniform", "10.4"),
            "east-lindsey": ("Acolaid", "9.2"),
            "south-holland": ("Arcus Built Environment", "2025.2"),
            "wiltshire": ("Uniform", "11.0"),
        },
    ),
    (
        "Environmental health and licensing",
        "Environmental Health",
        {
            "boston": ("Uniform", "10.4"),
            "east-lindsey": ("Civica APP", "6.3"),
            "south-holland": ("Civica APP", "7.0"),
            "wiltshire": ("Uniform", "11.0"),
        },
    ),
    (
        "Waste collection rounds",
        "Waste and Recycling",
        {
            "boston": ("Bartec Collective", "4.2"),
            "east-lindsey": ("Whitespace Work Software", "3.9"),
            "south-holland": ("Bartec Collective", "4.0"),
            "wiltshire": ("Whitespace Work Software", "4.1"),
        },
    ),
    (
        "Customer relationship management",
        "Customer Services",
        {
            "boston": ("Firmstep Customer Portal", "2024"),
            "east-lindsey": ("Salesforce Service Cloud", "Winter '26"),
            "south-holland": ("Jadu Connect", "5"),
            "wiltshire": ("Salesforce Service Cloud", "Winter '26"),
        },
    ),
    (
        "Finance",
        None,
        {
            "boston": ("Unit4 ERP", "7.4"),
            "east-lindsey": ("Unit4 ERP", "M7"),
            "south-holland": ("Civica Financials", "22"),
            "wiltshire": ("Unit4 ERP", "M7"),
        },
    ),
    (
        "HR and payroll",
        None,
        {
            "boston": ("iTrent", "10.30"),
            "east-lindsey": ("iTrent", "10.32"),
            "south-holland": ("ResourceLink", "6.1"),
            "wiltshire": ("ResourceLink", "6.2"),
        },
    ),
    (
        "GIS",
        None,
        {
            "boston": ("ArcGIS Pro", "3.3"),
            "east-lindsey": ("ArcGIS Pro", "3.1"),
            "south-holland": ("ArcGIS Pro", "2.9"),
            "wiltshire": ("ArcGIS Pro", "3.4"),
        },
    ),
    (
        "Document management",
        None,
        {
            "boston": ("Information@Work", "9.1"),
            "east-lindsey": ("Information@Work", "9.3"),
            "south-holland": ("Information@Work", "8.6"),
            "wiltshire": ("Information@Work", "9.3"),
        },
    ),
    (
        "Committee management",
        None,
        {
            "boston": ("ModernGov", "4"),
            "east-lindsey": ("ModernGov", "4"),
            "south-holland": ("ModernGov", "3"),
            "wiltshire": ("ModernGov", "4"),
        },
    ),
    (
        "Payments",
        "Customer Services",
        {
            "boston": ("Civica Pay", "ICON 8"),
            "east-lindsey": ("Civica Pay", "ICON 8"),
            "south-holland": ("Civica Pay", "ICON 7"),
            "wiltshire": ("Civica Pay", "ICON 8"),
        },
    ),
    (
        "Electoral registration",
        None,
        {
            "boston": ("Xpress Electoral Management", "2025"),
            "east-lindsey": ("Idox Elections", "EROS 2024"),
            "south-holland": ("Xpress Electoral Management", "2024"),
            "wiltshire": ("Idox Elections", "EROS 2025"),
        },
    ),
    (
        "Leisure bookings",
        None,
        {
            "boston": ("Gladstone Plus2", "5"),
            "east-lindsey": ("Gladstone Plus2", "5"),
            "south-holland": ("Gladstone Plus2", "4"),
            "wiltshire": ("Gladstone Plus2", "5"),
        },
    ),
    (
        "Housing",
        None,
        {
            "boston": ("NEC Housing", "10"),
            "east-lindsey": ("NEC Housing", "10"),
            "south-holland": ("NEC Housing", "9"),
            "wiltshire": ("NEC Housing", "10"),
        },
    ),
    (
        "Microsoft 365",
        None,
        {
            "boston": ("Office 365 E3", ""),
            "east-lindsey": ("Office 365 E3", ""),
            "south-holland": ("Microsoft 365 E5", ""),
            "wiltshire": ("Microsoft 365 E5", ""),
        },
    ),
    (
        "Frontline Microsoft 365",
        "Waste and Recycling",
        {
            "boston": ("Microsoft 365 F3", ""),
            "east-lindsey": ("Microsoft 365 F3", ""),
            "south-holland": ("Microsoft 365 F3", ""),
            "wiltshire": ("Microsoft 365 F3", ""),
        },
    ),
    (
        "Diagrams",
        None,
        {
            "boston": ("Visio Plan 2", ""),
            "east-lindsey": ("Visio Plan 2", ""),
            "south-holland": ("Visio Plan 2", ""),
            "wiltshire": ("Visio Plan 2", ""),
        },
    ),
    (
        "Reporting",
        None,
        {
            "boston": ("Power BI Pro", ""),
            "east-lindsey": ("Power BI Pro", ""),
            "south-holland": ("Power BI Pro", ""),
            "wiltshire": ("Power BI Pro", ""),
        },
    ),
]

# Smaller line-of-business systems: (name, product to file under, function, yearly value)
EXTRA = [
    "Street naming and numbering",
    "Land charges",
    "Licensing",
    "Food safety inspections",
    "Pest control",
    "Bulky waste bookings",
    "Garden waste subscriptions",
    "Business rates",
    "Council tax",
]
EXTRA_PRODUCT = {
    "Street naming and numbering": "Uniform",
    "Land charges": "Uniform",
    "Licensing": "Civica APP",
    "Food safety inspections": "Civica APP",
    "Pest control": "Civica APP",
    "Bulky waste bookings": "Bartec Collective",
    "Garden waste subscriptions": "Bartec Collective",
    "Business rates": "Civica OpenRevenues",
    "Council tax": "Civica OpenRevenues",
}

M365_SEATS = {  # product: (owned, assigned, active) at a district council; Wiltshire has twice as many
    "Office 365 E3": (260, 251, 196),
    "Microsoft 365 E5": (240, 236, 214),
    "Microsoft 365 F3": (70, 78, 41),
    "Visio Plan 2": (15, 13, 5),
    "Power BI Pro": (25, 23, 10),
}
MONTHLY_PRICE = {
    "Office 365 E3": "20.80",
    "Microsoft 365 E5": "49.70",
    "Microsoft 365 F3": "6.70",
    "Visio Plan 2": "12.40",
    "Power BI Pro": "11.60",
}

OWNERS = [
    "Alex Morgan",
    "Sam Patel",
    "Jo Whitfield",
    "Chris Okafor",
    "Priya Shah",
    "Dan Hughes",
    "Ellie Grant",
    "Tom Fletcher",
    "",
    "Hannah Price",
]
CUSTODIANS = ["ICT applications team", "ICT infrastructure team", "Supplier managed", "Business systems team"]


# The LGSL services each product supports (only the services seeded so far).
PRODUCT_SERVICES = {
    "Civica OpenRevenues": [69, 70],
    "NEC Revenues and Benefits": [69, 70],
    "Capita One Revenues and Benefits": [69, 70],
    "Uniform": [487],
    "Acolaid": [487],
    "Arcus Built Environment": [487],
    "Bartec Collective": [528],
    "Whitespace Work Software": [528],
    "iTrent": [979, 1645],
    "ResourceLink": [979],
    "Unit4 ERP": [1629, 829],
    "Civica Financials": [1629],
}


def _ensure_products(council):
    functions = {f.identifier: f for f in EsdFunction.objects.all()}
    lgsl = {s.identifier: s for s in LgslService.objects.all()}
    services.dictionary_bulk_load(
        actor=None,
        council=council,
        source=SOURCE,
        catalogue=[
            (
                publisher,
                name,
                [functions[i] for i in ids if i in functions],
                aliases,
                [lgsl[i] for i in PRODUCT_SERVICES.get(name, []) if i in lgsl],
            )
            for publisher, name, ids, aliases in CATALOGUE
        ],
    )
    products = {p.name: p for p in product_dictionary(council=council)}
    power_bi = products.get("Power BI Pro")
    if power_bi is not None and power_bi.activity_days != 30 and power_bi.created_at == power_bi.updated_at:
        Product.objects.filter(pk=power_bi.pk).update(activity_days=30)  # reports need a monthly look at least
        power_bi.activity_days = 30
    return products


def _application(council, products, name, product_name, version, area, rng, index):
    today = timezone.localdate()
    support_end = add_months(today, rng.choice([-6, 4, 9, 18, 30, 48]))
    unsupported = support_end < today
    return Application(
        council=council,
        product=products[product_name],
        name=name,
        version=version,
        business_owner=OWNERS[index % len(OWNERS)],
        service_area=area,
        technical_custodian=CUSTODIANS[index % len(CUSTODIANS)],
        hosting=rng.choice(["on_premises", "cloud", "supplier_hosted"]),
        users_count=rng.choice([8, 15, 30, 45, 60, 120, 250]),
        support_status="unsupported" if unsupported else "supported",
        end_of_support=support_end,
        data_sensitivity=rng.choice(["official", "personal", "personal", "special"]),
        disposition=rng.choice(["tolerate", "invest", "migrate", "eliminate", ""]),
        business_value=rng.randint(3, 10),
        technical_risk=rng.randint(1, 9),
        notes="",
    )


def _contract(council, reference, title, supplier, value, months_to_end, notice, rng):
    today = timezone.localdate()
    first_of_month = today.replace(day=1)
    end = add_months(first_of_month, months_to_end + 1) - datetime.timedelta(days=1)
    return Contract(
        council=council,
        reference=reference,
        title=title,
        supplier=supplier,
        start_date=add_months(end, -36) + datetime.timedelta(days=1),
        end_date=end,
        notice_months=notice,
        renewal=rng.choice(["automatic", "by_agreement"]),
        extension_options=rng.choice(["", "1 + 1 years", "2 years", "12 months"]),
        annual_value=Decimal(value),
        cost_centre=f"ICT{rng.randint(100, 999)}",
        procurement_route=rng.choice(["framework", "g_cloud", "direct"]),
    )


def _licences(council, products, number):
    """Entitlements, assignments and a day of last use for each Microsoft 365 seat."""
    rng = random.Random(f"{council.slug}-m365")
    today = timezone.localdate()
    scale = 2.0 if council.slug == "wiltshire" else 1.0
    held = {name for slot in SLOTS for c, (name, _) in slot[2].items() if c == council.slug}
    for name, (owned, assigned, active) in M365_SEATS.items():
        if name not in held:
            continue
        product = products[name]
        if Entitlement.objects.filter(council=council, product=product).exists():
            continue
        owned, assigned, active = (int(n * scale) for n in (owned, assigned, active))
        entitlement = services.entitlement_create(
            actor=None,
            council=council,
            product=product,
            quantity=owned,
            metric="subscription",
            unit_price=Decimal(MONTHLY_PRICE[name]),
            billing_period="monthly",
            source=SOURCE,
            start_date=today.replace(month=4, day=1)
            if today.month >= 4
            else today.replace(year=today.year - 1, month=4, day=1),
        )
        people = [f"user{n:04d}@{council.slug}.example.org" for n in range(assigned)]
        Assignment.objects.bulk_create(
            [
                Assignment(
                    council=council,
                    product=product,
                    entitlement=entitlement,
                    person=person,
                    source=UsageSource.LICENCE_EXPORT,
                )
                for person in people
            ],
            ignore_conflicts=True,
        )
        usage = []
        for index, person in enumerate(people):
            if index < active:
                days_ago = rng.randint(0, product.activity_days - 1)
            elif rng.random() < 0.5:
                days_ago = rng.randint(product.activity_days + 1, 400)
            else:
                continue  # never used
            day = today - datetime.timedelta(days=days_ago)
            usage.append(
                UsageMonthly(
                    council=council,
                    product=product,
                    person=person,
                    source=UsageSource.M365_ACTIVE_USER,
                    month=day.replace(day=1),
                    days=day_bit(day),
                    active_days=1,
                    last_seen=day,
                )
            )
        UsageMonthly.objects.bulk_create(usage, batch_size=5000, ignore_conflicts=True)


@transaction.atomic
def seed_software() -> int:
    """Seed the software estate of each demo council that exists; return how many applications were added."""
    added = 0
    slugs = ["boston", "east-lindsey", "south-holland", "wiltshire"]
    for number, slug in enumerate(slugs):
        council = Council.objects.filter(slug=slug).first()
        if council is None:
            continue
        products = _ensure_products(council)
        if not Application.objects.filter(council=council).exists():
            added += _seed_register(council, products, number)
        _licences(council, products, number)
        _workflows(council, products)
    return added


def _workflows(council, products):
    """Reclaim requests for unused Office 365 E3 licences (one kept, one reclaimed, the rest open)
    and this year's attestation campaign (a few applications answered), once per council."""
    today = timezone.localdate()
    if not ReclaimRequest.objects.filter(council=council).exists():
        requests = workflows.reclaim_requests_create(
            actor=None, council=council, product=products["Office 365 E3"], today=today, source=SOURCE
        )
        if len(requests) >= 2:
            workflows.reclaim_decide(
                actor=None,
                request=requests[0],
                decision=ReclaimStatus.KEPT,
                reason="On maternity leave until the spring; the licence is needed when they return.",
                source=SOURCE,
            )
            workflows.reclaim_decide(actor=None, request=requests[1], decision=ReclaimStatus.RECLAIMED, source=SOURCE)
    if not AttestationCampaign.objects.filter(council=council, year=today.year).exists():
        campaign = workflows.attestation_campaign_start(
            actor=None,
            council=council,
            year=today.year,
            due_date=today + datetime.timedelta(days=30),
            source=SOURCE,
        )
        attestations = list(campaign.attestations.order_by("application__name")[:3])
        answers = [
            (True, True, True, ""),
            (True, False, True, "The business owner moved to Finance: the new owner is the Head of Revenues."),
            (False, True, True, "Replaced by the shared partnership system in the spring; the contract ends then."),
        ]
        for attestation, (needed, owner, users, comment) in zip(attestations, answers, strict=False):
            workflows.attestation_answer(
                actor=None,
                attestation=attestation,
                still_needed=needed,
                owner_correct=owner,
                users_correct=users,
                comment=comment,
                source=SOURCE,
            )


def _seed_register(council, products, number):
    slug = council.slug
    rng = random.Random(f"software-{slug}")
    areas = {area.name: area for area in ServiceArea.objects.filter(council=council)}
    applications, contracts = [], []
    for index, (slot, area_name, choices) in enumerate(SLOTS, start=1):
        product_name, version = choices[slug]
        name = f"{slot} ({product_name})" if product_name not in slot else slot
        applications.append(
            _application(council, products, name, product_name, version, areas.get(area_name), rng, index)
        )
        if product_name in M365_SEATS:
            continue  # paid through the Microsoft enterprise agreement below
        value = rng.randrange(8, 160) * 1000
        contracts.append(
            (
                _contract(
                    council,
                    f"{council.short_name}-SW-{index:03d}",
                    f"{product_name} licence and support",
                    products[product_name].publisher.name,
                    value,
                    months_to_end=(index * 5 + number * 7) % 54 + 1,
                    notice=rng.choice([3, 6, 12]),
                    rng=rng,
                ),
                [name],
            )
        )
    for index, extra in enumerate(EXTRA, start=len(SLOTS) + 1):
        product_name = EXTRA_PRODUCT[extra]
        if slug == "east-lindsey" and product_name == "Civica OpenRevenues":
            product_name = "NEC Revenues and Benefits"
        applications.append(
            _application(council, products, extra, product_name, "", areas.get("Customer Services"), rng, index)
        )
    m365 = [app.name for app in applications if app.product.name in M365_SEATS]
    contracts.append(
        (
            _contract(
                council,
                f"{council.short_name}-MS-EA",
                "Microsoft enterprise agreement",
                "Microsoft (via reseller)",
                150000 + number * 20000,
                months_to_end=4 + number * 3,
                notice=3,
                rng=rng,
            ),
            m365,
        )
    )
    services.register_bulk_load(
        actor=None, council=council, applications=applications, contracts=contracts, source=SOURCE
    )
    first = Contract.objects.get(council=council, reference=f"{council.short_name}-SW-001")
    services.commitment_create(
        actor=None,
        contract=first,
        source=SOURCE,
        description="Two free training days each year",
        due_date=add_months(timezone.localdate(), 2),
    )
    services.commitment_create(
        actor=None,
        contract=first,
        source=SOURCE,
        description="Annual service review with the head of service",
        due_date=add_months(timezone.localdate(), -1),
        status="late",
    )
    return len(applications)
