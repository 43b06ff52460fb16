"""
Demo data: the partnership, four councils, a few wards each, service areas and one user per role.

Ward boundaries here are simple rectangles and the ward codes (E0599....) are made up, so they
never clash with real ONS codes; import real boundaries with `manage.py import_wards`.
Seeding is idempotent: anything that already exists is left exactly as it is.
"""

from dataclasses import dataclass

from django.db import transaction

from joinedup.accounts import services as account_services
from joinedup.accounts.models import Role, RoleAssignment, User
from joinedup.councils import services as council_services
from joinedup.councils.models import Council, CouncilHostname, Partnership, ServiceArea, Ward

SOURCE = "seed_demo"

PARTNERSHIP = {
    "name": "South and East Lincolnshire Councils Partnership",
    "slug": "south-east-lincolnshire",
    "description": "Boston Borough, East Lindsey and South Holland councils, sharing one ICT company.",
}

# Phone numbers are in Ofcom's range kept for drama (01632 960xxx), so they reach nobody.
COUNCILS = [
    {
        "gss_code": "E07000136",
        "name": "Boston Borough Council",
        "short_name": "BBC",
        "slug": "boston",
        "partner": True,
        "website_url": "https://www.boston.gov.uk",
        "contact_phone": "01632 960 136",
        "brand_colour": "#005ea5",
        "hostname": "boston.joinedup.localhost",
        "centre": (52.978, -0.026),
        "wards": ["Fenside", "Skirbeck", "Witham"],
        "areas": ["Waste and Recycling", "Street Scene", "Environmental Health", "Customer Services"],
    },
    {
        "gss_code": "E07000137",
        "name": "East Lindsey District Council",
        "short_name": "ELDC",
        "slug": "east-lindsey",
        "partner": True,
        "website_url": "https://www.e-lindsey.gov.uk",
        "contact_phone": "01632 960 137",
        "brand_colour": "#00703c",
        "hostname": "east-lindsey.joinedup.localhost",
        "centre": (53.367, -0.006),
        "wards": ["Louth North", "Louth South", "Legbourne"],
        "areas": ["Waste and Recycling", "Street Scene", "Environmental Health", "Customer Services"],
    },
    {
        "gss_code": "E07000140",
        "name": "South Holland District Council",
        "short_name": "SHDC",
        "slug": "south-holland",
        "partner": True,
        "website_url": "https://www.sholland.gov.uk",
        "contact_phone": "01632 960 140",
        "brand_colour": "#4c2c92",
        "hostname": "south-holland.joinedup.localhost",
        "centre": (52.787, -0.153),
        "wards": ["Spalding Castle", "Spalding Monks House", "Pinchbeck"],
        "areas": ["Waste and Recycling", "Street Scene", "Environmental Health", "Customer Services"],
    },
    {
        "gss_code": "E06000054",
        "name": "Wiltshire Council",
        "short_name": "WC",
        "slug": "wiltshire",
        "partner": False,
        "website_url": "https://www.wiltshire.gov.uk",
        "contact_phone": "01632 960 054",
        "brand_colour": "#0b0c0c",
        "hostname": "wiltshire.joinedup.localhost",
        "centre": (51.458, -2.117),
        "wards": ["Chippenham Hardenhuish", "Chippenham Monkton", "Chippenham Pewsham"],
        "areas": ["Waste and Recycling", "Highways", "Street Scene", "Environmental Health", "Customer Services"],
    },
]

# One person per role. Each signs in with the demo password.
USERS = [
    ("resident@example.org", "Rosa Resident", None),
    ("staff@example.org", "Sam Staff", (Role.STAFF, "boston")),
    ("wiltshire.staff@example.org", "Will Staff", (Role.STAFF, "wiltshire")),
    ("councillor@example.org", "Cllr Chris Councillor", (Role.COUNCILLOR, "boston")),
    ("partnership@example.org", "Pat Partnership", (Role.PARTNERSHIP_OFFICER, None)),
    ("scrutiny@example.org", "Sol Scrutiny", (Role.SCRUTINY_MEMBER, "boston")),
    ("admin@example.org", "Ada Administrator", (Role.ADMINISTRATOR, None)),
]


@dataclass
class DemoUser:
    email: str
    full_name: str
    role: str
    created: bool


