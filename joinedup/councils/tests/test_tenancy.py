"""Staff of one council never reach another council's records through any view."""

import pytest
from django.urls import reverse

from joinedup.councils.tests.factories import ServiceAreaFactory, WardFactory

pytestmark = pytest.mark.django_db


def council_pages(council):
    """Every staff page of a council, as (name, url)."""
    area = ServiceAreaFactory(council=council)
    ward = WardFactory(council=council)
    slug = council.slug
    return [
        ("staff home", reverse("councils:staff-home", args=[slug])),
        ("wards", reverse("councils:staff-wards", args=[slug])),
        ("settings", reverse("councils:settings", args=[slug])),
        ("new service area", reverse("councils:service-area-create", args=[slug])),
        ("edit service area", reverse("councils:service-area-edit", args=[slug, area.pk])),
        ("council history", reverse("councils:history", args=[slug, "councils.council", council.pk])),
        ("service area history", reverse("councils:history", args=[slug, "councils.servicearea", area.pk])),
        ("ward history", reverse("councils:history", args=[slug, "councils.ward", ward.pk])),
    ]


def foreign_records_under(council, other):
    """Another council's records asked for through this council's own addresses."""
    area = ServiceAreaFactory(council=other)
    ward = WardFactory(council=other)
    slug = council.slug
    return [
        ("edit other's service area", reverse("councils:service-area-edit", args=[slug, area.pk])),
        ("other's council history", reverse("councils:history", args=[slug, "councils.council", other.pk])),
        ("other's area history", reverse("councils:history", args=[slug, "councils.servicearea", area.pk])),
        ("other's ward history", reverse("councils:history", args=[slug, "councils.ward", ward.pk])),
    ]


def test_staff_are_refused_every_page_of_another_council(client, staff_user, partner_council):
    client.force_login(staff_user)
    for name, url in council_pages(partner_council):
        assert client.get(url).status_code in (403, 404), name
        assert client.post(url, {"name": "Hijacked"}).status_code in (403, 404), name


def test_staff_cannot_reach_another_councils_records_through_their_own_pages(
    client, staff_user, administrator, council, partner_council
):
    for user in (staff_user, administrator):
        client.force_login(user)
        for name, url in foreign_records_under(council, partner_council):
            assert client.get(url).status_code == 404, (user, name)


def test_staff_read_their_own_council_but_only_managers_change_it(client, staff_user, council):
    client.force_login(staff_user)
    readable = ("staff home", "wards", "council history", "service area history", "ward history")
    for name, url in council_pages(council):
        expected = 200 if name in readable else 403
        assert client.get(url).status_code == expected, name


def test_partnership_officer_sees_all_partner_councils_and_none_outside(
    client, partnership_officer, council, partner_council, outside_council
):
    client.force_login(partnership_officer)
    for each in (council, partner_council):
        for name, url in council_pages(each):
            assert client.get(url).status_code == 200, (each, name)
    for name, url in council_pages(outside_council):
        assert client.get(url).status_code in (403, 404), name


@pytest.mark.parametrize("role_fixture", ["resident", "councillor", "scrutiny_member"])
def test_non_staff_roles_get_no_staff_pages(client, request, role_fixture, council):
    client.force_login(request.getfixturevalue(role_fixture))
    for name, url in council_pages(council):
        assert client.get(url).status_code in (403, 404), name


def test_anonymous_visitors_are_asked_to_sign_in(client, council):
    for name, url in council_pages(council):
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/account/sign-in/"), name


def test_a_council_host_name_serves_only_that_council(client, council, partner_council):
    from joinedup.councils.models import CouncilHostname

    CouncilHostname.objects.create(council=council, hostname="report.borchester.localhost")
    host = {"HTTP_HOST": "report.borchester.localhost"}
    home = client.get("/", **host)
    assert '<h1 class="govuk-heading-xl">Borchester District Council</h1>' in home.text
    assert client.get(f"/{council.slug}/", **host).status_code == 200
    assert client.get(f"/{partner_council.slug}/", **host).status_code == 404
    accessibility = client.get("/accessibility/", **host)
    assert "Borchester District Council" in accessibility.text
