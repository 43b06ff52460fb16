"""The staff queue stays quick on a large council: a fixed number of queries, a bounded count, cheap markup."""

import pytest
from django import forms
from django.db import connection
from django.forms.renderers import get_default_renderer
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory
from joinedup.councillors import access
from joinedup.councillors.selectors import _service_areas_handled
from joinedup.councils.tests.factories import ServiceAreaFactory, WardFactory
from joinedup.service_requests import views_staff
from joinedup.service_requests.forms_staff import Select
from joinedup.service_requests.tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def queue_url(council, **query):
    return reverse("service_requests:staff-queue", args=[council.slug]) + (
        "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    )


def queries_for(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_the_queue_reads_the_same_number_of_queries_for_3_rows_or_50(staff_client, council, category):
    def add(count):
        for _ in range(count):
            ServiceRequestFactory(
                council=council,
                category=category,
                ward=WardFactory(council=council),
                assigned_to=UserFactory(),
            )

    add(3)
    few, response = queries_for(staff_client, queue_url(council, status=""))
    assert len(response.context["rows"]) == 3
    add(60)
    many, response = queries_for(staff_client, queue_url(council, status=""))
    assert len(response.context["rows"]) == 50
    assert many == few


def test_each_row_shows_what_it_showed_before(staff_client, council, category):
    ward = WardFactory(council=council, name="Castle")
    officer = UserFactory(full_name="Ada Assignee")
    made = ServiceRequestFactory(council=council, category=category, ward=ward, assigned_to=officer, supporter_count=4)
    response = staff_client.get(queue_url(council, status=""))
    text = response.content.decode()
    detail = reverse("service_requests:staff-detail", args=[council.slug, made.reference])
    assert f'href="{detail}"' in text
    for shown in (made.reference, "Fly-tipping", "Castle", "Ada Assignee", made.get_status_display()):
        assert shown in text
    row = response.context["rows"][0]
    assert row.council == council
    assert row.supporter_count == 4


def test_a_very_large_queue_says_more_than_and_pages_through_the_first_ones(
    staff_client, council, category, monkeypatch
):
    monkeypatch.setattr(views_staff, "COUNT_LIMIT", 60)
    ServiceRequestFactory.create_batch(75, council=council, category=category)
    response = staff_client.get(queue_url(council, status=""))
    text = " ".join(response.content.decode().split())
    paginator = response.context["page"].paginator
    assert paginator.capped
    assert paginator.count == 60
    assert paginator.num_pages == 2
    assert "More than 60 requests" in text
    assert "Showing 1 to 50 of the first 60" in text
    assert "Download all of these requests as a spreadsheet (CSV)" in text
    # Asking for a page past the limit shows the last page there is.
    last = staff_client.get(queue_url(council, status="", page=5))
    assert last.context["page"].number == 2
    assert len(last.context["rows"]) == 10


def test_a_queue_under_the_limit_gives_its_exact_count(staff_client, council, category, monkeypatch):
    monkeypatch.setattr(views_staff, "COUNT_LIMIT", 60)
    ServiceRequestFactory.create_batch(60, council=council, category=category)
    response = staff_client.get(queue_url(council, status=""))
    text = " ".join(response.content.decode().split())
    assert not response.context["page"].paginator.capped
    assert "60 requests" in text
    assert "More than" not in text
    assert "Download these 60 requests" in text


@pytest.mark.parametrize("value", [None, "", "2", 2, ["1"], "3", "nothing"])
def test_the_filter_select_writes_the_same_markup_as_django(value):
    choices = [("", "Any <kind>"), (1, "Bins & boxes"), (2, 'The "big" one'), ("Group", [(3, "Three"), (4, "Four")])]
    attrs = {"id": "id_f", "class": "govuk-select", "aria-describedby": "id_f-hint", "disabled": True, "hidden": False}
    django_markup = forms.Select(choices=choices).render("f", value, attrs, renderer=get_default_renderer())
    assert Select(choices=choices).render("f", value, attrs) == django_markup


def test_the_member_enquiry_panel_finds_the_officers_service_areas_in_one_query(council, staff_user):
    lead = ServiceAreaFactory(council=council, lead_officer=staff_user)
    given = ServiceAreaFactory(council=council)
    other = ServiceAreaFactory(council=council)
    staff_user.role_assignments.get(role=Role.STAFF, council=council).service_areas.add(given)
    someone_else = UserFactory()
    with CaptureQueriesContext(connection) as captured:
        handled = set(_service_areas_handled(user=staff_user, council=council))
    assert len(captured.captured_queries) == 1
    assert {lead, given} <= handled
    assert other not in handled
    for area in council.service_areas.all():
        assert (area in handled) == access.handles_service_area(staff_user, area)
    assert not set(_service_areas_handled(user=someone_else, council=council))
