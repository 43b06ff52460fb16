import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.core.models import AuditEntry
from joinedup.notifications.models import Message
from joinedup.service_requests import services
from joinedup.service_requests.models import EventKind, RequestEvent, ServiceRequest, Status
from joinedup.service_requests.open311.models import ApiUpdate
from joinedup.service_requests.open311.tests.conftest import BASE, errors_of, jsonbody, photo_upload, report, xml

pytestmark = pytest.mark.django_db
J = {"jurisdiction_id": "E07000901"}


def _now():
    return timezone.now().replace(microsecond=0).isoformat()


def _update(key, **overrides):
    data = {
        "api_key": key,
        "jurisdiction_id": "E07000901",
        "service_request_id": "BDC-000001",
        "update_id": "works-1",
        "status": "IN_PROGRESS",
        "updated_datetime": _now(),
        "description": "A crew is on the way.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def made(client, category, fms):
    """A request created over Open311 by FixMyStreet. Returns the ServiceRequest."""
    _, key = fms
    assert client.post(f"{BASE}/requests.json", report(key)).status_code == 200
    return ServiceRequest.objects.get()


def _status_messages(request):
    return Message.objects.filter(object_id=str(request.pk)).exclude(event="request.submitted")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_update_changes_status_through_the_staff_service(client, made, back_office, fmt):
    _, key = back_office
    response = client.post(f"{BASE}/servicerequestupdates.{fmt}", _update(key))
    assert response.status_code == 200, response.content
    event = RequestEvent.objects.get(kind=EventKind.STATUS)
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_request_updates"
        assert root.findtext("request_update/update_id") == str(event.pk)
    else:
        assert jsonbody(response) == [{"update_id": str(event.pk)}]
    made.refresh_from_db()
    assert made.status == Status.IN_PROGRESS
    assert event.public_message == "A crew is on the way." and event.actor is None
    audit = AuditEntry.objects.get(action="service_requests.request.status")
    assert audit.actor_label == "system: open311: Works system"
    assert list(_status_messages(made).values_list("event", "recipient")) == [
        ("request.status_changed", "rosa@example.org")
    ]


def test_repeated_update_id_is_idempotent(client, made, back_office):
    _, key = back_office
    first = client.post(f"{BASE}/servicerequestupdates.json", _update(key))
    second = client.post(f"{BASE}/servicerequestupdates.json", _update(key, description="Sent again"))
    assert first.status_code == second.status_code == 200
    assert jsonbody(first) == jsonbody(second)
    assert RequestEvent.objects.filter(kind=EventKind.STATUS).count() == 1
    assert ApiUpdate.objects.count() == 1
    assert _status_messages(made).count() == 1
    # The same id from another client is that client's own update.
    other = client.post(f"{BASE}/servicerequestupdates.json", _update(key, update_id="works-2", status="FIXED"))
    assert other.status_code == 200 and jsonbody(other) != jsonbody(first)


def test_update_id_reused_for_another_request_is_refused(client, made, back_office, category, fms):
    _, key = back_office
    client.post(f"{BASE}/requests.json", report(fms[1]))
    client.post(f"{BASE}/servicerequestupdates.json", _update(key))
    response = client.post(f"{BASE}/servicerequestupdates.json", _update(key, service_request_id="BDC-000002"))
    assert response.status_code == 400
    assert "update_id" in errors_of(response, "json")[0][1]


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("INVESTIGATING", Status.INVESTIGATING),
        ("ACTION_SCHEDULED", Status.ACTION_SCHEDULED),
        ("PLANNED", Status.ACTION_SCHEDULED),
        ("IN_PROGRESS", Status.IN_PROGRESS),
        ("FIXED", Status.FIXED),
        ("CLOSED", Status.CLOSED),
        ("NO_FURTHER_ACTION", Status.CLOSED),
        ("NOT_COUNCILS_RESPONSIBILITY", Status.NOT_OURS),
        ("CANCELLED", Status.CANCELLED),
        ("FOR_TRIAGE", Status.ACKNOWLEDGED),
        ("UNCHANGED", Status.SUBMITTED),
        ("INTERNAL_REFERRAL", Status.SUBMITTED),
        ("OPEN", Status.SUBMITTED),
        ("in_progress", Status.IN_PROGRESS),
    ],
)
def test_extended_statuses(client, made, back_office, sent, expected):
    _, key = back_office
    response = client.post(f"{BASE}/servicerequestupdates.xml", _update(key, status=sent))
    assert response.status_code == 200, response.content
    made.refresh_from_db()
    assert made.status == expected
    assert _status_messages(made).count() == 1  # a status change or a public update: one message either way


