import pytest

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.councillors.models import Councillor
from joinedup.councils.tests.factories import ServiceAreaFactory, WardFactory
from joinedup.service_requests.tests.factories import CategoryFactory, ServiceRequestFactory


@pytest.fixture
def ward_a(council):
    return WardFactory(council=council, name="Abbey", gss_code="E05000001")


@pytest.fixture
def ward_b(council):
    return WardFactory(council=council, name="Bridge", gss_code="E05000002")


@pytest.fixture
def lead(council):
    return UserFactory(email="lead@borchester.example.org", full_name="Lee Lead")


@pytest.fixture
def area(council, lead):
    return ServiceAreaFactory(
        council=council, name="Waste and Recycling", lead_officer=lead, email="waste@borchester.example.org"
    )


@pytest.fixture
def other_area(council):
    return ServiceAreaFactory(council=council, name="Planning")


@pytest.fixture
def fly_tipping(council, area):
    return CategoryFactory(council=council, name="Fly-tipping", slug="fly-tipping-w", service_area=area)


@pytest.fixture
def potholes(council, area):
    return CategoryFactory(council=council, name="Potholes", slug="potholes", service_area=area)


@pytest.fixture
def officer(council, area):
    """Staff who work in the Waste service area."""
    user = UserFactory(email="waste.officer@borchester.example.org", full_name="Wanda Waste")
    grant(user, Role.STAFF, council=council, service_areas=[area])
    return user


@pytest.fixture
def planning_officer(council, other_area):
    user = UserFactory(email="planner@borchester.example.org", full_name="Pete Planner")
    grant(user, Role.STAFF, council=council, service_areas=[other_area])
    return user


def _councillor(council, ward, email, name):
    user = UserFactory(email=email, full_name=name)
    grant(user, Role.COUNCILLOR, council=council, wards=[ward])
    record = Councillor.objects.create(
        council=council, name=name, email=email, user=user, party="Independent", term_start="2023-05-04"
    )
    record.wards.add(ward)
    return user


@pytest.fixture
def cllr_a(council, ward_a):
    return _councillor(council, ward_a, "cllr.a@example.org", "Ann Abbey")


@pytest.fixture
def cllr_b(council, ward_b):
    return _councillor(council, ward_b, "cllr.b@example.org", "Ben Bridge")


@pytest.fixture
def make_request(council, fly_tipping):
    def make(**values):
        values.setdefault("category", fly_tipping)
        return ServiceRequestFactory(council=council, **values)

    return make
