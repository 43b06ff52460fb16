import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from joinedup.core.models import AuditEntry
from joinedup.notifications.models import Message
from joinedup.service_requests import services
from joinedup.service_requests.models import Channel, Photo, QuestionKind, ServiceRequest, Status
from joinedup.service_requests.open311.models import ApiSubmission
from joinedup.service_requests.open311.tests.conftest import BASE, errors_of, jsonbody, photo_upload, report, xml
from joinedup.service_requests.tests.factories import CategoryFactory, QuestionFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db
J = {"jurisdiction_id": "E07000901"}
PERSONAL = ("Rosa", "Resident", "rosa@example.org", "07700900982", "device-1", "acc-9")


def _post(client, fmt, data, **extra):
    return client.post(f"{BASE}/requests.{fmt}", data, **extra)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_creates_through_the_web_service(client, category, fms, fmt):
    _, key = fms
    response = _post(client, fmt, report(key, phone="07700 900982", device_id="device-1", account_id="acc-9"))
    assert response.status_code == 200, response.content
    request = ServiceRequest.objects.get()
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_requests"
        assert root.find("request/service_request_id").text == "BDC-000001"
        assert root.findtext("request/account_id") == "acc-9"
    else:
        (item,) = jsonbody(response)
        assert item["service_request_id"] == "BDC-000001" and isinstance(item["token"], str)
    assert request.channel == Channel.API and request.source_client == "FixMyStreet"
    assert request.reporter_name == "Rosa Resident" and request.reporter_email == "rosa@example.org"
    assert request.reporter_phone == "07700900982"
    assert request.answers == {"size": "bag"}
    assert (request.latitude, request.longitude) == (52.9789, -0.0266)
    submission = request.open311_submission
    assert submission.device_id == "device-1" and submission.account_id == "acc-9"
    # Same notifications and audit as the web form.
    assert Message.objects.filter(event="request.submitted", recipient="rosa@example.org").count() == 1
    audit = AuditEntry.objects.get(action="service_requests.request.create")
    assert audit.actor_label == "system: FixMyStreet"


def test_post_multipart_with_photos_media_urls_and_multivalue_attributes(client, category, fms):
    QuestionFactory(
        category=category,
        code="what",
        prompt="What is in it?",
        kind=QuestionKind.MULTIPLE_CHOICE,
        choices=[{"value": "tyres", "label": "Tyres"}, {"value": "rubble", "label": "Rubble"}],
    )
    _, key = fms
    data = report(key, lat=None, long=None, address_string="pe21 8qr")
    data.update(
        {
            "attribute[what][]": ["tyres", "rubble"],
            "attribute[seen]": "2026-11-20T09:30:00Z",
            "attribute[fixmystreet_id]": "9876",
            "media_url": ["https://fms.example.org/photo/1.jpeg", "https://fms.example.org/photo/2.jpeg"],
            "photo1": photo_upload("photo1"),
            "photo2": photo_upload("photo2"),
        }
    )
    response = _post(client, "xml", data)  # the test client sends multipart
    assert response.status_code == 200, response.content
    request = ServiceRequest.objects.get()
    assert request.answers == {"size": "bag", "seen": "2026-11-20", "what": ["tyres", "rubble"]}
    assert request.location_text == "pe21 8qr" and request.postcode == "PE21 8QR" and request.latitude is None
    assert request.photos.count() == 2
    assert request.open311_submission.media_urls == [
        "https://fms.example.org/photo/1.jpeg",
        "https://fms.example.org/photo/2.jpeg",
    ]


