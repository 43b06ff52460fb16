"""
A resident reports a problem, tracks it, adds to it, rates the service and disputes the closure,
in a real Chromium: once with JavaScript and once without. axe-core checks every page on the way,
including the pages that show errors.
"""

import io
import re

import pytest
from django.utils import timezone
from helpers import sign_in
from PIL import Image
from playwright.sync_api import expect

from joinedup.service_requests import services
from joinedup.service_requests.models import Category, EventKind, Feedback, Photo, ServiceRequest, Status
from joinedup.service_requests.notify import feedback_token

pytestmark = pytest.mark.browser

RESIDENT_EMAIL = "resident@example.org"
# Inside the demo ward "Fenside" of Boston.
LATITUDE, LONGITUDE = 52.985, -0.020


@pytest.fixture
def axe_without_js(chromium, live_server, axe):
    """axe-core for a page in a context with JavaScript off, where axe itself cannot run.

    The page's DOM, exactly as the no-JavaScript browser built it (its scripts removed, so none
    can change it), is served again to a JavaScript-enabled page at the same address, with the
    same cookies, stylesheets and images, and axe-core checks that.
    """
    context = chromium().new_context(base_url=live_server.url)

    def check(no_js_page):
        html = re.sub(r"<script\b.*?</script>", "", no_js_page.content(), flags=re.S | re.I)
        context.clear_cookies()
        context.add_cookies(no_js_page.context.cookies())
        copy = context.new_page()
        try:
            copy.route(
                no_js_page.url,
                lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html),
            )
            copy.goto(no_js_page.url)
            copy.wait_for_load_state()
            # The very same page, not a new one from the server.
            expect(copy.locator("h1")).to_have_text(no_js_page.locator("h1").inner_text())
            expect(copy.locator(".govuk-error-summary")).to_have_count(
                no_js_page.locator(".govuk-error-summary").count()
            )
            expect(copy.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
            axe(copy)
        finally:
            copy.close()

    try:
        yield check
    finally:
        context.close()


def photo_file() -> dict:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 59.0, 6.0), 3: "W", 4: (0.0, 1.0, 12.0)}
    Image.new("RGB", (640, 480), (90, 140, 60)).save(out, format="JPEG", exif=exif)
    return {"name": "fly-tipping.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def checked(page, axe, heading, *, errors=None):
    """The page has one h1 with this text, shows the errors given (or none), and axe finds nothing."""
    page.wait_for_load_state()
    h1 = page.locator("h1")
    expect(h1).to_have_count(1)
    expect(h1).to_contain_text(heading)
    summary = page.locator(".govuk-error-summary")
    if errors:
        expect(summary).to_be_visible()
        expect(page).to_have_title(re.compile(r"^Error: "))
        for error in errors:
            expect(summary.get_by_role("link", name=error)).to_be_visible()
    else:
        expect(summary).to_have_count(0)
    axe(page)


def press(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def test_report_track_and_rate_with_javascript(page, axe, demo, live_server):
    fly_tipping = Category.objects.get(council=demo, slug="fly-tipping")
    nearby = services.request_create(
        council=demo,
        category=fly_tipping,
        description="An old fridge",
        location_text="By the church gate",
        latitude=LATITUDE + 0.0004,
        longitude=LONGITUDE,
        answers={"waste_type": ["household"], "size": "bag"},
        reporter_name="Nina Neighbour",
        reporter_email="nina@example.org",
    )
    requests_before = ServiceRequest.objects.count()
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": LATITUDE, "longitude": LONGITUDE})
    sign_in(page, RESIDENT_EMAIL)
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))

    page.goto("/boston/report/")
    checked(page, axe, "Report a problem")
    page.get_by_role("button", name="Start now").click()
    checked(page, axe, "What is the problem?")
    expect(page.get_by_role("heading", name="Bins and recycling")).to_be_visible()
    press(page, "Continue")
    checked(page, axe, "What is the problem?", errors=["Select the kind of problem"])
    page.get_by_label("Fly-tipping").check()
    press(page, "Continue")

    checked(page, axe, "What has been dumped?")
    page.get_by_label("Furniture").check()
    page.get_by_label("Household rubbish").check()
    press(page, "Continue")
    checked(page, axe, "About how much is there?")
    page.get_by_label("A van load or more").check()
    press(page, "Continue")
    checked(page, axe, "When did you first see it?")
    page.get_by_label("Day").fill("20")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    press(page, "Continue")

    # Where JavaScript runs, the device's position can be added: no map tiles needed.
    checked(page, axe, "Where is the problem?")
    page.get_by_role("button", name="Use my current location").click()
    expect(page.locator("[data-location-status]")).to_contain_text("We have added your current location")
    axe(page)
    page.get_by_label("Where is the problem?").fill("Lay-by on Sleaford Road, by the bus stop")
    press(page, "Continue")

    checked(page, axe, "Describe the problem")
    page.get_by_label("Describe the problem").fill("A sofa, a mattress and <b>bags</b> of rubbish")
    expect(page.locator(".govuk-character-count__status")).to_contain_text("characters remaining")
    press(page, "Continue")

    checked(page, axe, "Add photos (optional)")
    page.set_input_files("#id_photos", files=[photo_file()])
    press(page, "Upload photo")
    checked(page, axe, "Add photos (optional)")
    expect(page.get_by_text("fly-tipping.jpg", exact=True)).to_be_visible()
    press(page, "Continue")

    checked(page, axe, "Your contact details")
    expect(page.get_by_label("Full name")).to_have_value("Rosa Resident")
    expect(page.get_by_label("Email address")).to_have_value(RESIDENT_EMAIL)
    page.get_by_label("Email address").fill("")
    press(page, "Continue")
    checked(
        page,
        axe,
        "Your contact details",
        errors=["Enter an email address or a UK mobile number, so we can tell you what happens"],
    )
    page.get_by_label("Email address").fill(RESIDENT_EMAIL)
    page.get_by_label("Ask my local councillor to be involved").check()
    press(page, "Continue")

    # A report of the same kind close by: the resident decides it is a different one.
    checked(page, axe, "Is it one of these?")
    expect(page.get_by_text("By the church gate")).to_be_visible()
    expect(page.get_by_text("Nina")).to_have_count(0)
    press(page, "No, mine is different")

    checked(page, axe, "Check your answers before sending your report")
    expect(page.get_by_text("Household rubbish, Furniture")).to_be_visible()
    expect(page.get_by_text("A sofa, a mattress and <b>bags</b> of rubbish")).to_be_visible()
    assert ServiceRequest.objects.count() == requests_before  # nothing saved yet
    press(page, "Send report")

    checked(page, axe, "Report sent")
    reference = page.locator(".govuk-panel__body strong").inner_text()
    report = ServiceRequest.objects.get(council=demo, number=nearby.number + 1)
    assert reference == report.reference
    assert report.reporter.email == RESIDENT_EMAIL
    assert report.ward.name == "Fenside"
    assert report.answers["waste_type"] == ["household", "furniture"]
    assert Photo.objects.filter(request=report).count() == 1

    page.get_by_role("link", name=f"See what is happening with {reference}").click()
    checked(page, axe, "Fly-tipping")
    expect(page.get_by_text("Fenside", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Photo 1 of the problem"))).to_be_visible()
    expect(page.get_by_text("Rosa")).to_have_count(0)

    page.get_by_role("link", name="Add an update").click()
    checked(page, axe, "Add an update")
    press(page, "Add update")
    checked(page, axe, "Add an update", errors=["Enter your update"])
    page.get_by_label("Your update").fill("Someone has added a fridge")
    press(page, "Add update")
    checked(page, axe, "Fly-tipping")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your update has been added")
    expect(page.get_by_text("The person who reported this added more information.")).to_be_visible()

    page.goto("/my-requests/")
    checked(page, axe, "Your requests")
    expect(page.get_by_role("link", name=reference)).to_be_visible()

    # The council fixes it; the resident rates the service, then says it is not sorted after all.
    services.request_status_change(
        actor=None, request=report, to_status=Status.FIXED, public_message="We have cleared the rubbish."
    )
    report.refresh_from_db()
    page.goto(f"/boston/requests/{reference}/feedback/{feedback_token(report)}/")
    checked(page, axe, "Tell us how we did")
    press(page, "Send feedback")
    checked(page, axe, "Tell us how we did", errors=["Select how you feel about the service you received"])
    page.get_by_label("Very satisfied", exact=True).check()
    page.get_by_label("How could we improve this service? (optional)").fill("Quick, thank you")
    press(page, "Send feedback")
    checked(page, axe, "Thank you for your feedback")
    assert Feedback.objects.get(request=report).rating == 5

    page.goto(f"/boston/requests/{reference}/")
    checked(page, axe, "Fly-tipping")
    expect(page.get_by_text("We have cleared the rubbish.")).to_be_visible()
    page.get_by_role("link", name="Dispute the closure").click()
    checked(page, axe, "Dispute the closure")
    page.get_by_label("Why is the problem not sorted?").fill("Only half of it was taken")
    press(page, "Reopen my report")
    checked(page, axe, "Fly-tipping")
    report.refresh_from_db()
    assert report.status == Status.INVESTIGATING
    assert nearby.pk != report.pk


def test_report_and_track_without_javascript(no_js_page, axe_without_js, demo):
    page, axe = no_js_page, axe_without_js
    fly_tipping = Category.objects.get(council=demo, slug="fly-tipping")
    assert fly_tipping.allow_anonymous

    page.goto("/boston/report/")
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
    checked(page, axe, "Report a problem")
    page.get_by_role("button", name="Start now").click()
    checked(page, axe, "What is the problem?")
    page.get_by_label("Fly-tipping").check()
    press(page, "Continue")

    # An answer that needs a phone call ends the online form.
    checked(page, axe, "What has been dumped?")
    press(page, "Continue")
    checked(page, axe, "What has been dumped?", errors=["Select an answer for 'What has been dumped?'"])
    page.get_by_label("Possible asbestos or chemicals").check()
    press(page, "Continue")
    checked(page, axe, "You need to contact us straight away")
    expect(page.get_by_text("phone the council now on 01632 960 136")).to_be_visible()
    page.get_by_role("link", name=re.compile("change your answer")).click()
    checked(page, axe, "What has been dumped?")
    page.get_by_label("Possible asbestos or chemicals").uncheck()
    page.get_by_label("Garden waste").check()
    press(page, "Continue")
    checked(page, axe, "About how much is there?")
    page.get_by_label("A car boot load").check()
    press(page, "Continue")
    checked(page, axe, "When did you first see it?")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    press(page, "Continue")
    checked(
        page,
        axe,
        "When did you first see it?",
        errors=["'When did you first see it?' must be a real date, like 27 3 2026"],
    )
    for label in ("Day", "Month", "Year"):
        page.get_by_label(label).fill("")
    press(page, "Continue")

    # Without JavaScript there is no "use my location" button: words always work.
    checked(page, axe, "Where is the problem?")
    expect(page.get_by_role("button", name="Use my current location")).to_have_count(0)
    press(page, "Continue")
    checked(
        page,
        axe,
        "Where is the problem?",
        errors=["Enter where the problem is, like a street name and a nearby landmark"],
    )
    page.get_by_label("Where is the problem?").fill("Footpath behind Witham Road allotments")
    page.get_by_label("Postcode (optional)").fill("pe21 8qr")
    press(page, "Continue")

    checked(page, axe, "Describe the problem")
    expect(page.get_by_text("You can enter up to 2000 characters")).to_be_visible()
    page.get_by_label("Describe the problem").fill("Garden cuttings in black bags")
    press(page, "Continue")

    checked(page, axe, "Add photos (optional)")
    page.set_input_files(
        "#id_photos", files=[{"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"this is a text file"}]
    )
    press(page, "Upload photo")
    checked(page, axe, "Add photos (optional)", errors=["The selected file must be a JPG, PNG, WebP or HEIC photo"])
    press(page, "Continue")

    checked(page, axe, "Your contact details")
    press(page, "Continue")
    checked(
        page,
        axe,
        "Your contact details",
        errors=[
            "Enter your full name",
            "Enter an email address or a UK mobile number, so we can tell you what happens",
        ],
    )
    page.get_by_label("Full name").fill("Sam Smith")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("UK mobile number").fill("07700 900 123")
    page.get_by_label("By email and text message").check()
    press(page, "Continue")

    checked(page, axe, "Check your answers before sending your report")
    expect(page.get_by_text("PE21 8QR")).to_be_visible()
    # Change one answer: the form comes straight back here.
    page.get_by_role("link", name="Change description").click()
    checked(page, axe, "Describe the problem")
    page.get_by_label("Describe the problem").fill("Garden cuttings in six black bags")
    press(page, "Continue")
    checked(page, axe, "Check your answers before sending your report")
    expect(page.get_by_text("Garden cuttings in six black bags")).to_be_visible()
    press(page, "Send report")

    checked(page, axe, "Report sent")
    reference = page.locator(".govuk-panel__body strong").inner_text()
    report = ServiceRequest.objects.get(council=demo, number=int(reference.split("-")[1]))
    assert report.reporter_phone == "07700900123"
    assert report.events.filter(kind=EventKind.CREATED).exists()
    expect(page.get_by_text(f"{report.expected_by:%-d %B %Y}")).to_be_visible()

    # Another browser: find it by its reference and the email address, then add to it.
    page.context.clear_cookies()
    page.goto("/boston/requests/find/")
    checked(page, axe, "Track a request")
    page.get_by_label("Reference number").fill(reference)
    page.get_by_label("Email address or mobile number").fill("someone.else@example.org")
    press(page, "Find my request")
    checked(
        page,
        axe,
        "Track a request",
        errors=[
            "We could not find a report with that reference number and email address or mobile number. "
            "Check them and try again"
        ],
    )
    page.get_by_label("Email address or mobile number").fill("07700900123")
    press(page, "Find my request")
    checked(page, axe, "Fly-tipping")
    expect(page.get_by_text("Sam")).to_have_count(0)
    page.get_by_role("link", name="Add an update").click()
    checked(page, axe, "Add an update")
    expect(page.get_by_label("Email address or mobile number")).to_have_count(0)
    page.get_by_label("Your update").fill("The bags have split open")
    press(page, "Add update")
    checked(page, axe, "Fly-tipping")

    # A neighbour adds their support.
    page.context.clear_cookies()
    page.goto(f"/boston/requests/{reference}/")
    page.get_by_role("button", name="Add your support").click()
    checked(page, axe, "Add your support")
    press(page, "Add your support")
    checked(
        page,
        axe,
        "Add your support",
        errors=["Enter an email address or a UK mobile number, so we can tell you what happens"],
    )
    page.get_by_label("Email address").fill("neighbour@example.org")
    press(page, "Add your support")
    checked(page, axe, "Fly-tipping")
    expect(page.get_by_text("1 other person")).to_be_visible()

    # Once closed, only the reporter can dispute it.
    services.request_status_change(
        actor=None,
        request=report,
        to_status=Status.CLOSED,
        public_message="This is on private land, so the owner must clear it.",
    )
    page.goto(f"/boston/requests/{reference}/dispute/")
    checked(page, axe, "Dispute the closure")
    page.get_by_label("Why is the problem not sorted?").fill("It is a public footpath")
    page.get_by_label("Email address or mobile number").fill("neighbour@example.org")
    press(page, "Reopen my report")
    checked(
        page,
        axe,
        "Dispute the closure",
        errors=[
            "We could not match that email address or mobile number to this report. Enter the one you gave when "
            "you reported it"
        ],
    )
    page.get_by_label("Email address or mobile number").fill("sam@example.org")
    press(page, "Reopen my report")
    checked(page, axe, "Fly-tipping")
    report.refresh_from_db()
    assert report.status == Status.INVESTIGATING
    assert report.closed_at is None and report.status_changed_at <= timezone.now()


def test_adding_support_instead_of_reporting_again(page, axe, demo, live_server):
    fly_tipping = Category.objects.get(council=demo, slug="fly-tipping")
    existing = services.request_create(
        council=demo,
        category=fly_tipping,
        description="Builders' rubble",
        location_text="Corner of Tawney Street",
        latitude=LATITUDE,
        longitude=LONGITUDE + 0.001,
        answers={"waste_type": ["building"], "size": "van"},
        reporter_name="Nina Neighbour",
        reporter_email="nina@example.org",
    )
    requests_before = ServiceRequest.objects.count()
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": LATITUDE, "longitude": LONGITUDE})
    page.goto("/boston/report/category/")
    page.get_by_label("Fly-tipping").check()
    press(page, "Continue")
    page.get_by_label("Building rubble").check()
    press(page, "Continue")
    page.get_by_label("A van load or more").check()
    press(page, "Continue")
    press(page, "Continue")
    page.get_by_role("button", name="Use my current location").click()
    expect(page.locator("[data-location-status]")).to_contain_text("We have added your current location")
    press(page, "Continue")
    page.get_by_label("Describe the problem").fill("Rubble on the corner")
    press(page, "Continue")
    press(page, "Continue")
    page.get_by_label("Full name").fill("Pat Passer-by")
    page.get_by_label("Email address").fill("pat@example.org")
    press(page, "Continue")

    checked(page, axe, "Is it one of these?")
    expect(page.get_by_text("About 70 metres from you")).to_be_visible()
    page.get_by_role("button", name=f"Add your support to {existing.reference}").click()
    checked(page, axe, "Support added")
    existing.refresh_from_db()
    assert existing.supporter_count == 1
    assert ServiceRequest.objects.count() == requests_before