def test_duplicate_needs_the_original(client, made, back_office, fms):
    _, key = back_office
    response = client.post(f"{BASE}/servicerequestupdates.xml", _update(key, status="DUPLICATE"))
    assert response.status_code == 400
    assert errors_of(response, "xml")[0][1].startswith("duplicate_of:")
    client.post(f"{BASE}/requests.json", report(fms[1]))
    response = client.post(
        f"{BASE}/servicerequestupdates.xml", _update(key, status="DUPLICATE", duplicate_of="BDC-000002")
    )
    assert response.status_code == 200
    made.refresh_from_db()
    assert made.status == Status.DUPLICATE and made.duplicate_of.number == 2


def test_reopen_a_closed_request(client, made, back_office):
    _, key = back_office
    client.post(f"{BASE}/servicerequestupdates.xml", _update(key, status="FIXED", update_id="a"))
    response = client.post(
        f"{BASE}/servicerequestupdates.xml", _update(key, status="REOPEN", update_id="b", description="Not fixed")
    )
    assert response.status_code == 200
    made.refresh_from_db()
    assert made.status == Status.INVESTIGATING and made.closed_at is None
    # A refused transition is reported, not a 500: a fixed request cannot become in progress directly.
    client.post(f"{BASE}/servicerequestupdates.xml", _update(key, status="FIXED", update_id="c"))
    refused = client.post(f"{BASE}/servicerequestupdates.xml", _update(key, status="IN_PROGRESS", update_id="d"))
    assert refused.status_code == 400
    assert errors_of(refused, "xml")[0][1].startswith("status: A request that is 'Fixed'")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_update_errors(client, made, back_office, fms, council, fmt):
    _, key = back_office
    url = f"{BASE}/servicerequestupdates.{fmt}"
    missing = client.post(url, {"api_key": key, "jurisdiction_id": "E07000901"})
    assert missing.status_code == 400
    assert {d.split(":")[0] for _, d in errors_of(missing, fmt)} == {
        "service_request_id", "update_id", "status", "updated_datetime"
    }  # fmt: skip
    cases = [
        (_update(key, status="SOMETHING"), 400),
        (_update(key, updated_datetime="2026-11-23T10:00:00"), 400),
        (_update(key, service_request_id="BDC-000999"), 400),
        (_update(key, status="CLOSED", description=""), 400),
        (_update(key, status="UNCHANGED", description=""), 400),
        (_update("wrong"), 403),
        (_update(fms[1].replace("jo311_", "jo311_x")), 403),
    ]
    for data, status in cases:
        response = client.post(url, data)
        assert response.status_code == status, (data, response.content)
        assert errors_of(response, fmt)[0][0] == status
    from joinedup.service_requests.open311 import clients

    reader, reader_key = clients.api_client_create(actor=None, name="Reader", council=council)
    assert client.post(url, _update(reader_key)).status_code == 403
    assert not RequestEvent.objects.filter(kind__in=[EventKind.STATUS, EventKind.PUBLIC_UPDATE]).exists()
    assert not ApiUpdate.objects.exists()


