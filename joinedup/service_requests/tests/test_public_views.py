"""The resident's pages through Django's test client: report, track, add to it, dispute, rate."""

import datetime
import html
import io
import re

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from joinedup.councils.tests.factories import WardFactory
from joinedup.service_requests.models import (
    Channel,
    ContactPreference,
    EventKind,
    Feedback,
    Photo,
    RequestEvent,
    ServiceRequest,
    Status,
    Subscription,
)
from joinedup.service_requests.notify import FEEDBACK_SALT, feedback_token
from joinedup.service_requests.tests.factories import CategoryFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db

BOSTON_LAT, BOSTON_LON = 52.9775, -0.0256


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def url(council, name, **kwargs):
    return reverse(f"service_requests:{name}", kwargs={"council_slug": council.slug, **kwargs})


def jpeg(size=(200, 150)) -> SimpleUploadedFile:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 58.0, 12.5), 3: "W", 4: (0.0, 1.0, 30.0)}
    Image.new("RGB", size, (20, 120, 40)).save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("my street.jpg", out.getvalue(), content_type="image/jpeg")


def errors_of(response) -> list[str]:
    """The error summary's messages, as the resident reads them."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', response.text, re.S)
    if not summary:
        return []
    items = re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def follow_to(response, council, name, **kwargs):
    assert response.status_code == 302, errors_of(response) or response.status_code
    assert response["Location"] == url(council, name, **kwargs)


CONTACT = {
    "reporter_name": "Rosa Resident",
    "reporter_email": "Rosa@Example.org",
    "reporter_phone": "",
    "contact_preference": ContactPreference.EMAIL,
}


def report_until_check(client, council, category, *, location=None, contact=None, photo=False):
    """Fill in every step of the fly-tipping report up to the check-your-answers page."""
    follow_to(
        client.post(url(council, "report-category"), {"category": category.slug}),
        council,
        "report-question",
        code="size",
    )
    follow_to(
        client.post(url(council, "report-question", code="size"), {"answer": "van"}),
        council,
        "report-question",
        code="seen",
    )
    follow_to(
        client.post(url(council, "report-question", code="seen"), {"day": "", "month": "", "year": ""}),
        council,
        "report-location",
    )
    location = location or {"location_text": "Behind the shops on Market Place", "postcode": ""}
    follow_to(client.post(url(council, "report-location"), location), council, "report-description")
    follow_to(
        client.post(url(council, "report-description"), {"description": "A sofa and two mattresses"}),
        council,
        "report-photos",
    )
    data = {"action": "continue"}
    if photo:
        data["photos"] = jpeg()
    follow_to(client.post(url(council, "report-photos"), data), council, "report-contact")
    return client.post(url(council, "report-contact"), contact or CONTACT)


def test_the_whole_report_with_its_questions(client, council, category, media_root, django_capture_on_commit_callbacks):
    start = client.get(url(council, "report-start"))
    assert "Start now" in start.text

    page = client.get(url(council, "report-category"))
    assert '<h2 class="govuk-heading-s joinedup-radio-group-heading">Rubbish and street cleaning</h2>' in page.text
    response = client.post(url(council, "report-category"), {})
    assert errors_of(response) == ["Select the kind of problem"]
    assert 'href="#id_category_0"' in response.text
    follow_to(
        client.post(url(council, "report-category"), {"category": "fly-tipping"}),
        council,
        "report-question",
        code="size",
    )

    # A required choice question, one a page, with the question as the heading.
    page = client.get(url(council, "report-question", code="size"))
    assert '<h1 class="govuk-fieldset__heading">About how much is there?</h1>' in page.text
    response = client.post(url(council, "report-question", code="size"), {})
    assert errors_of(response) == ["Select an answer for 'About how much is there?'"]
    assert response.text.count("Error:") >= 2  # the title and the field's message
    response = client.post(url(council, "report-question", code="size"), {"answer": "lorry"})
    assert errors_of(response) == ["Select one of the answers listed for 'About how much is there?'"]
    follow_to(
        client.post(url(council, "report-question", code="size"), {"answer": "van"}),
        council,
        "report-question",
        code="seen",
    )

    # An optional date question, as three boxes.
    response = client.post(url(council, "report-question", code="seen"), {"day": "31", "month": "2", "year": "2026"})
    assert errors_of(response) == ["'When did you see it?' must be a real date, like 27 3 2026"]
    assert 'href="#id_day"' in response.text
    follow_to(
        client.post(url(council, "report-question", code="seen"), {"day": "20", "month": "11", "year": "2026"}),
        council,
        "report-location",
    )

    page = client.get(url(council, "report-location"))
    assert "Where is the problem?" in page.text
    assert 'name="latitude"' in page.text  # filled in by "use my location" where JavaScript runs
    response = client.post(url(council, "report-location"), {"location_text": "", "postcode": ""})
    assert errors_of(response) == ["Enter where the problem is, like a street name and a nearby landmark"]
    response = client.post(url(council, "report-location"), {"location_text": "Market Place", "postcode": "PE21"})
    assert errors_of(response) == ["Enter a real postcode, like PE21 8QR"]
    follow_to(
        client.post(
            url(council, "report-location"), {"location_text": "Behind the <b>shops</b>", "postcode": "pe21 8qr"}
        ),
        council,
        "report-description",
    )

    page = client.get(url(council, "report-description"))
    assert 'data-module="govuk-character-count" data-maxlength="2000"' in page.text
    response = client.post(url(council, "report-description"), {"description": "x" * 2001})
    assert errors_of(response) == ["The description must be 2,000 characters or fewer"]
    response = client.post(url(council, "report-description"), {"description": "   "})
    assert errors_of(response) == ["Describe the problem"]
    follow_to(
        client.post(url(council, "report-description"), {"description": "<script>alert('hi')</script> A sofa"}),
        council,
        "report-photos",
    )

    # Photos: a file that is not a photo is refused; a photo waits, cleaned, until the report is sent.
    not_a_photo = SimpleUploadedFile("sofa.jpg", b"hello, I am text", content_type="image/jpeg")
    response = client.post(url(council, "report-photos"), {"action": "upload", "photos": not_a_photo})
    assert errors_of(response) == ["The selected file must be a JPG, PNG, WebP or HEIC photo"]
    response = client.post(url(council, "report-photos"), {"action": "upload"})
    assert errors_of(response) == ["Select a photo to upload"]
    follow_to(
        client.post(url(council, "report-photos"), {"action": "upload", "photos": jpeg()}), council, "report-photos"
    )
    page = client.get(url(council, "report-photos"))
    assert "my street.jpg" in page.text
    preview = re.search(r'src="(/borchester/report/photos/[0-9a-f]{32}\.jpg/)"', page.text).group(1)
    assert client.get(preview)["Content-Type"] == "image/jpeg"
    follow_to(client.post(url(council, "report-photos"), {"action": "continue"}), council, "report-contact")

    response = client.post(url(council, "report-contact"), {"contact_preference": "email"})
    assert errors_of(response) == [
        "Enter your full name",
        "Enter an email address or a UK mobile number, so we can tell you what happens",
    ]
    response = client.post(
        url(council, "report-contact"), {**CONTACT, "reporter_email": "rosa@", "reporter_phone": "0123"}
    )
    assert errors_of(response) == [
        "Enter an email address in the correct format, like name@example.com",
        "Enter a UK mobile number, like 07700 900 982",
    ]
    response = client.post(url(council, "report-contact"), {**CONTACT, "contact_preference": "sms"})
    assert errors_of(response) == ["To get updates by text message, enter your mobile number"]
    follow_to(
        client.post(url(council, "report-contact"), {**CONTACT, "involve_councillor": "on"}), council, "report-check"
    )

    # Nothing is saved until the resident sends the whole report.
    assert not ServiceRequest.objects.exists()
    assert not Photo.objects.exists()

    check = client.get(url(council, "report-check"))
    assert "Check your answers before sending your report" in check.text
    for text in (
        "Fly-tipping",
        "A van load",
        "20 November 2026",
        "PE21 8QR",
        "my street.jpg",
        "rosa@example.org",
        "Ask them to be involved",
    ):
        assert text in check.text
    # What residents type is shown, never run.
    assert "&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt;" in check.text
    assert "<script>alert" not in check.text
    assert "Behind the &lt;b&gt;shops&lt;/b&gt;" in check.text
    assert check.text.count(">Change<span") >= 8
    assert 'name="website"' in check.text and 'tabindex="-1"' in check.text

    with django_capture_on_commit_callbacks(execute=True):
        follow_to(client.post(url(council, "report-check"), {"website": ""}), council, "report-sent")
    service_request = ServiceRequest.objects.get()
    assert service_request.reference == "BDC-000001"
    assert service_request.answers == {"size": "van", "seen": "2026-11-20"}
    assert service_request.channel == Channel.WEB
    assert service_request.category == category
    assert service_request.reporter_email == "rosa@example.org"
    assert service_request.involve_councillor
    assert service_request.postcode == "PE21 8QR"
    assert service_request.description == "<script>alert('hi')</script> A sofa"
    photo = Photo.objects.get()
    assert photo.request == service_request
    assert photo.event.kind == EventKind.CREATED

    sent = client.get(url(council, "report-sent"))
    assert '<h1 class="govuk-panel__title">Report sent</h1>' in sent.text
    assert "<strong>BDC-000001</strong>" in sent.text
    assert f"{service_request.expected_by:%-d %B %Y}" in sent.text
    assert "What happens next" in sent.text

    # The reporter is told, through the outbox.
    try:
        from joinedup.notifications.models import Message
    except ImportError:  # pragma: no cover - the notifications app is part of the platform
        pass
    else:
        message = Message.objects.get(event="request.submitted")
        assert message.recipient == "rosa@example.org"
        assert "BDC-000001" in message.body

    # The form is emptied and its waiting photos removed.
    assert client.get(url(council, "report-check"))["Location"] == url(council, "report-category")
    assert not list((media_root / "tmp").rglob("*.jpg"))


def test_steps_cannot_be_skipped(client, council, category):
    assert client.get(url(council, "report-check"))["Location"] == url(council, "report-category")
    client.post(url(council, "report-category"), {"category": category.slug})
    assert client.get(url(council, "report-description"))["Location"] == url(council, "report-question", code="size")


def test_the_category_notice_is_shown_on_the_next_step(client, council, category):
    category.notice = "If the waste is blocking the road, phone 01632 960 001."
    category.save()
    client.post(url(council, "report-category"), {"category": category.slug})
    page = client.get(url(council, "report-question", code="size"))
    assert "If the waste is blocking the road, phone 01632 960 001." in page.text


def test_an_answer_with_a_stop_message_ends_the_report(client, council, category):
    client.post(url(council, "report-category"), {"category": category.slug})
    follow_to(client.post(url(council, "report-question", code="size"), {"answer": "asbestos"}), council, "report-stop")
    page = client.get(url(council, "report-stop"))
    assert "Phone 01632 960 000 now." in page.text
    assert "You need to contact us straight away" in page.text
    # The rest of the form stays closed until the answer changes.
    assert client.get(url(council, "report-location"))["Location"] == url(council, "report-stop")
    assert client.get(url(council, "report-check"))["Location"] == url(council, "report-stop")
    assert not ServiceRequest.objects.exists()
    follow_to(
        client.post(url(council, "report-question", code="size"), {"answer": "bag"}),
        council,
        "report-question",
        code="seen",
    )


def test_an_anonymous_report_where_the_category_allows_it(client, council, category):
    response = report_until_check(client, council, category, contact={"anonymous": "on", "reporter_name": "Rosa"})
    follow_to(response, council, "report-check")
    check = client.get(url(council, "report-check"))
    assert "Not given: we will not be able to tell you what happens" in check.text
    client.post(url(council, "report-check"), {"website": ""})
    service_request = ServiceRequest.objects.get()
    assert service_request.reporter_name == "" and service_request.reporter_email == ""
    assert service_request.contact_preference == ContactPreference.NONE
    assert not Subscription.objects.exists()


def test_an_anonymous_report_is_refused_where_the_category_does_not_allow_it(client, council):
    missed_bin = CategoryFactory(
        council=council, name="Missed bin", slug="missed-bin", group="Bins", allow_anonymous=False
    )
    client.post(url(council, "report-category"), {"category": missed_bin.slug})
    client.post(url(council, "report-location"), {"location_text": "12 High Street"})
    client.post(url(council, "report-description"), {"description": "Not emptied"})
    client.post(url(council, "report-photos"), {"action": "continue"})
    page = client.get(url(council, "report-contact"))
    assert 'name="anonymous"' not in page.text
    response = client.post(url(council, "report-contact"), {"anonymous": "on", "contact_preference": "email"})
    assert errors_of(response) == [
        "You need to give your name and a way to contact you for this kind of problem",
        "Enter your full name",
        "Enter an email address or a UK mobile number, so we can tell you what happens",
    ]
    assert not ServiceRequest.objects.exists()


def test_a_filled_in_honeypot_pretends_to_work_but_saves_nothing(client, council, category):
    report_until_check(client, council, category)
    follow_to(client.post(url(council, "report-check"), {"website": "http://spam.example"}), council, "report-sent")
    assert "Report sent" in client.get(url(council, "report-sent")).text
    assert not ServiceRequest.objects.exists()


def test_sending_reports_is_rate_limited_per_address(client, council, category):
    report_until_check(client, council, category)
    assert client.post(url(council, "report-check"), {}).status_code == 302
    for _ in range(9):
        client.post(url(council, "report-check"), {})
    report_until_check(client, council, category)
    response = client.post(url(council, "report-check"), {})
    assert response.status_code == 429
    assert "Too many requests" in response.text
    assert ServiceRequest.objects.count() == 1
    # Another address is not held back.
    assert client.post(url(council, "report-check"), {}, REMOTE_ADDR="192.0.2.7").status_code == 302
    assert ServiceRequest.objects.count() == 2


def test_a_nearby_open_report_can_be_supported_instead(client, council, category):
    existing = ServiceRequestFactory(
        council=council,
        category=category,
        latitude=BOSTON_LAT + 0.0005,
        longitude=BOSTON_LON,
        location_text="By the war memorial",
        reporter_name="Nina Neighbour",
        reporter_email="nina@example.org",
    )
    far_away = ServiceRequestFactory(
        council=council, category=category, latitude=BOSTON_LAT + 0.05, longitude=BOSTON_LON
    )
    location = {"location_text": "", "postcode": "", "latitude": BOSTON_LAT, "longitude": BOSTON_LON}
    follow_to(report_until_check(client, council, category, location=location), council, "report-similar")
    page = client.get(url(council, "report-similar"))
    assert existing.reference in page.text
    assert far_away.reference not in page.text
    assert "By the war memorial" in page.text
    assert "About 60 metres from you" in page.text
    assert "Nina" not in page.text and "nina@example.org" not in page.text
    # Until they decide, the report cannot be sent.
    assert client.get(url(council, "report-check"))["Location"] == url(council, "report-similar")

    follow_to(client.post(url(council, "report-similar"), {"support": existing.reference}), council, "report-supported")
    existing.refresh_from_db()
    assert existing.supporter_count == 1
    assert Subscription.objects.filter(request=existing, email="rosa@example.org").exists()
    assert ServiceRequest.objects.count() == 2  # no new report
    page = client.get(url(council, "report-supported"))
    assert "Support added" in page.text and existing.reference in page.text
    assert client.get(url(council, "report-check"))["Location"] == url(council, "report-category")


def test_mine_is_different_carries_on_to_the_check_page(client, council, category):
    ServiceRequestFactory(council=council, category=category, latitude=BOSTON_LAT, longitude=BOSTON_LON)
    location = {"location_text": "", "postcode": "", "latitude": BOSTON_LAT, "longitude": BOSTON_LON}
    report_until_check(client, council, category, location=location)
    follow_to(client.post(url(council, "report-similar"), {"different": "1"}), council, "report-check")
    check = client.get(url(council, "report-check"))
    assert "The position of your device" in check.text
    assert 'href="/borchester/report/similar/"' in check.text  # the back link
    client.post(url(council, "report-check"), {})
    assert ServiceRequest.objects.filter(latitude=BOSTON_LAT).count() == 2


def test_no_nearby_report_skips_the_question(client, council, category):
    location = {"location_text": "", "postcode": "", "latitude": BOSTON_LAT, "longitude": BOSTON_LON}
    response = report_until_check(client, council, category, location=location)
    assert response["Location"] == url(council, "report-similar")
    follow_to(client.get(url(council, "report-similar")), council, "report-check")


def test_a_signed_in_resident_is_known_and_sees_their_requests(client, council, category, resident):
    resident.full_name = "Rita Resident"
    resident.save()
    client.force_login(resident)
    report_until_check(client, council, category)
    client.post(url(council, "report-check"), {})
    service_request = ServiceRequest.objects.get()
    assert service_request.reporter == resident

    page = client.get(reverse("my-requests"))
    assert service_request.reference in page.text
    assert url(council, "track", reference=service_request.reference) in page.text


def test_contact_details_are_filled_in_for_a_signed_in_resident(client, council, category, resident):
    resident.full_name = "Rita Resident"
    resident.save()
    client.force_login(resident)
    client.post(url(council, "report-category"), {"category": category.slug})
    client.post(url(council, "report-question", code="size"), {"answer": "bag"})
    client.post(url(council, "report-question", code="seen"), {})
    client.post(url(council, "report-location"), {"location_text": "Church Street"})
    client.post(url(council, "report-description"), {"description": "Bags of rubbish"})
    client.post(url(council, "report-photos"), {"action": "continue"})
    page = client.get(url(council, "report-contact"))
    assert 'value="Rita Resident"' in page.text
    assert 'value="resident@example.org"' in page.text


def test_my_requests_needs_signing_in(client):
    response = client.get(reverse("my-requests"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


# Tracking


@pytest.fixture
def reported(council, category):
    """An open request with personal data and an internal note that must never be public."""
    ward = WardFactory(council=council, name="Skirbeck")
    service_request = ServiceRequestFactory(
        council=council,
        category=category,
        number=1,
        ward=ward,
        reporter_name="Rosa Resident",
        reporter_email="rosa@example.org",
        reporter_phone="07700900982",
        location_text="Outside 12 High Street",
        description="My neighbour Mr Smith dumped it",
        supporter_count=2,
    )
    RequestEvent.objects.create(
        request=service_request, kind=EventKind.CREATED, is_public=True, public_message="Reported (online)."
    )
    RequestEvent.objects.create(
        request=service_request, kind=EventKind.INTERNAL_NOTE, internal_note="Known fly-tipper, see case 42"
    )
    RequestEvent.objects.create(
        request=service_request,
        kind=EventKind.RESIDENT_UPDATE,
        is_public=True,
        internal_note="He has done it again, ring me on 07700900982",
        public_message="The person who reported this added more information.",
    )
    RequestEvent.objects.create(
        request=service_request,
        kind=EventKind.STATUS,
        is_public=True,
        from_status=Status.SUBMITTED,
        to_status=Status.ACKNOWLEDGED,
        internal_note="Crew B",
        public_message="We will clear it this week.",
    )
    return service_request


def test_the_tracking_page_shows_progress_and_no_personal_data(client, council, reported):
    page = client.get(url(council, "track", reference="BDC-000001"))
    assert page.status_code == 200
    text = page.text
    for public in (
        "BDC-000001",
        "Fly-tipping",
        "Outside 12 High Street",
        "Skirbeck",
        "Submitted",
        "We will clear it this week.",
        "The person who reported this added more information.",
        f"{reported.expected_by:%-d %B %Y}",
        "2 other people",
        "Add your support",
        "Add an update",
    ):
        assert public in text, public
    for private in (
        "Rosa",
        "rosa@example.org",
        "07700",
        "Known fly-tipper",
        "Crew B",
        "He has done it again",
        "Mr Smith",
    ):
        assert private not in text, private
    assert "Overdue" not in text


def test_an_overdue_request_says_so(client, council, reported):
    ServiceRequest.objects.filter(pk=reported.pk).update(expected_by=timezone.localdate() - datetime.timedelta(1))
    page = client.get(url(council, "track", reference=reported.reference))
    assert "This is overdue" in page.text


def test_a_reference_of_another_council_is_not_found(client, council, partner_council, reported):
    assert client.get(f"/{partner_council.slug}/requests/BDC-000001/").status_code == 404
    assert client.get(f"/{council.slug}/requests/BDC-000002/").status_code == 404
    assert client.get(f"/{council.slug}/requests/rubbish/").status_code == 404
    # A reference typed loosely finds the request at its proper address.
    assert client.get(f"/{council.slug}/requests/bdc-1/")["Location"] == url(council, "track", reference="BDC-000001")


def test_public_photos_are_streamed_and_hidden_ones_are_not(client, council, reported):
    from joinedup.service_requests.photos import photo_add

    shown = photo_add(request=reported, upload=jpeg())
    hidden = photo_add(request=reported, upload=jpeg(), is_public=False)
    page = client.get(url(council, "track", reference=reported.reference))
    assert url(council, "photo-thumb", reference=reported.reference, pk=shown.pk) in page.text
    assert url(council, "photo", reference=reported.reference, pk=hidden.pk) not in page.text
    response = client.get(url(council, "photo", reference=reported.reference, pk=shown.pk))
    assert response["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (200, 150)
    assert client.get(url(council, "photo-thumb", reference=reported.reference, pk=hidden.pk)).status_code == 404


def test_anyone_can_add_their_support(client, council, reported):
    support_url = url(council, "support", reference=reported.reference)
    response = client.post(support_url, {"email": "", "phone": ""})
    assert errors_of(response) == ["Enter an email address or a UK mobile number, so we can tell you what happens"]
    response = client.post(support_url, {"email": "neighbour@example.org", "phone": ""})
    assert response["Location"] == url(council, "track", reference=reported.reference)
    reported.refresh_from_db()
    assert reported.supporter_count == 3
    assert Subscription.objects.filter(request=reported, email="neighbour@example.org").exists()


def test_the_reporter_adds_an_update_by_giving_their_email(client, council, reported):
    update_url = url(council, "update", reference=reported.reference)
    page = client.get(update_url)
    assert "Email address or mobile number" in page.text

    response = client.post(update_url, {"text": "More bags today", "contact": "stranger@example.org"})
    assert errors_of(response) == [
        "We could not match that email address or mobile number to this report. Enter "
        "the one you gave when you reported it"
    ]
    response = client.post(update_url, {"text": "", "contact": "rosa@example.org"})
    assert errors_of(response) == ["Enter your update"]
    assert not RequestEvent.objects.filter(kind=EventKind.RESIDENT_UPDATE, internal_note="More bags today").exists()

    response = client.post(update_url, {"text": "More bags today", "contact": "ROSA@example.org", "photos": jpeg()})
    assert response["Location"] == url(council, "track", reference=reported.reference)
    event = RequestEvent.objects.get(kind=EventKind.RESIDENT_UPDATE, internal_note="More bags today")
    assert event.photos.count() == 1
    reported.refresh_from_db()
    assert reported.chaser_count == 1
    # This browser is now known as the reporter's: no need to ask again.
    assert "Email address or mobile number" not in client.get(update_url).text


def test_the_reporter_can_be_matched_by_mobile_number(client, council, reported):
    response = client.post(
        url(council, "update", reference=reported.reference), {"text": "Still there", "contact": "07700 900 982"}
    )
    assert response.status_code == 302
    assert RequestEvent.objects.filter(internal_note="Still there").exists()


def test_a_bad_photo_with_an_update_saves_nothing(client, council, reported):
    bad = SimpleUploadedFile("x.jpg", b"not a photo", content_type="image/jpeg")
    response = client.post(
        url(council, "update", reference=reported.reference),
        {"text": "Look", "contact": "rosa@example.org", "photos": bad},
    )
    assert errors_of(response) == ["The selected file must be a JPG, PNG, WebP or HEIC photo"]
    assert not RequestEvent.objects.filter(internal_note="Look").exists()


def test_find_a_request_by_reference_and_email(client, council, reported):
    find_url = url(council, "find")
    response = client.post(find_url, {"reference": "", "contact": ""})
    assert errors_of(response) == [
        "Enter the reference number",
        "Enter the email address or mobile number you gave when you reported it",
    ]
    response = client.post(find_url, {"reference": "BDC-000001", "contact": "stranger@example.org"})
    assert errors_of(response) == [
        "We could not find a report with that reference number and email address or "
        "mobile number. Check them and try again"
    ]
    response = client.post(find_url, {"reference": "bdc-000001", "contact": "rosa@example.org"})
    assert response["Location"] == url(council, "track", reference="BDC-000001")
    assert "Email address or mobile number" not in client.get(url(council, "update", reference="BDC-000001")).text


@pytest.fixture
def fixed(reported):
    ServiceRequest.objects.filter(pk=reported.pk).update(status=Status.FIXED, closed_at=timezone.now())
    reported.refresh_from_db()
    return reported


def test_the_reporter_disputes_a_closure_and_a_stranger_cannot(client, council, fixed):
    page = client.get(url(council, "track", reference=fixed.reference))
    assert "Dispute the closure" in page.text
    assert "Add your support" not in page.text
    dispute_url = url(council, "dispute", reference=fixed.reference)
    response = client.post(dispute_url, {"reason": "It is still there", "contact": "stranger@example.org"})
    assert "We could not match that email address" in errors_of(response)[0]
    fixed.refresh_from_db()
    assert fixed.status == Status.FIXED

    response = client.post(dispute_url, {"reason": "", "contact": "rosa@example.org"})
    assert errors_of(response) == ["Tell us why the problem is not sorted"]
    response = client.post(dispute_url, {"reason": "It is still there", "contact": "rosa@example.org"})
    assert response.status_code == 302
    fixed.refresh_from_db()
    assert fixed.status == Status.INVESTIGATING
    assert fixed.dispute_count == 1


def test_a_closure_cannot_be_disputed_after_28_days(client, council, fixed):
    ServiceRequest.objects.filter(pk=fixed.pk).update(closed_at=timezone.now() - datetime.timedelta(days=29))
    assert "Dispute the closure" not in client.get(url(council, "track", reference=fixed.reference)).text
    response = client.get(url(council, "dispute", reference=fixed.reference))
    assert response["Location"] == url(council, "track", reference=fixed.reference)


def test_feedback_with_a_valid_token(client, council, fixed):
    feedback_url = url(council, "feedback", reference=fixed.reference, token=feedback_token(fixed))
    page = client.get(feedback_url)
    assert "Overall, how did you feel about the service you received today?" in page.text
    labels = re.findall(r'govuk-radios__label" for="id_rating_\d">([^<]+)<', page.text)
    assert labels == [
        "Very satisfied",
        "Satisfied",
        "Neither satisfied or dissatisfied",
        "Dissatisfied",
        "Very dissatisfied",
    ]
    assert 'data-maxlength="1200"' in page.text

    response = client.post(feedback_url, {"comment": "x" * 1201})
    assert errors_of(response) == [
        "Select how you feel about the service you received",
        "Your comments must be 1,200 characters or fewer",
    ]
    response = client.post(feedback_url, {"rating": "5", "comment": "Quick <b>work</b>"})
    assert response["Location"] == feedback_url
    feedback = Feedback.objects.get(request=fixed)
    assert (feedback.rating, feedback.comment, feedback.channel) == (5, "Quick <b>work</b>", Channel.WEB)
    assert "Thank you for your feedback" in client.get(feedback_url).text
    # Only one answer per request.
    client.post(feedback_url, {"rating": "1"})
    assert Feedback.objects.get(request=fixed).rating == 5


def test_feedback_with_a_bad_token_is_refused(client, council, fixed, category):
    other = ServiceRequestFactory(
        council=council, category=category, number=2, status=Status.FIXED, closed_at=timezone.now()
    )
    for token in ("not-a-token", feedback_token(other), signing.dumps({"request": fixed.pk}, salt="something else")):
        response = client.get(url(council, "feedback", reference=fixed.reference, token=token))
        assert response.status_code == 404
        assert "This link does not work" in response.text
        assert (
            client.post(url(council, "feedback", reference=fixed.reference, token=token), {"rating": "5"}).status_code
            == 404
        )
    assert not Feedback.objects.exists()
    assert signing.loads(feedback_token(fixed), salt=FEEDBACK_SALT) == {"request": fixed.pk}


def test_feedback_waits_until_the_request_is_closed(client, council, reported):
    response = client.get(url(council, "feedback", reference=reported.reference, token=feedback_token(reported)))
    assert "You can give feedback once this request is closed" in response.text


def test_the_photo_step_is_rate_limited_per_address(client, council, category):
    """Decoding photos costs the server most, so an address may post to the photo step only so often."""
    from joinedup.service_requests.views_public import PHOTO_LIMIT_PER_HOUR

    report_until_check(client, council, category)  # posts to the photo step once
    for _ in range(PHOTO_LIMIT_PER_HOUR - 1):
        assert client.post(url(council, "report-photos"), {"action": "upload"}).status_code == 200
    response = client.post(url(council, "report-photos"), {"action": "upload", "photos": jpeg()})
    assert response.status_code == 429
    assert "Too many requests" in response.text
    # Another address is not held back.
    assert client.post(url(council, "report-photos"), {"action": "upload"}, REMOTE_ADDR="192.0.2.7").status_code == 200