def _slugify(name: str) -> str:
    return name.lower().replace(" and ", "-").replace(" ", "-")


def _rectangle(lat: float, lon: float, size: float = 0.02) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def ward_code(council_number: int, ward_number: int) -> str:
    return f"E0599{council_number:02d}{ward_number:02d}"


@transaction.atomic
def seed_demo(*, password: str) -> list[DemoUser]:
    partnership = Partnership.objects.filter(slug=PARTNERSHIP["slug"]).first()
    if partnership is None:
        partnership = council_services.partnership_create(actor=None, source=SOURCE, **PARTNERSHIP)

    for number, spec in enumerate(COUNCILS, start=1):
        council = Council.objects.filter(gss_code=spec["gss_code"]).first()
        if council is None:
            council = council_services.council_create(
                actor=None,
                source=SOURCE,
                gss_code=spec["gss_code"],
                name=spec["name"],
                short_name=spec["short_name"],
                slug=spec["slug"],
                partnership=partnership if spec["partner"] else None,
                website_url=spec["website_url"],
                contact_phone=spec["contact_phone"],
                contact_email=f"customer.services@{spec['slug']}.example.org",
                contact_address=f"{spec['name']}\nMunicipal Buildings\nDemo Street",
                brand_colour=spec["brand_colour"],
            )
        if not CouncilHostname.objects.filter(hostname=spec["hostname"]).exists():
            council_services.council_hostname_add(actor=None, council=council, hostname=spec["hostname"], source=SOURCE)
        lat, lon = spec["centre"]
        for index, name in enumerate(spec["wards"], start=1):
            code = ward_code(number, index)
            if not Ward.objects.filter(gss_code=code).exists():
                council_services.ward_upsert(
                    actor=None,
                    council=council,
                    gss_code=code,
                    name=name,
                    boundary=_rectangle(lat, lon + 0.02 * (index - 1)),
                    source=SOURCE,
                )
        for area_name in spec["areas"]:
            if not ServiceArea.objects.filter(council=council, name=area_name).exists():
                council_services.service_area_create(
                    actor=None,
                    council=council,
                    name=area_name,
                    slug=_slugify(area_name),
                    email=f"{_slugify(area_name)}@{spec['slug']}.example.org",
                    source=SOURCE,
                )

    demo_users = []
    for email, full_name, grant in USERS:
        user = User.objects.filter(email=email).first()
        created = user is None
        if created:
            user = account_services.user_create(
                actor=None, email=email, full_name=full_name, password=password, source=SOURCE
            )
        role = Role.RESIDENT
        if grant is not None:
            role, council_slug = grant
            council = Council.objects.get(slug=council_slug) if council_slug else None
            scope = {"council": council, "partnership": partnership if role == Role.PARTNERSHIP_OFFICER else None}
            if not RoleAssignment.objects.filter(user=user, role=role, **scope).exists():
                extras = {}
                if role == Role.STAFF:
                    extras["service_areas"] = list(ServiceArea.objects.filter(council=council)[:2])
                if role == Role.COUNCILLOR:
                    extras["wards"] = list(Ward.objects.filter(council=council).order_by("gss_code")[:2])
                account_services.role_grant(actor=None, user=user, role=role, source=SOURCE, **scope, **extras)
        demo_users.append(DemoUser(email=email, full_name=full_name, role=Role(role).label, created=created))

    from joinedup.service_requests.demo import seed_categories, seed_requests

    for spec in COUNCILS:
        council = Council.objects.get(gss_code=spec["gss_code"])
        seed_categories(council, unitary="Highways" in spec["areas"])
        seed_requests(council)

    waste = ServiceArea.objects.get(council__slug="boston", slug="waste-recycling")
    if waste.lead_officer is None:
        council_services.service_area_update(
            actor=None, service_area=waste, lead_officer=User.objects.get(email="staff@example.org"), source=SOURCE
        )
    from joinedup.software.demo import seed_software

    seed_software()
    from joinedup.councillors.demo import seed_councillors
    from joinedup.portfolio.demo import seed_portfolio

    seed_councillors()
    seed_portfolio(password=password)
    from joinedup.scrutiny.demo import seed_scrutiny

    seed_scrutiny(password=password)
    from joinedup.figures.demo import seed_figures

    seed_figures()  # last: the figures count everything seeded above
    return demo_users
