import pytest

from joinedup.councils import selectors
from joinedup.councils.models import CouncilHostname
from joinedup.councils.tests.factories import WardFactory, square

pytestmark = pytest.mark.django_db


def test_ward_for_point_finds_the_ward_containing_it(council, partner_council):
    west = WardFactory(council=council, name="West", boundary=square(0.0, 52.0), min_lon=0.0, min_lat=52.0)
    east = WardFactory(council=council, name="East", boundary=square(0.01, 52.0), min_lon=0.01, min_lat=52.0)
    WardFactory(council=partner_council, name="Elsewhere", boundary=square(0.0, 52.0), min_lon=0.0, min_lat=52.0)
    assert selectors.ward_for_point(council=council, lat=52.005, lon=0.005) == west
    assert selectors.ward_for_point(council=council, lat=52.005, lon=0.015) == east
    assert selectors.ward_for_point(council=council, lat=53.0, lon=0.005) is None


def test_ward_for_point_handles_concave_and_multi_part_wards(council):
    # An L-shaped ward: its bounding box covers a corner that is not in the ward.
    l_shape = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2], [0, 0]]]}
    ward = WardFactory(council=council, boundary=l_shape, min_lon=0, min_lat=0, max_lon=2, max_lat=2)
    assert selectors.ward_for_point(council=council, lat=0.5, lon=1.5) == ward
    assert selectors.ward_for_point(council=council, lat=1.5, lon=1.5) is None
    islands = {"type": "MultiPolygon", "coordinates": [square(10, 10)["coordinates"], square(11, 11)["coordinates"]]}
    multi = WardFactory(council=council, boundary=islands, min_lon=10, min_lat=10, max_lon=11.01, max_lat=11.01)
    assert selectors.ward_for_point(council=council, lat=11.005, lon=11.005) == multi


def test_a_point_on_the_boundary_belongs_to_a_ward(council):
    ward = WardFactory(council=council, boundary=square(0.0, 52.0), min_lon=0.0, min_lat=52.0)
    assert selectors.ward_for_point(council=council, lat=52.0, lon=0.005) == ward


def test_council_for_hostname_ignores_case_port_and_trailing_dot(council):
    CouncilHostname.objects.create(council=council, hostname="report.borchester.gov.uk")
    for host in ("report.borchester.gov.uk", "REPORT.Borchester.gov.uk:8000", "report.borchester.gov.uk."):
        assert selectors.council_for_hostname(host) == council
    assert selectors.council_for_hostname("elsewhere.gov.uk") is None


def test_inactive_councils_are_not_listed_or_served(council, partner_council):
    partner_council.is_active = False
    partner_council.save()
    assert list(selectors.council_list_public()) == [council]
