"""The staff back office: the queue, a request's page and its actions, the contact centre, and tenancy."""

import csv
import datetime
import io
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.councils.tests.factories import ServiceAreaFactory, WardFactory, square
from joinedup.notifications.models import Message
from joinedup.service_requests import photos, services
from joinedup.service_requests.models import (
    CLOSED_STATUSES,
    Channel,
    ContactPreference,
    EventKind,
    Priority,
    ResponseTemplate,
    ServiceRequest,
    Status,
)
from joinedup.service_requests.services import ALLOWED_TRANSITIONS
from joinedup.service_requests.tests.factories import CategoryFactory, QuestionFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db


def report(council, category, **overrides):
    """Make a request through the real service, as a resident online."""
    values = {
        "council": council,
        "category": category,
        "description": "A sofa and a mattress on the verge",
        "location_text": "Verge outside 12 High Street",
        "answers": {"size": "van"} if category.questions.filter(code="size").exists() else {},
        "reporter_name": "Rosa Resident",
        "reporter_email": "rosa@example.org",
        "contact_preference": ContactPreference.EMAIL,
    }
    values.update(overrides)
    return services.request_create(**values)


def url(name, council, *args, **query):
    path = reverse(f"service_requests:{name}", args=[council.slug, *args])
    if query:
        from urllib.parse import urlencode

        path += "?" + urlencode(query, doseq=True)
    return path


def references(response):
    return [row.reference for row in response.context["rows"]]


def page_text(response):
    return response.content.decode()


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def litter(council):
    return CategoryFactory(
        council=council,
        name="Litter",
        slug="litter",
        group="Rubbish and street cleaning",
        service_area=ServiceAreaFactory(council=council, name="Cleansing"),
    )


@pytest.fixture
def known(council, category, litter, staff_user):
    """Six requests with known differences, for the filters and sorting.

    a: fly-tipping, in the ward, online, normal          (open, submitted)
    b: litter, phoned in, high, assigned to the officer  (open, acknowledged)
    c: fly-tipping, email, fixed                         (closed)
    d: fly-tipping, overdue                              (open, investigating)
    e: litter, urgent, face to face                      (open, submitted)
    f: fly-tipping, cancelled                            (closed)
    """
    ward = WardFactory(council=council, name="Fenside", boundary=square(0.0, 52.0), min_lon=0.0, min_lat=52.0)
    a = report(council, category, latitude=52.005, longitude=0.005, location_text="By the bus stop")
    b = report(council, litter, channel=Channel.PHONE, logged_by=staff_user, priority=Priority.HIGH)
    services.request_status_change(actor=staff_user, request=b, to_status=Status.ACKNOWLEDGED)
    services.request_assign(actor=staff_user, request=b, officer=staff_user)
    c = report(council, category, channel=Channel.EMAIL, logged_by=staff_user)
    services.request_status_change(actor=staff_user, request=c, to_status=Status.FIXED, public_message="Cleared.")
    d = report(council, category)
    services.request_status_change(actor=staff_user, request=d, to_status=Status.INVESTIGATING)
    ServiceRequest.objects.filter(pk=d.pk).update(expected_by=timezone.localdate() - datetime.timedelta(days=3))
    e = report(council, litter, channel=Channel.FACE_TO_FACE, logged_by=staff_user, priority=Priority.URGENT)
    f = report(council, category)
    services.request_status_change(
        actor=staff_user, request=f, to_status=Status.CANCELLED, public_message="Reported twice by mistake."
    )
    requests = {key: ServiceRequest.objects.get(pk=r.pk) for key, r in zip("abcdef", (a, b, c, d, e, f), strict=True)}
    requests["ward"] = ward
    return requests


# The queue


def test_the_queue_shows_open_requests_first_due_first(staff_client, council, known):
    response = staff_client.get(url("staff-queue", council))
    assert response.status_code == 200
    # Open only, by default; sorted by expected-by date (the overdue one first).
    assert set(references(response)) == {known[k].reference for k in "abde"}
    assert references(response)[0] == known["d"].reference
    text = page_text(response)
    assert "Overdue" in text
    assert known["a"].reference in text and "By the bus stop" in text
    assert "Log a request for a resident" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": ""}, "abcdef"),
        ({"status": "open"}, "abde"),
        ({"status": "closed"}, "cf"),
        ({"status": "fixed"}, "c"),
        ({"status": "acknowledged"}, "b"),
        ({"status": "", "category": "litter"}, "be"),
        ({"status": "", "service_area": "Cleansing"}, "be"),
        ({"status": "", "ward": "Fenside"}, "a"),
        ({"status": "", "priority": "high"}, "b"),
        ({"status": "", "priority": "urgent"}, "e"),
        ({"status": "", "overdue": "on"}, "d"),
        ({"status": "", "channel": "phone"}, "b"),
        ({"status": "", "channel": "email"}, "c"),
        ({"status": "", "channel": "face_to_face"}, "e"),
        ({"status": "", "channel": "web"}, "adf"),
        ({"status": "", "assigned": "me"}, "b"),
        ({"status": "", "assigned": "officer"}, "b"),
        ({"status": "", "assigned": "nobody"}, "acdef"),
        ({"status": "open", "channel": "web", "category": "fly-tipping"}, "ad"),
    ],
    ids=lambda value: "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else value,
)
def test_each_filter_narrows_the_queue(staff_client, council, known, staff_user, litter, query, expected):
    params = dict(query)
    lookups = {
        "category": lambda v: {"litter": litter.pk, "fly-tipping": known["a"].category_id}[v],
        "service_area": lambda v: litter.service_area_id,
        "ward": lambda v: known["ward"].pk,
        "assigned": lambda v: staff_user.pk if v == "officer" else v,
    }
    for name, lookup in lookups.items():
        if name in params:
            params[name] = lookup(params[name])
    response = staff_client.get(url("staff-queue", council, **params))
    assert response.status_code == 200
    assert sorted(references(response)) == sorted(known[k].reference for k in expected)


