"""Ward dashboards: the figures on known data, who may see them, and no personal data unless shared."""

import datetime

import pytest
from django.utils import timezone

from joinedup.councillors import selectors
from joinedup.councils.tests.factories import WardFactory
from joinedup.service_requests.models import Feedback, ServiceRequest, Status

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 18)  # a Wednesday
NOW = timezone.make_aware(datetime.datetime(2026, 11, 18, 12, 0))


def at(days_ago: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days_ago)


def made(request, *, created, closed=None, expected_by, status=None, rating=None):
    """Set a request's dates and outcome as if it had happened then."""
    fields = {"created_at": created, "expected_by": expected_by}
    if closed is not None:
        fields.update(closed_at=closed, status=status or Status.FIXED)
    ServiceRequest.objects.filter(pk=request.pk).update(**fields)
    if rating:
        Feedback.objects.create(request=request, rating=rating, channel="web")
    return request


@pytest.fixture
def known(council, ward_a, ward_b, make_request, fly_tipping, potholes):
    """Ward A: 2 open (1 overdue), 2 closed in the last 30 days (1 in time), 1 closed long ago. Ward B: 1 closed."""
    made(make_request(ward=ward_a, category=fly_tipping), created=at(2), expected_by=TODAY + datetime.timedelta(days=5))
    made(make_request(ward=ward_a, category=potholes), created=at(40), expected_by=TODAY - datetime.timedelta(days=1))
    made(
        make_request(ward=ward_a, category=fly_tipping),
        created=at(10),
        closed=at(5),
        expected_by=TODAY,
        rating=5,
    )
    made(
        make_request(ward=ward_a, category=potholes),
        created=at(20),
        closed=at(10),
        expected_by=(NOW - datetime.timedelta(days=12)).date(),
        rating=2,
    )
    made(make_request(ward=ward_a, category=fly_tipping), created=at(90), closed=at(60), expected_by=TODAY)
    made(make_request(ward=ward_b, category=potholes), created=at(6), closed=at(3), expected_by=TODAY, rating=4)


def test_ward_figures_on_known_data(council, ward_a, known):
    figures = selectors.ward_figures(council=council, wards=[ward_a], today=TODAY, now=NOW)
    assert (figures["open"], figures["overdue"]) == (2, 1)
    assert figures["ward"] == {
        "closed": 2,
        "within_target": 1,
        "percent_within_target": 50.0,
        "feedback": 2,
        "percent_satisfied": 50.0,
    }
    assert figures["council"]["closed"] == 3
    assert figures["council"]["percent_within_target"] == 66.7
    assert figures["council"]["percent_satisfied"] == 66.7
    assert figures["by_category"] == [
        {"name": "Fly-tipping", "open": 1, "overdue": 0, "closed": 1},
        {"name": "Potholes", "open": 1, "overdue": 1, "closed": 1},
    ]
    assert [band["count"] for band in figures["ageing"]] == [1, 0, 0, 1]


def test_figures_follow_the_category_and_period_filters(council, ward_a, known, potholes):
    filters = selectors.DashboardFilters(category=potholes.pk, period=90)
    figures = selectors.ward_figures(council=council, wards=[ward_a], filters=filters, today=TODAY, now=NOW)
    assert (figures["open"], figures["ward"]["closed"], figures["council"]["closed"]) == (1, 1, 2)
    figures = selectors.ward_figures(
        council=council, wards=[ward_a], filters=selectors.DashboardFilters(period=90), today=TODAY, now=NOW
    )
    assert figures["ward"]["closed"] == 3


