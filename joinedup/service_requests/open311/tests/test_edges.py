"""Rough edges found by trying the API as outside clients do: host names, plain dates, methods,
rate-limit and size errors, and odd paths, each answered in the Open311 error format."""

import datetime

import pytest
from django.utils import timezone

from joinedup.service_requests.models import ServiceRequest
from joinedup.service_requests.open311 import clients
from joinedup.service_requests.open311.tests.conftest import BASE, errors_of, jsonbody, report
from joinedup.service_requests.tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db
HOST = "report.borchester.example.org"


@pytest.fixture
def on_host(settings, hostname):
    settings.ALLOWED_HOSTS = ["testserver", HOST]
    return HOST


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_on_a_council_host_name_another_councils_jurisdiction_is_not_served(
    client, category, on_host, outside_council, fmt
):
    ServiceRequestFactory(council=outside_council)
    response = client.get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": "E06000903"}, HTTP_HOST=on_host)
    assert response.status_code == 404
    assert errors_of(response, fmt) == [
        (404, "jurisdiction_id: this address serves only Borchester District Council, not 'E06000903'")
    ]
    # Its own jurisdiction, by code or host name, still answers there.
    for jurisdiction in ("E07000901", HOST):
        assert (
            client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": jurisdiction}, HTTP_HOST=on_host).status_code
            == 200
        )


def test_on_a_council_host_name_another_councils_key_cannot_submit(client, on_host, outside_council):
    from joinedup.service_requests.tests.factories import CategoryFactory

    CategoryFactory(council=outside_council, slug="potholes")
    _, key = clients.api_client_create(actor=None, name="Ambridge FMS", council=outside_council)
    data = {**report(key), "jurisdiction_id": "E06000903", "service_code": "potholes"}
    response = client.post(f"{BASE}/requests.json", data, HTTP_HOST=on_host)
    assert response.status_code == 404
    assert not ServiceRequest.objects.filter(council=outside_council).exists()


def test_a_plain_date_means_midnight_uk_time(client, council, category):
    made = ServiceRequestFactory(council=council, category=category)
    ServiceRequest.objects.filter(pk=made.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 7, 1, 0, 30))  # 23:30 UTC on 30 June
    )
    found = client.get(
        f"{BASE}/requests.json", {"jurisdiction_id": "E07000901", "start_date": "2026-07-01", "end_date": "2026-07-02"}
    )
    assert found.status_code == 200, found.content
    assert [r["service_request_id"] for r in jsonbody(found)] == [made.reference]
    before = client.get(
        f"{BASE}/requests.json", {"jurisdiction_id": "E07000901", "start_date": "2026-06-01", "end_date": "2026-06-30"}
    )
    assert jsonbody(before) == []
    bad = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "E07000901", "start_date": "2026-13-45"})
    assert bad.status_code == 400
    assert errors_of(bad, "json") == [(400, "start_date: must be a W3C date-time, like 2026-11-23T10:00:00Z")]


def test_wrong_method_says_which_are_allowed_and_head_works_on_reads(client, council, category):
    refused = client.put(f"{BASE}/requests.json")
    assert refused.status_code == 405
    assert refused["Allow"] == "GET, POST, HEAD"
    assert client.post(f"{BASE}/services.json", {"jurisdiction_id": "E07000901"})["Allow"] == "GET, HEAD"
    head = client.head(f"{BASE}/services.json", {"jurisdiction_id": "E07000901"})
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Type"].startswith("application/json")


def test_too_many_calls_say_when_to_try_again(client, council, category):
    _, key = clients.api_client_create(actor=None, name="Busy", council=council, rate_limit_per_minute=1)
    assert client.post(f"{BASE}/requests.json", report(key)).status_code == 200
    refused = client.post(f"{BASE}/requests.json", report(key))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_path_with_a_line_break_is_answered_in_the_open311_format(client, fmt):
    response = client.get(f"{BASE}/requests%0A.{fmt}")
    assert response.status_code == 404
    assert errors_of(response, fmt)[0][0] == 404


def test_a_post_body_over_the_limit_is_answered_in_the_open311_format(client, council, category, fms, settings):
    _, key = fms
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    data = {**report(key), "description": "x" * 9_000, "attribute[notes]": "y" * 2_700_000}
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 413
    assert errors_of(response, "json") == [
        (413, "The request's fields are too large: at most 2.5 MB, not counting photos")
    ]
    assert not ServiceRequest.objects.exists()


def test_a_full_page_says_where_the_next_one_is(client, council, category):
    for _ in range(3):
        ServiceRequestFactory(council=council, category=category)
    first = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "E07000901", "page_size": "2"})
    assert len(jsonbody(first)) == 2
    link = first["Link"]
    assert link.startswith("<http://testserver/open311/v2/requests.json?") and link.endswith('>; rel="next"')
    next_url = link[1 : link.index(">")].removeprefix("http://testserver")
    assert "page=2" in next_url and "page_size=2" in next_url and "jurisdiction_id=E07000901" in next_url
    second = client.get(next_url)
    assert len(jsonbody(second)) == 1
    assert not second.has_header("Link")
    seen = {r["service_request_id"] for r in jsonbody(first) + jsonbody(second)}
    assert len(seen) == 3


def test_updates_page_too(client, council, category, staff_user):
    from joinedup.service_requests import services

    made = ServiceRequestFactory(council=council, category=category)
    for text in ("One", "Two", "Three"):
        services.request_public_update(actor=staff_user, request=made, message=text)
    first = client.get(f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": "E07000901", "page_size": "2"})
    assert [u["description"] for u in jsonbody(first)] == ["One", "Two"]
    next_url = first["Link"][1 : first["Link"].index(">")].removeprefix("http://testserver")
    assert [u["description"] for u in jsonbody(client.get(next_url))] == ["Three"]