def test_post_form_encoded_body(client, category, fms):
    from urllib.parse import urlencode

    _, key = fms
    body = urlencode(report(key, description="Line one\nLine two"))
    response = client.post(f"{BASE}/requests.json", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert ServiceRequest.objects.get().description == "Line one\nLine two"


def test_address_id_alone_is_a_location(client, category, fms):
    _, key = fms
    response = _post(client, "json", report(key, lat=None, long=None, address_id="10001234567"))
    assert response.status_code == 200
    assert ServiceRequest.objects.get().location_text == "Address ID 10001234567"


def test_anonymous_report_where_the_category_allows_it(client, category, fms):
    _, key = fms
    response = _post(client, "json", report(key, first_name=None, last_name=None, email=None))
    assert response.status_code == 200
    assert ServiceRequest.objects.get().reporter_email == ""


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_several_bad_arguments_give_several_errors_and_nothing_is_saved(client, category, fms, fmt):
    _, key = fms
    bad = report(
        key,
        lat="north",
        long="-0.02",
        email="not-an-email",
        description="x" * 4001,
        media_url="ftp://example.org/a.jpg",
    )
    response = _post(client, fmt, bad)
    assert response.status_code == 400
    errors = errors_of(response, fmt)
    assert all(code == 400 for code, _ in errors)
    arguments = {description.split(":")[0] for _, description in errors}
    assert {"lat", "media_url"} <= arguments
    # With the location fixed, the service's own checks report the rest together.
    response = _post(client, fmt, report(key, email="not-an-email", description="x" * 4001, **{"attribute[size]": ""}))
    arguments = {description.split(":")[0] for _, description in errors_of(response, fmt)}
    assert arguments == {"email", "description", "attribute[size]"}
    assert not ServiceRequest.objects.exists() and not ApiSubmission.objects.exists()
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "argument"),
    [
        ({"service_code": None}, "service_code"),
        ({"service_code": "potholes"}, "service_code"),
        ({"lat": None, "long": None}, "lat"),
        ({"long": None}, "lat"),
        ({"lat": "95"}, "lat"),
        ({"long": "nan"}, "long"),
        ({"attribute[size]": "piano"}, "attribute[size]"),
        ({"attribute[size]": "asbestos"}, "attribute"),
        ({"attribute[seen]": "yesterday"}, "attribute[seen]"),
        ({"phone": "01632 960000"}, "phone"),
        ({"email": None, "phone": None}, "email"),
        ({"first_name": "R" * 150, "last_name": "R" * 150}, "first_name"),
        ({"description": ""}, "description"),
        ({"description": "nul \x00 byte"}, "description"),
    ],
)
def test_each_bad_argument(client, category, fms, overrides, argument):
    _, key = fms
    response = _post(client, "xml", report(key, **overrides))
    assert response.status_code == 400, response.content
    assert argument in {d.split(":")[0] for _, d in errors_of(response, "xml")}
    assert not ServiceRequest.objects.exists()


def test_a_bad_photo_saves_nothing(client, category, fms):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, key = fms
    data = report(key, photo1=SimpleUploadedFile("photo1.jpg", b"not an image", content_type="image/jpeg"))
    response = _post(client, "xml", data)
    assert response.status_code == 400
    assert errors_of(response, "xml")[0][1].startswith("photo1:")
    assert not ServiceRequest.objects.exists() and not Photo.objects.exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_token_gives_the_id(client, category, fms, fmt):
    _, key = fms
    token = jsonbody(_post(client, "json", report(key)))[0]["token"]
    response = client.get(f"{BASE}/tokens/{token}.{fmt}", J)
    if fmt == "xml":
        request = xml(response).find("request")
        assert (request.findtext("service_request_id"), request.findtext("token")) == ("BDC-000001", token)
    else:
        assert jsonbody(response) == [{"service_request_id": "BDC-000001", "token": token}]
    assert client.get(f"{BASE}/tokens/not-a-token.{fmt}", J).status_code == 404
    assert client.get(f"{BASE}/tokens/{token}.{fmt}", {"jurisdiction_id": "E07000902"}).status_code == 404


@pytest.fixture
def requests_made(council, category):
    """Fly-tipping 1 and 2 (in progress), a pothole 3, and fly-tipping 4 made 120 days ago; all open."""
    now = timezone.now()
    potholes = CategoryFactory(council=council, name="Potholes", slug="potholes")
    made = [
        ServiceRequestFactory(council=council, category=category, number=1, latitude=52.97, longitude=-0.02),
        ServiceRequestFactory(council=council, category=category, number=2, postcode="PE21 8QR"),
        ServiceRequestFactory(council=council, category=potholes, number=3),
        ServiceRequestFactory(council=council, category=category, number=4),
    ]
    ServiceRequest.objects.filter(pk=made[3].pk).update(created_at=now - datetime.timedelta(days=120))
    services.request_status_change(
        actor=None, request=made[1], to_status=Status.IN_PROGRESS, public_message="Crew booked"
    )
    return made