def test_post_update_with_a_photo(client, made, back_office):
    _, key = back_office
    response = client.post(f"{BASE}/servicerequestupdates.xml", {**_update(key), "photo1": photo_upload()})
    assert response.status_code == 200
    event = RequestEvent.objects.get(kind=EventKind.STATUS)
    assert event.photos.count() == 1
    (item,) = jsonbody(client.get(f"{BASE}/servicerequestupdates.json", J))
    # The tracking page's own photo link (FixMyStreet downloads it), never a storage path.
    photo = event.photos.get()
    assert item["media_url"] == f"http://127.0.0.1:8000/borchester/requests/{made.reference}/photos/{photo.pk}/"
    served = client.get(item["media_url"].removeprefix("http://127.0.0.1:8000"))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    (request_item,) = jsonbody(client.get(f"{BASE}/requests/{made.reference}.json", J))
    assert request_item["media_url"] == item["media_url"]


@pytest.fixture
def history(made, staff_user):
    """A status change, a public update and an internal note, made by staff in the web back office."""
    services.request_status_change(
        actor=staff_user, request=made, to_status=Status.INVESTIGATING, public_message="Looking"
    )
    services.request_public_update(actor=staff_user, request=made, message="Booked for Tuesday")
    services.request_internal_note(actor=staff_user, request=made, note="Secret internal note")
    return made


def test_get_updates_xml(client, history):
    root = xml(client.get(f"{BASE}/servicerequestupdates.xml", {**J, "api_key": ""}))
    assert root.tag == "service_request_updates"
    items = root.findall("request_update")
    assert [(i.findtext("status"), i.findtext("description")) for i in items] == [
        ("investigating", "Looking"),
        ("unchanged", "Booked for Tuesday"),
    ]
    for item in items:
        assert item.findtext("update_id") and item.findtext("service_request_id") == "BDC-000001"
        assert datetime.datetime.fromisoformat(item.findtext("updated_datetime")).tzinfo is not None
    assert b"Secret" not in client.get(f"{BASE}/servicerequestupdates.xml", J).content


def test_get_updates_json_ids_are_stable_strings(client, history):
    first = jsonbody(client.get(f"{BASE}/servicerequestupdates.json", J))
    second = jsonbody(client.get(f"{BASE}/servicerequestupdates.json", J))
    assert first == second and len(first) == 2
    assert all(isinstance(i["update_id"], str) and i["update_id"] for i in first)
    assert len({i["update_id"] for i in first}) == 2


def test_get_updates_honours_the_window(client, history):
    events = RequestEvent.objects.filter(kind__in=[EventKind.STATUS, EventKind.PUBLIC_UPDATE]).order_by("id")
    old, recent = events
    three_hours_ago = timezone.now() - datetime.timedelta(hours=3)
    RequestEvent.objects.filter(pk=old.pk).update(created_at=three_hours_ago)
    now = timezone.now()
    window = {"start_date": (now - datetime.timedelta(hours=2)).isoformat(), "end_date": now.isoformat()}
    body = jsonbody(client.get(f"{BASE}/servicerequestupdates.json", {**J, **window}))
    assert [i["update_id"] for i in body] == [str(recent.pk)]
    # In another time zone, the same instant.
    start = (three_hours_ago - datetime.timedelta(minutes=1)).astimezone(datetime.timezone(datetime.timedelta(hours=5)))
    end = (three_hours_ago + datetime.timedelta(minutes=1)).astimezone(datetime.timezone(datetime.timedelta(hours=5)))
    body = jsonbody(
        client.get(
            f"{BASE}/servicerequestupdates.json", {**J, "start_date": start.isoformat(), "end_date": end.isoformat()}
        )
    )
    assert [i["update_id"] for i in body] == [str(old.pk)]
    bad = client.get(f"{BASE}/servicerequestupdates.json", {**J, "start_date": "soon"})
    assert bad.status_code == 400


