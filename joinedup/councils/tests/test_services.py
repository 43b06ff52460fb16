import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.core.models import AuditEntry
from joinedup.councils import services
from joinedup.councils.models import Council, Ward
from joinedup.councils.tests.factories import ServiceAreaFactory, square

pytestmark = pytest.mark.django_db


def test_council_create_checks_the_ons_code_and_reserved_slugs(administrator):
    council = services.council_create(
        actor=administrator, gss_code="e06000054", name="Wiltshire Council", short_name="WC", slug="wiltshire"
    )
    assert council.gss_code == "E06000054"
    with pytest.raises(ValidationError) as error:
        services.council_create(actor=administrator, gss_code="X123", name="Bad", short_name="B", slug="bad")
    assert "ONS format" in str(error.value)
    with pytest.raises(ValidationError, match="used by the platform"):
        services.council_create(
            actor=administrator, gss_code="E06000055", name="Staff Council", short_name="S", slug="staff"
        )
    assert Council.objects.count() == 1


def test_only_administrators_create_councils(partnership_officer):
    with pytest.raises(PermissionDenied):
        services.council_create(actor=partnership_officer, gss_code="E06000054", name="W", short_name="W", slug="w")


def test_council_update_records_who_changed_what(partnership_officer, council):
    services.council_update(actor=partnership_officer, council=council, contact_phone="01632 960 999")
    entry = AuditEntry.objects.get(action="councils.council.update")
    assert entry.actor == partnership_officer
    assert entry.council == council
    assert entry.changes == {"contact_phone": {"from": "01632 960 000", "to": "01632 960 999"}}
    assert entry.change_lines == [("contact_phone", "01632 960 000 to 01632 960 999")]


def test_council_update_with_no_change_writes_nothing(administrator, council):
    services.council_update(actor=administrator, council=council, contact_phone=council.contact_phone)
    assert not AuditEntry.objects.filter(action="councils.council.update").exists()


def test_council_update_rejects_bad_values_and_saves_nothing(administrator, council):
    with pytest.raises(ValidationError, match="# and 6 hex digits"):
        services.council_update(
            actor=administrator, council=council, brand_colour="blue", contact_phone="01632 960 111"
        )
    council.refresh_from_db()
    assert council.contact_phone == "01632 960 000"
    assert not AuditEntry.objects.exists()


def test_council_update_refuses_fields_that_are_not_settings(administrator, council):
    with pytest.raises(TypeError, match="gss_code"):
        services.council_update(actor=administrator, council=council, gss_code="E07000999")


def test_staff_cannot_change_their_council(staff_user, council):
    with pytest.raises(PermissionDenied):
        services.council_update(actor=staff_user, council=council, contact_phone="1")


def test_service_area_lead_officer_must_be_staff_of_that_council(administrator, council, partner_council):
    area = ServiceAreaFactory(council=council)
    outsider = UserFactory()
    grant(outsider, Role.STAFF, council=partner_council)
    with pytest.raises(ValidationError, match="must be a member of this council's staff"):
        services.service_area_update(actor=administrator, service_area=area, lead_officer=outsider)
    insider = UserFactory()
    grant(insider, Role.STAFF, council=council)
    services.service_area_update(actor=administrator, service_area=area, lead_officer=insider)
    area.refresh_from_db()
    assert area.lead_officer == insider


def test_service_area_names_are_unique_within_a_council(administrator, council, partner_council):
    services.service_area_create(actor=administrator, council=council, name="Waste", slug="waste")
    services.service_area_create(actor=administrator, council=partner_council, name="Waste", slug="waste")
    with pytest.raises(ValidationError):
        services.service_area_create(actor=administrator, council=council, name="Waste", slug="waste-2")


def test_ward_upsert_creates_updates_and_leaves_unchanged(administrator, council):
    boundary = square(-0.1, 52.9)
    ward, outcome = services.ward_upsert(
        actor=administrator, council=council, gss_code="E05000001", name="Fenside", boundary=boundary
    )
    assert outcome == "created"
    assert (ward.min_lon, ward.min_lat) == (-0.1, 52.9)
    assert (
        services.ward_upsert(
            actor=administrator, council=council, gss_code="E05000001", name="Fenside", boundary=boundary
        )[1]
        == "unchanged"
    )
    assert (
        services.ward_upsert(
            actor=administrator, council=council, gss_code="E05000001", name="Fenside & Witham", boundary=boundary
        )[1]
        == "updated"
    )
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["councils.ward.create", "councils.ward.update"]


def test_a_ward_cannot_move_to_another_council(administrator, council, partner_council):
    services.ward_upsert(actor=administrator, council=council, gss_code="E05000001", name="A", boundary=square(0, 52))
    with pytest.raises(ValidationError, match="already belongs to"):
        services.ward_upsert(
            actor=administrator, council=partner_council, gss_code="E05000001", name="A", boundary=square(0, 52)
        )


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        ({"type": "Point", "coordinates": [0, 52]}, "must be a GeoJSON Polygon"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[500000, 300000], [500100, 300000], [500100, 300100], [500000, 300000]]],
            },
            "not longitude and latitude",
        ),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "not a valid shape"),
        ({"type": "Polygon", "coordinates": "nonsense"}, "not valid GeoJSON"),
    ],
)
def test_bad_boundaries_get_a_clear_error(administrator, council, boundary, message):
    with pytest.raises(ValidationError, match=message):
        services.ward_upsert(actor=administrator, council=council, gss_code="E05000001", name="A", boundary=boundary)
    assert not Ward.objects.exists()