def test_get_requests_xml_shape(client, requests_made):
    root = xml(client.get(f"{BASE}/requests.xml", J))
    assert root.tag == "service_requests"
    items = {r.findtext("service_request_id"): r for r in root.findall("request")}
    assert set(items) == {"BDC-000001", "BDC-000002", "BDC-000003"}  # the 120-day-old one is outside 90 days
    second = items["BDC-000002"]
    assert second.findtext("status") == "open" and second.findtext("extended_status") == "in_progress"
    assert second.findtext("status_notes") == "Crew booked"
    assert second.findtext("zipcode") == "PE21 8QR"
    assert second.findtext("agency_responsible") == "Street Scene"
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        value = second.findtext(field)
        assert datetime.datetime.fromisoformat(value).tzinfo is not None, field
    assert items["BDC-000001"].findtext("lat") == "52.97"
    text = client.get(f"{BASE}/requests.xml", J).content.decode()
    assert not any(value in text for value in ("Rosa", "rosa@example.org"))


def test_get_requests_json_shape_and_filters(client, requests_made):
    body = jsonbody(client.get(f"{BASE}/requests.json", J))
    assert isinstance(body, list) and len(body) == 3
    for item in body:
        assert isinstance(item["service_request_id"], str) and isinstance(item["service_code"], str)
        assert item["status"] in ("open", "closed")
        assert "reporter_email" not in item and "Rosa" not in str(item)
    fly = jsonbody(client.get(f"{BASE}/requests.json", {**J, "service_code": "fly-tipping", "status": "open"}))
    assert [i["service_request_id"] for i in fly] == ["BDC-000002", "BDC-000001"]
    both = jsonbody(client.get(f"{BASE}/requests.json", {**J, "service_code": "fly-tipping,potholes"}))
    assert len(both) == 3
    closed = jsonbody(client.get(f"{BASE}/requests.json", {**J, "status": "closed"}))
    assert closed == []
    # Ids override every other argument, including the 90-day default.
    by_id = jsonbody(
        client.get(f"{BASE}/requests.json", {**J, "service_request_id": "BDC-000004,BDC-000003", "status": "closed"})
    )
    assert sorted(i["service_request_id"] for i in by_id) == ["BDC-000003", "BDC-000004"]
    # Empty optional arguments count as absent.
    empty = jsonbody(client.get(f"{BASE}/requests.json", {**J, "service_code": "", "status": "", "start_date": ""}))
    assert len(empty) == 3


def test_get_requests_dates_and_paging(client, requests_made):
    now = timezone.now()
    old = jsonbody(
        client.get(
            f"{BASE}/requests.json",
            {
                **J,
                "start_date": (now - datetime.timedelta(days=130)).isoformat(),
                "end_date": (now - datetime.timedelta(days=100)).isoformat(),
            },
        )
    )
    assert [i["service_request_id"] for i in old] == ["BDC-000004"]
    page = jsonbody(client.get(f"{BASE}/requests.json", {**J, "page_size": "2", "page": "2"}))
    assert len(page) == 1


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00"},
        {"start_date": "last week"},
        {"status": "pending"},
        {"page_size": "1001"},
        {"page": "0"},
    ],
)
def test_get_requests_bad_arguments(client, requests_made, fmt, query):
    response = client.get(f"{BASE}/requests.{fmt}", {**J, **query})
    assert response.status_code == 400
    assert errors_of(response, fmt)[0][0] == 400


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_one_request(client, requests_made, fmt, outside_council):
    response = client.get(f"{BASE}/requests/BDC-000002.{fmt}", J)
    assert response.status_code == 200
    if fmt == "xml":
        (item,) = xml(response).findall("request")
        assert item.findtext("service_request_id") == "BDC-000002"
    else:
        (item,) = jsonbody(response)
        assert item["service_request_id"] == "BDC-000002" and item["status_notes"] == "Crew booked"
    assert client.get(f"{BASE}/requests/BDC-000099.{fmt}", J).status_code == 404
    other = {"jurisdiction_id": outside_council.gss_code}
    assert client.get(f"{BASE}/requests/BDC-000002.{fmt}", other).status_code == 404


