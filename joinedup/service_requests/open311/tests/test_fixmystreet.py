"""
A replay of what FixMyStreet sends as an Open311 client (its perllib/Open311.pm and
SendReport/Open311.pm, as summarised in the reference notes, section 1.8), checked the way its
XML::Simple parser reads the answers: the root element is ignored, lists are forced.
"""

import datetime
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from joinedup.service_requests.models import Status
from joinedup.service_requests.open311.tests.conftest import BASE, photo_upload

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def _parse(response):
    """FixMyStreet fails any non-2xx answer; else it reads the XML, ignoring the root's name."""
    assert 200 <= response.status_code < 300, response.content
    return ET.fromstring(response.content)


def _fms_description(title, detail, url):
    return f"title: {title}\n\ndetail: {detail}\n\nurl: {url}\n\nSubmitted via FixMyStreet\n"


def _new_report(key, **extra):
    return [
        ("jurisdiction_id", "E07000901"),
        ("api_key", key),
        ("service_code", "fly-tipping"),
        ("description", _fms_description("Sofa", "Dumped by the bins", "https://fms.example.org/report/248")),
        ("first_name", "Rosa"),
        ("last_name", "Resident"),
        ("email", "rosa@example.org"),
        ("lat", "52.978"),
        ("long", "-0.026"),
        ("media_url", "https://fms.example.org/photo/248.0.full.jpeg"),
        ("media_url", "https://fms.example.org/photo/248.1.full.jpeg"),
        ("deviceid", "FixMyStreet"),
        ("attribute[size]", "van"),
        ("attribute[fixmystreet_id]", "248"),
        ("attribute[closest_address]", "12 High Street, Borchester"),
        ("attribute[easting]", "532000"),
        ("attribute[northing]", "343000"),
        ("attribute[uprn]", "10001234567"),
        *extra.items(),
    ]


def test_populate_service_list(client, category):
    services = _parse(client.get(f"{BASE}/services.xml", {"jurisdiction_id": "E07000901"}))
    codes = [s.findtext("service_code") for s in services.findall("service")]
    assert codes == ["fly-tipping"]
    definition = _parse(client.get(f"{BASE}/services/fly-tipping.xml", {"jurisdiction_id": "E07000901"}))
    assert [a.findtext("code") for a in definition.findall("attributes/attribute")] == ["size", "seen"]


def test_send_report_form_encoded(client, category, fms):
    _, key = fms
    response = client.post(f"{BASE}/requests.xml", urlencode(_new_report(key)), content_type=FORM)
    root = _parse(response)
    (request,) = root.findall("request")
    id_element = request.find("service_request_id")
    assert id_element.text == "BDC-000001" and len(id_element) == 0  # a scalar: no child elements
    from joinedup.service_requests.models import ServiceRequest

    made = ServiceRequest.objects.get()
    assert made.description.startswith("title: Sofa\n\ndetail: Dumped by the bins")
    assert made.answers == {"size": "van"}  # FixMyStreet's own attributes are not the category's questions
    assert made.open311_submission.device_id == "FixMyStreet"
    assert len(made.open311_submission.media_urls) == 2


def test_send_report_multipart_with_photo(client, category, fms):
    _, key = fms
    data = {}
    for name, value in _new_report(key):
        data.setdefault(name, []).append(value)
    photo = photo_upload("248.1.full")
    data["photo1"] = photo
    root = _parse(client.post(f"{BASE}/requests.xml", data))
    assert root.find("request/service_request_id").text == "BDC-000001"
    from joinedup.service_requests.models import Photo

    assert Photo.objects.count() == 1


def test_errors_are_what_fixmystreet_logs(client, category, fms):
    _, key = fms
    body = [(name, "nope" if name == "service_code" else value) for name, value in _new_report(key)]
    response = client.post(f"{BASE}/requests.xml", urlencode(body), content_type=FORM)
    assert response.status_code == 400
    root = ET.fromstring(response.content)
    (error,) = root.findall("error")
    assert error.findtext("code") == "400" and error.findtext("description").startswith("service_code:")
    response = client.post(f"{BASE}/requests.xml", urlencode(_new_report("wrong-key")), content_type=FORM)
    assert response.status_code == 403
    assert ET.fromstring(response.content).findtext("error/code") == "403"