def test_status_round_trip(client, made, back_office):
    """Created by POST, updated by a back office, seen in GET updates and on the tracking page; notified once."""
    _, key = back_office
    response = client.post(
        f"{BASE}/servicerequestupdates.xml",
        _update(key, status="ACTION_SCHEDULED", description="Clearance booked for Friday"),
    )
    update_id = xml(response).findtext("request_update/update_id")
    updates = jsonbody(client.get(f"{BASE}/servicerequestupdates.json", J))
    assert {
        "update_id": update_id,
        "service_request_id": made.reference,
        "status": "action_scheduled",
        "description": "Clearance booked for Friday",
    }.items() <= next(u for u in updates if u["update_id"] == update_id).items()
    page = client.get(
        reverse("service_requests:track", kwargs={"council_slug": made.council.slug, "reference": made.reference})
    )
    assert page.status_code == 200
    assert "Clearance booked for Friday" in page.content.decode()
    messages = _status_messages(made)
    assert messages.count() == 1
    assert messages.get().recipient == "rosa@example.org" and messages.get().event == "request.status_changed"
    # The standard's own view of the request agrees.
    (item,) = jsonbody(client.get(f"{BASE}/requests/{made.reference}.json", J))
    assert (item["status"], item["extended_status"], item["status_notes"]) == (
        "open",
        "action_scheduled",
        "Clearance booked for Friday",
    )


def _at(moment):
    return moment.replace(microsecond=0).isoformat()


def test_an_older_update_is_kept_but_does_not_override_a_newer_status(client, made, back_office):
    """FixMyStreet's rule: updates that arrive out of order do not undo a later status change."""
    _, key = back_office
    now = timezone.now()
    newer = _update(key, status="FIXED", update_id="w-2", updated_datetime=_at(now), description="Cleared")
    assert client.post(f"{BASE}/servicerequestupdates.xml", newer).status_code == 200
    made.refresh_from_db()
    assert made.status == Status.FIXED
    older = _update(
        key,
        status="IN_PROGRESS",
        update_id="w-1",
        updated_datetime=_at(now - datetime.timedelta(hours=1)),
        description="Crew sent",
    )
    response = client.post(f"{BASE}/servicerequestupdates.xml", older)
    assert response.status_code == 200, response.content
    made.refresh_from_db()
    assert made.status == Status.FIXED and made.closed_at is not None
    recorded = ApiUpdate.objects.get(external_id="w-1")
    assert recorded.status == "IN_PROGRESS" and recorded.event.kind == EventKind.PUBLIC_UPDATE
    assert xml(response).findtext("request_update/update_id") == str(recorded.event_id)
    note = RequestEvent.objects.get(kind=EventKind.INTERNAL_NOTE)
    assert "IN_PROGRESS" in note.internal_note and "not changed" in note.internal_note
    # Published as a message without a status, so readers do not see the older status either.
    item = next(
        u
        for u in jsonbody(client.get(f"{BASE}/servicerequestupdates.json", J))
        if u["update_id"] == str(recorded.event_id)
    )
    assert (item["status"], item["description"]) == ("unchanged", "Crew sent")
    # Retrying the old update changes nothing more.
    assert client.post(f"{BASE}/servicerequestupdates.xml", older).status_code == 200
    assert ApiUpdate.objects.filter(external_id="w-1").count() == 1
    assert RequestEvent.objects.filter(kind=EventKind.INTERNAL_NOTE).count() == 1


def test_an_older_update_without_a_message_is_noted_for_staff(client, made, back_office):
    _, key = back_office
    ServiceRequest.objects.filter(pk=made.pk).update(status_changed_at=timezone.now())
    stale = _update(
        key, status="FIXED", description="", updated_datetime=_at(timezone.now() - datetime.timedelta(days=1))
    )
    response = client.post(f"{BASE}/servicerequestupdates.json", stale)
    assert response.status_code == 200, response.content
    made.refresh_from_db()
    assert made.status == Status.SUBMITTED
    note = RequestEvent.objects.get(kind=EventKind.INTERNAL_NOTE)
    assert jsonbody(response) == [{"update_id": str(note.pk)}]
    assert not RequestEvent.objects.filter(kind__in=[EventKind.STATUS, EventKind.PUBLIC_UPDATE]).exists()
    assert not _status_messages(made).exists()