def test_media_url_is_the_first_public_photo_or_the_sent_url(client, category, fms):
    _, key = fms
    _post(client, "json", report(key, media_url="https://fms.example.org/p/1.jpeg"))
    _post(client, "json", report(key, photo1=photo_upload()))
    body = {i["service_request_id"]: i for i in jsonbody(client.get(f"{BASE}/requests.json", J))}
    assert body["BDC-000001"]["media_url"] == "https://fms.example.org/p/1.jpeg"
    # The photo as the tracking page serves it (cleaned, public only), which clients can download.
    photo = ServiceRequest.objects.get(number=2).photos.get()
    url = body["BDC-000002"]["media_url"]
    assert url == f"http://127.0.0.1:8000/borchester/requests/BDC-000002/photos/{photo.pk}/"
    served = client.get(url.removeprefix("http://127.0.0.1:8000"))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert "/media/" not in url


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_closed_requests_and_status_mapping(client, requests_made, fmt):
    services.request_status_change(
        actor=None, request=requests_made[2], to_status=Status.FIXED, public_message="Filled"
    )
    response = client.get(f"{BASE}/requests.{fmt}", {**J, "status": "closed"})
    if fmt == "xml":
        items = [
            (r.findtext("service_request_id"), r.findtext("status"), r.findtext("extended_status"))
            for r in xml(response).findall("request")
        ]
    else:
        items = [(i["service_request_id"], i["status"], i["extended_status"]) for i in jsonbody(response)]
    assert items == [("BDC-000003", "closed", "fixed")]
    opened = jsonbody(client.get(f"{BASE}/requests.json", {**J, "status": "open,closed"}))
    assert len(opened) == 3


def test_xml_stays_well_formed_whatever_was_typed(client, category, fms):
    _, key = fms
    text = 'Bins <overflowing> & "smelly" \x01\x0b here\n'
    assert client.post(f"{BASE}/requests.json", report(key, description=text)).status_code == 200
    root = xml(client.get(f"{BASE}/requests.xml", J))
    assert root.findtext("request/description") == 'Bins <overflowing> & "smelly"  here'


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_get_requests_query_count_does_not_grow_with_rows(client, council, category, fmt):
    """Every field (category, service area, notes, photo, media url) comes from a fixed number of queries."""

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{BASE}/requests.{fmt}", {**J, "service_code": category.slug})
        assert response.status_code == 200
        return len(captured.captured_queries)

    ServiceRequestFactory(council=council, category=category, number=1)
    few = queries()
    for number in range(2, 12):
        ServiceRequestFactory(council=council, category=category, number=number)
    assert queries() == few


def test_updated_datetime_is_when_closed_else_the_last_status_change(client, requests_made):
    services.request_status_change(actor=None, request=requests_made[2], to_status=Status.FIXED)
    closed_at = datetime.datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    changed_at = datetime.datetime(2026, 6, 1, 8, 0, 0, tzinfo=datetime.UTC)
    ServiceRequest.objects.filter(pk=requests_made[2].pk).update(closed_at=closed_at, status_changed_at=changed_at)
    ServiceRequest.objects.filter(pk=requests_made[0].pk).update(status_changed_at=changed_at)
    body = {i["service_request_id"]: i for i in jsonbody(client.get(f"{BASE}/requests.json", J))}
    assert body["BDC-000003"]["updated_datetime"] == "2026-07-01T10:30:15+01:00"  # UK summer time, no fractions
    assert body["BDC-000001"]["updated_datetime"] == "2026-06-01T09:00:00+01:00"
    # A closed request without a recorded closing time falls back to its last status change.
    ServiceRequest.objects.filter(pk=requests_made[2].pk).update(closed_at=None)
    body = {i["service_request_id"]: i for i in jsonbody(client.get(f"{BASE}/requests.json", J))}
    assert body["BDC-000003"]["updated_datetime"] == "2026-06-01T09:00:00+01:00"