def test_a_filter_value_that_is_not_offered_is_ignored(staff_client, council, known):
    response = staff_client.get(url("staff-queue", council, status="", category="999999", priority="<script>"))
    assert response.status_code == 200
    assert len(references(response)) == 6


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("reference", "abcdef"),
        ("newest", "fedcba"),
        ("oldest", "abcdef"),
        ("priority", "eb"),  # urgent, then high, then the rest
    ],
)
def test_sorting(staff_client, council, known, sort, order):
    # Give the requests distinct report times, a minute apart, in the order they were made.
    start = timezone.now() - datetime.timedelta(hours=1)
    for index, key in enumerate("abcdef"):
        ServiceRequest.objects.filter(pk=known[key].pk).update(created_at=start + datetime.timedelta(minutes=index))
    response = staff_client.get(url("staff-queue", council, status="", sort=sort))
    got = references(response)
    assert got[: len(order)] == [known[k].reference for k in order]


def test_sorting_by_expected_date(staff_client, council, known):
    response = staff_client.get(url("staff-queue", council, status="", sort="expected_by"))
    dates = [row.expected_by for row in response.context["rows"]]
    assert dates == sorted(dates)


def test_the_queue_has_50_to_a_page_with_gov_uk_pagination(staff_client, council, category):
    ServiceRequestFactory.create_batch(120, council=council, category=category)
    first = staff_client.get(url("staff-queue", council, category=category.pk))
    assert len(references(first)) == 50
    assert first.context["page"].paginator.num_pages == 3
    text = page_text(first)
    assert 'class="govuk-pagination"' in text
    assert 'aria-current="page"' in text
    # The links keep the filters.
    assert f"category={category.pk}" in first.context["pagination"]["next"]
    assert "page=2" in first.context["pagination"]["next"]
    last = staff_client.get(url("staff-queue", council, category=category.pk, page=3))
    assert len(references(last)) == 20
    assert last.context["pagination"]["next"] is None
    seen = set()
    for number in (1, 2, 3):
        seen |= set(references(staff_client.get(url("staff-queue", council, category=category.pk, page=number))))
    assert len(seen) == 120
    # A page number that is not a page shows the nearest one.
    assert staff_client.get(url("staff-queue", council, page="99")).context["page"].number == 3


# CSV export