def test_an_older_reopen_does_not_reopen(client, made, back_office):
    _, key = back_office
    now = timezone.now()
    client.post(
        f"{BASE}/servicerequestupdates.xml", _update(key, status="FIXED", update_id="a", updated_datetime=_at(now))
    )
    reopen = _update(
        key,
        status="REOPEN",
        update_id="b",
        description="Still there",
        updated_datetime=_at(now - datetime.timedelta(minutes=5)),
    )
    assert client.post(f"{BASE}/servicerequestupdates.xml", reopen).status_code == 200
    made.refresh_from_db()
    assert made.status == Status.FIXED


def test_an_update_in_the_same_second_as_the_change_still_applies(client, made, back_office):
    """Clients send whole seconds; the change at 10:00:00.6 is not newer than an update at 10:00:00."""
    _, key = back_office
    changed = timezone.now().replace(microsecond=600_000)
    ServiceRequest.objects.filter(pk=made.pk).update(status_changed_at=changed)
    assert (
        client.post(f"{BASE}/servicerequestupdates.xml", _update(key, updated_datetime=_at(changed))).status_code == 200
    )
    made.refresh_from_db()
    assert made.status == Status.IN_PROGRESS


def test_a_clients_own_update_comes_back_with_the_id_it_was_given(client, made, fms):
    """FixMyStreet keeps the update_id of each update it posts and skips that id when it reads updates,
    so its own updates are not echoed back to it as new (reference 1.8). The ids must match, whichever
    api_key the read sends."""
    _, key = fms
    response = client.post(f"{BASE}/servicerequestupdates.xml", _update(key, update_id="fms-77"))
    given = xml(response).findtext("request_update/update_id")
    for api_key in ("", key):
        root = xml(client.get(f"{BASE}/servicerequestupdates.xml", {**J, "api_key": api_key}))
        assert given in [item.findtext("update_id") for item in root.findall("request_update")]


@pytest.mark.parametrize("spelling", ["bdc-000001", "BDC-1", " BDC000001 "])
def test_a_retry_that_spells_the_request_id_differently_is_the_same_update(client, made, back_office, spelling):
    _, key = back_office
    first = client.post(f"{BASE}/servicerequestupdates.json", _update(key))
    retry = client.post(f"{BASE}/servicerequestupdates.json", _update(key, service_request_id=spelling))
    assert retry.status_code == 200, retry.content
    assert jsonbody(retry) == jsonbody(first)
    assert ApiUpdate.objects.count() == 1


@pytest.mark.parametrize("age", [None, datetime.timedelta(days=1)], ids=["current", "stale"])
@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"status": "DUPLICATE", "duplicate_of": "BDC-999999"}, "duplicate_of: there is no request 'BDC-999999' here"),
        ({"status": "DUPLICATE"}, "duplicate_of: required when the status is DUPLICATE"),
        ({"status": "DUPLICATE", "duplicate_of": "BDC-000001"}, "duplicate_of: must be another request"),
        (
            {"status": "CLOSED", "description": ""},
            "description: required when the status is CLOSED: say why, for the resident",
        ),
    ],
)
def test_update_arguments_are_checked_even_when_the_update_is_stale(client, made, back_office, age, extra, expected):
    """An update older than the last status change used to skip these checks and answer 200."""
    _, key = back_office
    ServiceRequest.objects.filter(pk=made.pk).update(status_changed_at=timezone.now())
    sent = timezone.now() - age if age else timezone.now() + datetime.timedelta(seconds=1)
    response = client.post(f"{BASE}/servicerequestupdates.json", _update(key, updated_datetime=_at(sent), **extra))
    assert response.status_code == 400, response.content
    assert errors_of(response, "json") == [(400, expected)]
    assert not ApiUpdate.objects.exists()
    assert not RequestEvent.objects.exclude(kind=EventKind.CREATED).exists()