def test_fetch_updates_with_empty_api_key_and_two_hour_window(client, category, fms, staff_user):
    from joinedup.service_requests import services
    from joinedup.service_requests.models import ServiceRequest

    _, key = fms
    client.post(f"{BASE}/requests.xml", urlencode(_new_report(key)), content_type=FORM)
    made = ServiceRequest.objects.get()
    services.request_status_change(
        actor=staff_user, request=made, to_status=Status.IN_PROGRESS, public_message="On our list"
    )
    now = timezone.now().replace(microsecond=0)
    query = {
        "api_key": "",
        "start_date": (now - datetime.timedelta(hours=2)).isoformat(),
        "end_date": (now + datetime.timedelta(seconds=1)).isoformat(),
        "jurisdiction_id": "E07000901",
    }
    root = _parse(client.get(f"{BASE}/servicerequestupdates.xml", query))
    (update,) = root.findall("request_update")
    # FixMyStreet drops updates without an update_id or with a time outside its window.
    assert update.findtext("update_id")
    when = datetime.datetime.fromisoformat(update.findtext("updated_datetime"))
    assert now - datetime.timedelta(hours=2) <= when <= now + datetime.timedelta(seconds=1)
    assert update.findtext("service_request_id") == "BDC-000001"  # the id it stored as external_id
    assert update.findtext("status") == "in_progress"
    assert update.findtext("description") == "On our list"


@pytest.mark.parametrize(
    ("status", "expected"),
    [("OPEN", Status.SUBMITTED), ("FIXED", Status.FIXED), ("NOT_COUNCILS_RESPONSIBILITY", Status.NOT_OURS)],
)
def test_post_comment_with_extended_statuses(client, category, fms, status, expected):
    _, key = fms
    client.post(f"{BASE}/requests.xml", urlencode(_new_report(key)), content_type=FORM)
    body = [
        ("jurisdiction_id", "E07000901"),
        ("api_key", key),
        ("service_request_id", "BDC-000001"),
        ("update_id", "7001"),
        ("updated_datetime", timezone.now().replace(microsecond=0).isoformat()),
        ("status", status),
        ("description", "Still there this morning"),
        ("first_name", "Rosa"),
        ("last_name", "-"),
        ("email", "rosa@example.org"),
        ("media_url", "https://fms.example.org/c/7001.0.full.jpeg"),
    ]
    root = _parse(client.post(f"{BASE}/servicerequestupdates.xml", urlencode(body), content_type=FORM))
    (update,) = root.findall("request_update")
    assert update.findtext("update_id")  # FixMyStreet needs a non-empty id
    from joinedup.service_requests.models import ServiceRequest

    assert ServiceRequest.objects.get().status == expected
    # FixMyStreet retries after a timeout: the same comment id changes nothing more.
    again = _parse(client.post(f"{BASE}/servicerequestupdates.xml", urlencode(body), content_type=FORM))
    assert again.findtext("request_update/update_id") == update.findtext("update_id")


def test_get_updates_fallback_by_ids(client, category, fms):
    """Servers without the extension are polled with GET requests.xml?service_request_id=a,b."""
    _, key = fms
    for _ in range(2):
        client.post(f"{BASE}/requests.xml", urlencode(_new_report(key)), content_type=FORM)
    root = _parse(
        client.get(
            f"{BASE}/requests.xml", {"jurisdiction_id": "E07000901", "service_request_id": "BDC-000001,BDC-000002"}
        )
    )
    requests = root.findall("request")
    assert sorted(r.findtext("service_request_id") for r in requests) == ["BDC-000001", "BDC-000002"]
    for request in requests:
        assert request.findtext("status") == "open" and request.findtext("updated_datetime")
        assert request.findtext("lat") and request.findtext("long")
