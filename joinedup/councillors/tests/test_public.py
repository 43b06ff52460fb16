"""Public ward profiles, and a request's tracking page names the ward's councillors."""

import datetime

import pytest

from joinedup.councillors.models import Councillor

pytestmark = pytest.mark.django_db


def test_ward_list_and_profile_show_councillors_in_office(client, council, ward_a, ward_b, cllr_a):
    Councillor.objects.create(
        council=council, name="Old Member", email="old@example.org", term_start="2019-05-02", term_end="2023-05-03"
    ).wards.add(ward_a)
    page = client.get(f"/{council.slug}/wards/").content.decode()
    assert "Ann Abbey (Independent)" in page and "No councillors listed" in page and "Old Member" not in page
    page = client.get(f"/{council.slug}/wards/{ward_a.gss_code}/").content.decode()
    assert "Ann Abbey" in page and "cllr.a@example.org" in page
    assert client.get(f"/{council.slug}/wards/E05999999/").status_code == 404


def test_another_councils_ward_is_not_found_under_this_council(client, council, partner_council, ward_a):
    assert client.get(f"/{partner_council.slug}/wards/{ward_a.gss_code}/").status_code == 404


def test_the_tracking_page_shows_the_wards_councillors(client, council, ward_a, ward_b, cllr_a, make_request):
    request = make_request(ward=ward_a)
    page = client.get(f"/{council.slug}/requests/{request.reference}/").content.decode()
    assert "Your councillors for Abbey" in page and "Ann Abbey" in page
    page = client.get(f"/{council.slug}/requests/{make_request(ward=ward_b).reference}/").content.decode()
    assert "has not listed the councillors for this ward" in page
    page = client.get(f"/{council.slug}/requests/{make_request(ward=None).reference}/").content.decode()
    assert "Your councillors" not in page


def test_term_dates_decide_who_is_in_office(council, ward_a):
    from joinedup.councillors.selectors import ward_councillors

    record = Councillor.objects.create(council=council, name="New", email="n@example.org", term_start="2027-05-07")
    record.wards.add(ward_a)
    assert ward_councillors(ward=ward_a, today=datetime.date(2027, 5, 6)) == []
    assert ward_councillors(ward=ward_a, today=datetime.date(2027, 5, 7)) == [record]