def csv_text(response):
    """The download as a spreadsheet program reads it: UTF-8 after the byte order mark."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs to read UTF-8
    return body.decode("utf-8-sig")


def read_csv(response):
    return list(csv.DictReader(io.StringIO(csv_text(response))))


def test_csv_export_of_the_filtered_queue(staff_client, council, known, staff_user):
    rows = read_csv(staff_client.get(url("staff-export", council, status="", channel="phone")))
    assert len(rows) == 1
    row = rows[0]
    b = known["b"]
    assert row["Reference"] == b.reference
    assert row["Category"] == "Litter"
    assert row["Status"] == "Acknowledged"
    assert row["Priority"] == "High"
    assert row["Channel"] == "Phone"
    assert row["Assigned to"] == str(staff_user)
    assert row["Expected by"] == b.expected_by.isoformat()
    assert row["Overdue"] == "No"
    assert row["Reported"].startswith(timezone.localdate().isoformat())

    everything = read_csv(staff_client.get(url("staff-export", council, status="")))
    assert len(everything) == 6
    by_reference = {r["Reference"]: r for r in everything}
    assert by_reference[known["a"].reference]["Ward"] == "Fenside"
    assert by_reference[known["d"].reference]["Overdue"] == "Yes"
    assert by_reference[known["c"].reference]["Closed"] != ""


def test_csv_export_leaves_out_personal_data_and_defuses_formulas(staff_client, council, category):
    report(
        council,
        category,
        location_text='=HYPERLINK("http://evil.example")',
        reporter_phone="07700900982",
        contact_preference=ContactPreference.BOTH,
    )
    text = csv_text(staff_client.get(url("staff-export", council)))
    assert "rosa@example.org" not in text
    assert "Rosa Resident" not in text
    assert "07700900982" not in text
    assert "A sofa and a mattress" not in text  # the description can hold personal details
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["Location"].startswith("'=HYPERLINK")


def test_csv_export_keeps_accents_and_pound_signs_as_excel_reads_them(staff_client, council, category, staff_user):
    staff_user.full_name = "Zoë Brontë-Ólafsdóttir"
    staff_user.save(update_fields=["full_name"])
    request = report(council, category, location_text="Behind the £1 shop, Rue de l'Église")
    services.request_assign(actor=staff_user, request=request, officer=staff_user)
    response = staff_client.get(url("staff-export", council, status=""))
    body = b"".join(response.streaming_content)
    # Excel on Windows reads a CSV as UTF-8 only when it starts with the byte order mark.
    assert body.startswith("\ufeff".encode())
    assert "£".encode() in body and "Zoë".encode() in body
    text = body.decode("utf-8-sig")  # strict: any byte that is not UTF-8 fails here
    assert not text.startswith("\ufeff")
    [row] = csv.DictReader(io.StringIO(text))
    assert list(row)[0] == "Reference"  # the mark is not read as part of the first column's name
    assert row["Reference"] == request.reference
    assert row["Location"] == "Behind the £1 shop, Rue de l'Église"
    assert row["Assigned to"] == "Zoë Brontë-Ólafsdóttir"


# Bulk status change


def bulk(client, council, refs, **values):
    data = {"bulk-references": refs, "bulk-status": values.pop("status", Status.ACKNOWLEDGED)}
    data.update({f"bulk-{k}": v for k, v in values.items()})
    return client.post(url("staff-bulk-status", council), data)


def test_bulk_status_change_changes_every_selected_request(staff_client, council, category, staff_user):
    first, second, untouched = (report(council, category) for _ in range(3))
    response = bulk(
        staff_client,
        council,
        [first.reference, second.reference],
        status=Status.INVESTIGATING,
        public_message="We are looking at {reference}.",
    )
    assert response.status_code == 302
    for r in (first, second):
        r.refresh_from_db()
        assert r.status == Status.INVESTIGATING
        event = r.events.get(kind=EventKind.STATUS)
        assert event.public_message == f"We are looking at {r.reference}."
        assert event.actor == staff_user
    untouched.refresh_from_db()
    assert untouched.status == Status.SUBMITTED
    assert Message.objects.filter(event="request.status_changed").count() == 2
    follow = staff_client.get(response["Location"])
    assert "2 requests changed to &#x27;Investigating&#x27;" in page_text(follow)


def test_bulk_status_change_is_all_or_nothing(staff_client, council, category, staff_user):
    good = report(council, category)
    fixed = report(council, category)
    services.request_status_change(actor=staff_user, request=fixed, to_status=Status.FIXED)
    messages_before = Message.objects.count()
    response = bulk(
        staff_client, council, [good.reference, fixed.reference, "BDC-999999"], status=Status.ACTION_SCHEDULED
    )
    assert response.status_code == 200
    good.refresh_from_db()
    fixed.refresh_from_db()
    assert good.status == Status.SUBMITTED  # it could change, but the batch failed
    assert fixed.status == Status.FIXED
    assert not good.events.filter(kind=EventKind.STATUS).exists()
    assert Message.objects.count() == messages_before
    text = page_text(response)
    assert "No requests have been changed" in text
    assert f"{fixed.reference}: A request that is &#x27;Fixed&#x27; cannot become &#x27;Action scheduled&#x27;" in text
    assert "BDC-999999: There is no request with this reference at this council" in text
    assert good.reference not in [e.split(":")[0] for e in response.context["bulk_form"].non_field_errors()]
    # The selections are kept (the queue shows open requests unless filtered), to untick the one that failed.
    assert {r.reference for r in response.context["rows"] if r.selected} == {good.reference}


def test_bulk_status_change_names_what_is_missing(staff_client, council, category):
    r = report(council, category)
    response = staff_client.post(url("staff-bulk-status", council), {"bulk-status": Status.CLOSED})
    assert "Select the requests to change" in page_text(response)
    response = bulk(staff_client, council, [r.reference], status=Status.CLOSED)
    assert f"{r.reference}: Say why, in the message to the resident" in page_text(response)
    response = bulk(staff_client, council, [r.reference], status=Status.DUPLICATE, duplicate_of="BDC-424242")
    assert "There is no request BDC-424242 at this council" in page_text(response)
    r.refresh_from_db()
    assert r.status == Status.SUBMITTED


# A request's page


def test_detail_shows_everything_about_the_request(staff_client, council, category, staff_user):
    r = report(
        council,
        category,
        answers={"size": "van", "seen": "2026-11-20"},
        reporter_phone="07700 900982",
        contact_preference=ContactPreference.BOTH,
    )
    services.request_internal_note(actor=staff_user, request=r, note="Needs two people to lift.")
    services.request_status_change(
        actor=staff_user, request=r, to_status=Status.ACKNOWLEDGED, public_message="Thanks, we have it."
    )
    response = staff_client.get(url("staff-detail", council, r.reference))
    assert response.status_code == 200
    text = page_text(response)
    # The resident's details are on the staff page.
    for expected in ("Rosa Resident", "rosa@example.org", "07700900982", "By email and text message"):
        assert expected in text
    # Answers, with the question and the label of the chosen answer.
    assert "About how much is there?" in text and "A van load" in text
    assert "When did you see it?" in text and "2026-11-20" in text
    # The full history, internal notes too, with who did it.
    assert "Needs two people to lift." in text
    assert "Thanks, we have it." in text
    assert "Internal note" in text and "Staff only" in text
    assert str(staff_user) in text
    # The messages sent about it, with their delivery status.
    sent = list(response.context["notifications"])
    assert {m.event for m in sent} == {"request.submitted", "request.status_changed"}
    assert "Waiting to be sent" in text
    assert "There are no photos." in text


def jpeg_upload(name="sofa.jpg"):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 80, 40)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_staff_see_every_photo_of_a_request_hidden_ones_too(staff_client, council, category, media):
    r = report(council, category)
    shown = photos.photo_add(request=r, upload=jpeg_upload())
    hidden = photos.photo_add(request=r, upload=jpeg_upload(), is_public=False)
    page = staff_client.get(url("staff-detail", council, r.reference))
    text = page_text(page)
    for photo in (shown, hidden):
        assert f'src="{url("staff-photo-thumb", council, r.reference, photo.pk)}"' in text
        assert f'href="{url("staff-photo", council, r.reference, photo.pk)}"' in text
    assert "hidden from the public" in text
    response = staff_client.get(url("staff-photo", council, r.reference, hidden.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert staff_client.get(url("staff-photo-thumb", council, r.reference, shown.pk)).status_code == 200
    other = report(council, category)
    assert staff_client.get(url("staff-photo", council, other.reference, shown.pk)).status_code == 404


def status_post(client, council, r, action="send", **values):
    data = {"action": action, **{f"status-{k}": v for k, v in values.items()}}
    return client.post(url("staff-status", council, r.reference), data)


def test_change_status_previews_the_exact_message_then_sends_it(staff_client, council, category):
    r = report(council, category)
    message = "Your report {reference} about {category} at {council_name}: we aim to finish by {expected_by}."
    preview = status_post(
        staff_client, council, r, action="preview", status=Status.ACTION_SCHEDULED, public_message=message
    )
    assert preview.status_code == 200
    expected = (
        f"Your report {r.reference} about Fly-tipping at {council.name}: we aim to finish by {r.expected_by:%-d %B %Y}."
    )
    assert preview.context["preview"]["public_message"] == expected
    assert "Check the message before you send it" in page_text(preview)
    r.refresh_from_db()
    assert r.status == Status.SUBMITTED  # a preview changes nothing
    assert not Message.objects.filter(event="request.status_changed").exists()

    sent = status_post(staff_client, council, r, status=Status.ACTION_SCHEDULED, public_message=message)
    assert sent.status_code == 302
    r.refresh_from_db()
    assert r.status == Status.ACTION_SCHEDULED
    assert r.events.get(kind=EventKind.STATUS).public_message == expected
    assert expected in Message.objects.get(event="request.status_changed").body


def test_a_response_template_fills_the_message(staff_client, council, category, litter, staff_user):
    mine = ResponseTemplate.objects.create(
        council=council,
        category=category,
        status=Status.ACTION_SCHEDULED,
        title="Clearance booked",
        text="Clearance of {reference} is booked.",
    )
    ResponseTemplate.objects.create(
        council=council, category=None, status=Status.FIXED, title="Fixed", text="Fixed, thank you."
    )
    ResponseTemplate.objects.create(
        council=council, category=litter, status=Status.FIXED, title="Litter picked", text="Picked up."
    )
    r = report(council, category)
    page = staff_client.get(url("staff-detail", council, r.reference))
    offered = dict(page.context["status_form"].fields["template"].choices)
    assert "Clearance booked (Action scheduled)" in offered.values()
    assert "Fixed (Fixed)" in offered.values()
    assert "Litter picked (Fixed)" not in offered.values()  # another category's

    filled = status_post(staff_client, council, r, action="template", template=mine.pk)
    form = filled.context["status_form"]
    assert form.initial["public_message"] == f"Clearance of {r.reference} is booked."
    assert form.initial["status"] == Status.ACTION_SCHEDULED
    assert f"Clearance of {r.reference} is booked." in page_text(filled)

    nothing = status_post(staff_client, council, r, action="template", template="")
    assert "Choose a response template" in page_text(nothing)

    # Once the request is fixed, only templates for the statuses it can move to are offered.
    services.request_status_change(actor=staff_user, request=r, to_status=Status.FIXED)
    page = staff_client.get(url("staff-detail", council, r.reference))
    assert "template" not in page.context["status_form"].fields


def test_what_residents_type_is_shown_escaped(staff_client, council, category):
    r = report(council, category, description="<script>alert('x')</script>", location_text="<b>High Street</b>")
    for page in (url("staff-detail", council, r.reference), url("staff-queue", council)):
        text = page_text(staff_client.get(page))
        assert "<script>alert" not in text and "<b>High Street</b>" not in text
        assert "&lt;b&gt;High Street&lt;/b&gt;" in text


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"status": ""}, "status", "Choose the new status"),
        ({"status": Status.CLOSED}, "public_message", "Say why, in the message to the resident"),
        ({"status": Status.CANCELLED}, "public_message", "Say why, in the message to the resident"),
        ({"status": Status.NOT_OURS}, "referred_to", "Enter the organisation the request has been passed to"),
        ({"status": Status.DUPLICATE}, "duplicate_of", "Enter the reference of the request this duplicates"),
        ({"status": Status.DUPLICATE, "duplicate_of": "BDC-777777"}, "duplicate_of", "There is no request BDC-777777"),
        ({"status": Status.SUBMITTED}, "status", "Choose one of the options listed for 'New status'"),
    ],
)
@pytest.mark.parametrize("action", ["preview", "send"])
def test_a_bad_status_change_names_the_problem(staff_client, council, category, values, field, message, action):
    r = report(council, category)
    response = status_post(staff_client, council, r, action=action, **values)
    assert response.status_code == 200
    form = response.context["status_form"]
    assert any(message in error for error in form.errors[field]), form.errors
    text = page_text(response)
    assert "govuk-error-summary" in text
    assert f'href="#id_status-{field}"' in text
    assert response.context["preview"] is None
    r.refresh_from_db()
    assert r.status == Status.SUBMITTED


def test_change_the_message_after_a_preview(staff_client, council, category):
    r = report(council, category)
    response = status_post(staff_client, council, r, action="edit", status=Status.FIXED, public_message="All done")
    assert response.status_code == 200
    assert response.context["status_form"].initial["public_message"] == "All done"
    assert not response.context["status_form"].is_bound


def test_public_update_and_internal_note(staff_client, council, category, staff_user):
    r = report(council, category)
    response = staff_client.post(
        url("staff-public-update", council, r.reference),
        {"update-public_message": "The crew is on its way to {reference}."},
    )
    assert response.status_code == 302
    event = r.events.get(kind=EventKind.PUBLIC_UPDATE)
    assert event.public_message == f"The crew is on its way to {r.reference}."
    assert event.is_public
    assert Message.objects.filter(event="request.public_update").count() == 1

    response = staff_client.post(url("staff-note", council, r.reference), {"note-internal_note": "Gate code 1234"})
    assert response.status_code == 302
    note = r.events.get(kind=EventKind.INTERNAL_NOTE)
    assert (note.internal_note, note.is_public, note.actor) == ("Gate code 1234", False, staff_user)

    empty = staff_client.post(url("staff-public-update", council, r.reference), {"update-public_message": "  "})
    assert "Enter the update for the resident" in page_text(empty)
    empty = staff_client.post(url("staff-note", council, r.reference), {"note-internal_note": ""})
    assert "Enter the note" in page_text(empty)


def test_assign_to_an_officer_and_back_to_nobody(staff_client, council, category, staff_user):
    colleague = UserFactory(email="colleague@borchester.example.org", full_name="Colin Colleague")
    grant(colleague, Role.STAFF, council=council)
    r = report(council, category)
    page = staff_client.get(url("staff-detail", council, r.reference))
    offered = dict(page.context["assign_form"].fields["assigned_to"].choices)
    assert set(offered.values()) == {"Nobody", "Olive Officer", "Colin Colleague"}

    response = staff_client.post(url("staff-assign", council, r.reference), {"assign-assigned_to": colleague.pk})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.assigned_to == colleague
    assert Message.objects.filter(event="request.assigned", recipient=colleague.email).count() == 1

    staff_client.post(url("staff-assign", council, r.reference), {"assign-assigned_to": ""})
    r.refresh_from_db()
    assert r.assigned_to is None

    stranger = UserFactory(email="stranger@example.org")
    refused = staff_client.post(url("staff-assign", council, r.reference), {"assign-assigned_to": stranger.pk})
    assert refused.status_code == 200
    assert "Choose one of the options listed for &#x27;Officer&#x27;" in page_text(refused)


def test_change_category_and_priority_recomputes_the_expected_date(staff_client, council, category, litter):
    litter.target_days_urgent = 1
    litter.save()
    r = report(council, category)
    response = staff_client.post(
        url("staff-recategorise", council, r.reference),
        {"recategorise-category": litter.pk, "recategorise-priority": Priority.URGENT},
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.category, r.priority) == (litter, Priority.URGENT)
    expected = services.expected_by_for(litter, Priority.URGENT, r.created_at)
    assert r.expected_by == expected
    follow = staff_client.get(response["Location"])
    assert f"It should now be dealt with by {expected:%-d %B %Y}" in page_text(follow)
    assert r.events.filter(kind=EventKind.RECATEGORISED).count() == 1

    bad = staff_client.post(
        url("staff-recategorise", council, r.reference),
        {"recategorise-category": 999999, "recategorise-priority": "whenever"},
    )
    assert bad.status_code == 200
    assert set(bad.context["recategorise_form"].errors) == {"category", "priority"}


def test_merge_into_another_request(staff_client, council, category):
    original = report(council, category)
    copy = report(council, category, reporter_email="sam@example.org", reporter_name="Sam")
    response = staff_client.post(
        url("staff-merge", council, copy.reference), {"merge-duplicate_of": original.reference.lower()}
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    original.refresh_from_db()
    assert copy.status == Status.DUPLICATE and copy.duplicate_of == original
    assert original.supporter_count == 1
    assert original.subscriptions.filter(email="sam@example.org").exists()

    again = report(council, category)
    unknown = staff_client.post(url("staff-merge", council, again.reference), {"merge-duplicate_of": "BDC-555555"})
    assert f"There is no request BDC-555555 at {council.name}" in page_text(unknown)
    itself = staff_client.post(url("staff-merge", council, again.reference), {"merge-duplicate_of": again.reference})
    assert "Choose a different request of this council" in page_text(itself)
    closed = staff_client.post(url("staff-merge", council, again.reference), {"merge-duplicate_of": copy.reference})
    assert "Merge into a request that is still open" in page_text(closed)
    again.refresh_from_db()
    assert again.status == Status.SUBMITTED


def test_record_a_chaser(staff_client, council, category, staff_user):
    r = report(council, category)
    response = staff_client.post(url("staff-chaser", council, r.reference), {"chaser-note": "Phoned, upset."})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.chaser_count == 1
    assert r.events.filter(kind=EventKind.INTERNAL_NOTE, internal_note__contains="Phoned, upset.").exists()


def test_actions_are_post_only(staff_client, council, category):
    r = report(council, category)
    for name in (
        "staff-status",
        "staff-public-update",
        "staff-note",
        "staff-assign",
        "staff-recategorise",
        "staff-merge",
        "staff-chaser",
        "staff-bulk-status",
    ):
        args = [] if name == "staff-bulk-status" else [r.reference]
        assert staff_client.get(url(name, council, *args)).status_code == 405, name


# Every status transition, through the service


def request_in(council, category, status, actor):
    r = report(council, category)
    if status != Status.SUBMITTED:
        services.request_status_change(
            actor=actor, request=r, to_status=status, **transition_values(council, category, status)
        )
    return ServiceRequest.objects.get(pk=r.pk)


def transition_values(council, category, to_status):
    values = {}
    if to_status == Status.NOT_OURS:
        values["referred_to"] = "Lincolnshire County Council"
    if to_status == Status.DUPLICATE:
        values["duplicate_of"] = report(council, category)
    if to_status in (Status.CLOSED, Status.CANCELLED):
        values["public_message"] = "No action is needed."
    return values


ALL_PAIRS = list(itertools.product(Status, Status))


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS, ids=[f"{a.value}-{b.value}" for a, b in ALL_PAIRS])
def test_every_status_transition(council, category, staff_user, from_status, to_status):
    r = request_in(council, category, from_status, staff_user)
    assert r.status == from_status
    values = transition_values(council, category, to_status)
    if to_status in ALLOWED_TRANSITIONS[from_status]:
        event = services.request_status_change(actor=staff_user, request=r, to_status=to_status, **values)
        r.refresh_from_db()
        assert r.status == to_status
        assert (event.from_status, event.to_status) == (from_status, to_status)
        assert (r.closed_at is not None) == (to_status in CLOSED_STATUSES)
    else:
        with pytest.raises(ValidationError) as error:
            services.request_status_change(actor=staff_user, request=r, to_status=to_status, **values)
        assert "status" in error.value.message_dict
        r.refresh_from_db()
        assert r.status == from_status


@pytest.mark.parametrize(
    ("to_status", "field"),
    [
        (Status.NOT_OURS, "referred_to"),
        (Status.DUPLICATE, "duplicate_of"),
        (Status.CLOSED, "public_message"),
        (Status.CANCELLED, "public_message"),
    ],
)
def test_statuses_that_need_more_say_what(council, category, staff_user, to_status, field):
    r = report(council, category)
    with pytest.raises(ValidationError) as error:
        services.request_status_change(actor=staff_user, request=r, to_status=to_status)
    assert field in error.value.message_dict
    r.refresh_from_db()
    assert r.status == Status.SUBMITTED


# The contact centre


def test_contact_centre_logs_a_phone_call_with_the_channel_and_officer(staff_client, council, category, staff_user):
    choose = staff_client.get(url("staff-log-request", council))
    assert choose.status_code == 200
    assert "Fly-tipping" in page_text(choose)
    no_choice = staff_client.get(url("staff-log-request", council, category=""))
    assert "Choose the kind of problem" in page_text(no_choice)

    form_page = staff_client.get(url("staff-log-request", council, category=category.slug))
    assert form_page.status_code == 200
    text = page_text(form_page)
    assert "About how much is there?" in text and "When did you see it? (optional)" in text

    response = staff_client.post(
        url("staff-log-request", council, category=category.slug),
        {
            "answer_size": "bag",
            "answer_seen": "2026-11-20",
            "description": "Black bags by the bottle bank",
            "location_text": "Car park, Market Place",
            "postcode": "pe21 6ab",
            "channel": Channel.PHONE,
            "priority": Priority.HIGH,
            "reporter_name": "Pat Phoner",
            "reporter_phone": "07700 900123",
            "contact_preference": ContactPreference.SMS,
        },
    )
    assert response.status_code == 302
    r = ServiceRequest.objects.get(council=council)
    assert r.channel == Channel.PHONE
    assert r.logged_by == staff_user
    assert r.priority == Priority.HIGH
    assert r.answers == {"size": "bag", "seen": "2026-11-20"}
    assert r.postcode == "PE21 6AB"
    assert response["Location"] == url("staff-detail", council, r.reference)
    follow = staff_client.get(response["Location"])
    assert f"Give the resident the reference {r.reference}" in page_text(follow)
    assert "phone, logged by Olive Officer" in page_text(follow)


def test_contact_centre_bad_input_names_the_fields_and_saves_nothing(staff_client, council, category):
    response = staff_client.post(
        url("staff-log-request", council, category=category.slug),
        {
            "answer_size": "asbestos",
            "description": "",
            "channel": Channel.FACE_TO_FACE,
            "priority": Priority.NORMAL,
            "contact_preference": ContactPreference.EMAIL,
        },
    )
    assert response.status_code == 200
    assert "Describe the problem" in page_text(response)
    assert ServiceRequest.objects.count() == 0

    response = staff_client.post(
        url("staff-log-request", council, category=category.slug),
        {
            "answer_seen": "31/02/2026",
            "description": "Rubbish",
            "channel": Channel.FACE_TO_FACE,
            "priority": Priority.NORMAL,
            "contact_preference": ContactPreference.EMAIL,
            "reporter_email": "not-an-email",
        },
    )
    form = response.context["form"]
    assert "Select an answer for 'About how much is there?'" in form.errors["answer_size"][0]
    assert "must be a real date" in form.errors["answer_seen"][0]
    assert "Enter where the problem is" in form.errors["location_text"][0]
    assert "Enter an email address in the correct format" in form.errors["reporter_email"][0]
    assert 'href="#id_answer_size_0"' in page_text(response)

    stopped = staff_client.post(
        url("staff-log-request", council, category=category.slug),
        {
            "answer_size": "asbestos",
            "description": "Sheets of roofing",
            "location_text": "Lay-by on the A16",
            "channel": Channel.PHONE,
            "priority": Priority.NORMAL,
            "contact_preference": ContactPreference.NONE,
            "anonymous": "on",
        },
    )
    assert "Phone 01632 960 000 now." in page_text(stopped)
    assert ServiceRequest.objects.count() == 0


def test_contact_centre_only_offers_the_channels_staff_take(staff_client, council, category):
    page = staff_client.get(url("staff-log-request", council, category=category.slug))
    assert [v for v, _ in page.context["form"].fields["channel"].choices] == ["phone", "face_to_face", "email"]
    response = staff_client.post(
        url("staff-log-request", council, category=category.slug),
        {
            "answer_size": "bag",
            "description": "x",
            "location_text": "y",
            "channel": Channel.WEB,
            "priority": Priority.NORMAL,
            "contact_preference": ContactPreference.NONE,
            "anonymous": "on",
        },
    )
    assert "channel" in response.context["form"].errors
    assert ServiceRequest.objects.count() == 0


# Tenancy: staff of one council never reach another's requests


def staff_pages(council, reference, category_pk, question_pk, template_pk, photo_pk):
    """Every back-office page this module adds, as (name, url, method)."""
    return [
        ("queue", url("staff-queue", council), "get"),
        ("export", url("staff-export", council), "get"),
        ("bulk", url("staff-bulk-status", council), "post"),
        ("log request", url("staff-log-request", council), "get"),
        ("log request form", url("staff-log-request", council, category="fly-tipping"), "post"),
        ("detail", url("staff-detail", council, reference), "get"),
        ("status", url("staff-status", council, reference), "post"),
        ("update", url("staff-public-update", council, reference), "post"),
        ("note", url("staff-note", council, reference), "post"),
        ("assign", url("staff-assign", council, reference), "post"),
        ("recategorise", url("staff-recategorise", council, reference), "post"),
        ("merge", url("staff-merge", council, reference), "post"),
        ("chaser", url("staff-chaser", council, reference), "post"),
        ("photo", url("staff-photo", council, reference, photo_pk), "get"),
        ("photo thumbnail", url("staff-photo-thumb", council, reference, photo_pk), "get"),
        ("categories", url("staff-categories", council), "get"),
        ("new category", url("staff-category-create", council), "get"),
        ("category", url("staff-category", council, category_pk), "get"),
        ("edit category", url("staff-category-edit", council, category_pk), "post"),
        ("deactivate category", url("staff-category-active", council, category_pk), "post"),
        ("new question", url("staff-question-create", council, category_pk), "post"),
        ("edit question", url("staff-question-edit", council, category_pk, question_pk), "post"),
        ("delete question", url("staff-question-delete", council, category_pk, question_pk), "post"),
        ("move question", url("staff-question-move", council, category_pk, question_pk), "post"),
        ("templates", url("staff-templates", council), "get"),
        ("new template", url("staff-template-create", council), "post"),
        ("edit template", url("staff-template-edit", council, template_pk), "post"),
        ("delete template", url("staff-template-delete", council, template_pk), "post"),
    ]


@pytest.fixture
def partner_records(partner_council, media):
    category = CategoryFactory(council=partner_council, name="Fly-tipping", slug="fly-tipping")
    question = QuestionFactory(category=category, code="size")
    template = ResponseTemplate.objects.create(council=partner_council, status=Status.FIXED, title="Done", text="Done")
    r = report(partner_council, category)
    photo = photos.photo_add(request=r, upload=jpeg_upload())
    return {"request": r, "category": category, "question": question, "template": template, "photo": photo}


def pages_of(council, records):
    return staff_pages(
        council,
        records["request"].reference,
        records["category"].pk,
        records["question"].pk,
        records["template"].pk,
        records["photo"].pk,
    )


def test_staff_get_403_on_every_staff_page_of_another_council(client, staff_user, partner_council, partner_records):
    client.force_login(staff_user)
    for name, page, method in pages_of(partner_council, partner_records):
        response = getattr(client, method)(
            page,
            {
                "bulk-references": [partner_records["request"].reference],
                "bulk-status": Status.FIXED,
                "name": "Hijacked",
            },
        )
        assert response.status_code == 403, name
    r = partner_records["request"]
    r.refresh_from_db()
    assert r.status == Status.SUBMITTED
    assert partner_records["category"].questions.count() == 1


def test_another_councils_records_are_404_through_your_own_councils_pages(
    client, staff_user, administrator, council, partner_council, partner_records
):
    foreign = [
        item
        for item in pages_of(council, partner_records)
        if item[0]
        not in (
            "queue",
            "export",
            "bulk",
            "log request",
            "log request form",
            "categories",
            "new category",
            "templates",
            "new template",
        )
    ]
    for user in (staff_user, administrator):
        client.force_login(user)
        for name, page, method in foreign:
            response = getattr(client, method)(page, {"name": "Hijacked"})
            assert response.status_code == 404, (user, name)
    # Bulk changes cannot reach them either.
    client.force_login(staff_user)
    response = bulk(client, council, [partner_records["request"].reference], status=Status.FIXED)
    assert "There is no request with this reference at this council" in page_text(response)
    partner_records["request"].refresh_from_db()
    assert partner_records["request"].status == Status.SUBMITTED


def test_the_queue_and_export_hold_only_the_councils_own_requests(staff_client, council, category, partner_records):
    mine = report(council, category)
    assert references(staff_client.get(url("staff-queue", council, status=""))) == [mine.reference]
    rows = read_csv(staff_client.get(url("staff-export", council, status="")))
    assert [row["Reference"] for row in rows] == [mine.reference]


def test_a_partnership_officer_sees_every_partner_council(
    client, partnership_officer, council, partner_council, outside_council, category, partner_records
):
    mine = report(council, category)
    client.force_login(partnership_officer)
    for target, reference in ((council, mine.reference), (partner_council, partner_records["request"].reference)):
        assert client.get(url("staff-queue", target)).status_code == 200
        assert client.get(url("staff-detail", target, reference)).status_code == 200
        assert client.get(url("staff-categories", target)).status_code == 200
    assert client.get(url("staff-queue", outside_council)).status_code == 403
    response = client.post(
        url("staff-note", partner_council, partner_records["request"].reference),
        {"note-internal_note": "Checked by the partnership."},
    )
    assert response.status_code == 302


def test_people_who_are_not_staff_are_kept_out(client, council, category, resident, councillor):
    r = report(council, category)
    response = client.get(url("staff-queue", council))
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    for user in (resident, councillor):
        client.force_login(user)
        assert client.get(url("staff-queue", council)).status_code == 403
        assert client.get(url("staff-detail", council, r.reference)).status_code == 403
        assert client.post(url("staff-note", council, r.reference), {"note-internal_note": "x"}).status_code == 403


def test_staff_without_two_factor_sign_in_are_refused_when_it_is_required(client, settings, staff_user, council):
    settings.REQUIRE_STAFF_MFA = True
    client.force_login(staff_user)
    response = client.get(url("staff-queue", council))
    assert response.status_code in (302, 403)