def test_the_dashboard_shows_the_figures_and_a_table(client, council, ward_a, cllr_a, make_request):
    make_request(ward=ward_a, location_text="By the war memorial")
    client.force_login(cllr_a)
    response = client.get(f"/{council.slug}/councillors/wards/{ward_a.gss_code}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<dd class="govuk-summary-list__value" id="figure-open">1</dd>' in page
    assert "By the war memorial" in page and 'id="ward-map-data"' in page
    response = client.get(f"/{council.slug}/councillors/wards/{ward_a.gss_code}/?status=closed&period=7")
    assert "No requests match." in response.content.decode()


def test_a_councillor_sees_only_their_own_wards(client, council, partner_council, ward_a, ward_b, cllr_a):
    client.force_login(cllr_a)
    assert client.get(f"/{council.slug}/councillors/wards/{ward_b.gss_code}/").status_code == 403
    other = WardFactory(council=partner_council, gss_code="E05000777")
    assert client.get(f"/{council.slug}/councillors/wards/{other.gss_code}/").status_code == 404
    assert client.get(f"/{partner_council.slug}/councillors/wards/{other.gss_code}/").status_code == 403
    home = client.get(f"/{council.slug}/councillors/").content.decode()
    assert ward_a.name in home and ward_b.name not in home


def test_partnership_officers_see_any_ward_but_residents_none(client, council, ward_b, partnership_officer, resident):
    client.force_login(partnership_officer)
    assert client.get(f"/{council.slug}/councillors/wards/{ward_b.gss_code}/").status_code == 200
    client.force_login(resident)
    assert client.get(f"/{council.slug}/councillors/wards/{ward_b.gss_code}/").status_code == 403
    assert client.get(f"/{council.slug}/councillors/").status_code == 403


def test_no_personal_data_unless_the_reporter_asked_for_their_councillor(client, council, ward_a, cllr_a, make_request):
    kept = make_request(ward=ward_a, reporter_name="Private Person", reporter_email="private@example.org")
    shared = make_request(
        ward=ward_a, reporter_name="Sharing Person", reporter_email="share@example.org", involve_councillor=True
    )
    client.force_login(cllr_a)
    page = client.get(f"/{council.slug}/councillors/wards/{ward_a.gss_code}/").content.decode()
    assert "Sharing Person" in page
    assert "Private Person" not in page and "private@example.org" not in page
    kept_page = client.get(f"/{council.slug}/councillors/requests/{kept.reference}/").content.decode()
    assert "Private Person" not in kept_page and "private@example.org" not in kept_page
    assert "Not shared with councillors" in kept_page
    shared_page = client.get(f"/{council.slug}/councillors/requests/{shared.reference}/").content.decode()
    assert "Sharing Person" in shared_page and "share@example.org" in shared_page


def test_a_councillor_of_another_ward_does_not_see_shared_details(client, council, ward_a, cllr_b, make_request):
    shared = make_request(ward=ward_a, reporter_name="Sharing Person", involve_councillor=True)
    client.force_login(cllr_b)
    page = client.get(f"/{council.slug}/councillors/requests/{shared.reference}/").content.decode()
    assert "Sharing Person" not in page


def test_staff_see_no_personal_data_on_the_dashboard(client, council, ward_a, staff_user, make_request):
    make_request(ward=ward_a, reporter_name="Sharing Person", involve_councillor=True)
    client.force_login(staff_user)
    page = client.get(f"/{council.slug}/councillors/wards/{ward_a.gss_code}/").content.decode()
    assert "Sharing Person" not in page


@pytest.mark.parametrize("today", [TODAY, datetime.date(2026, 12, 29), datetime.date(2027, 1, 4)])
def test_ageing_bands_counted_in_the_database_match_working_days_open(council, ward_a, make_request, today):
    """Bands are worked out from cut-off dates, across weekends and bank holidays, and must agree
    with counting each request's working days one by one."""
    from joinedup.service_requests.selectors import working_days_open

    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12, 0)))
    for days_ago in range(0, 40):
        made(
            make_request(ward=ward_a),
            created=now - datetime.timedelta(days=days_ago, hours=3),
            expected_by=today,
        )
    figures = selectors.ward_figures(council=council, wards=[ward_a], today=today, now=now)
    ages = [working_days_open(r, today) for r in ServiceRequest.objects.filter(ward=ward_a)]
    expected = [sum(1 for a in ages if low <= a <= high) for low, high, _ in selectors.AGE_BANDS]
    expected.append(sum(1 for a in ages if a > 20))
    assert [band["count"] for band in figures["ageing"]] == expected
    assert sum(expected) == 40


def test_dashboard_queries_do_not_grow_with_the_rows_shown(client, council, ward_a, make_request, cllr_a):
    """The table of up to 200 requests and the figures take a fixed number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cllr_a)
    url = f"/{council.slug}/councillors/wards/{ward_a.gss_code}/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"status": "", "period": 365}).status_code == 200
        return len(queries)

    make_request(ward=ward_a)
    few = count()
    for _ in range(30):
        make_request(ward=ward_a)
    assert count() == few
    assert few <= 20
