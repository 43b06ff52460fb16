"""
The staff back office in a real Chromium: staff sign in through the form, work the queue, a
request's page, the contact centre's form and the categories pages, with axe-core finding no
WCAG 2.2 AA or best-practice problem on any of them, and change a status without JavaScript.
"""

import re

import pytest
from helpers import COUNCIL, acting_in_session, open_page, sign_in
from playwright.sync_api import expect

from joinedup.accounts.models import User
from joinedup.service_requests import services
from joinedup.service_requests.models import Category, ContactPreference, ServiceRequest, Status

pytestmark = pytest.mark.browser

STAFF_EMAIL = "staff@example.org"
ADMIN_EMAIL = "admin@example.org"


@pytest.fixture
def demo(demo):
    """The demo councils, users and categories, and three Boston requests made through the services."""
    council = demo
    staff = User.objects.get(email=STAFF_EMAIL)
    fly_tipping = Category.objects.get(council=council, slug="fly-tipping")
    litter = Category.objects.get(council=council, slug="litter")
    made = []
    for category, answers, where in (
        (fly_tipping, {"waste_type": ["furniture"], "size": "car"}, "Lay-by on Spilsby Road"),
        (litter, {}, "Central Park, by the bandstand"),
        (fly_tipping, {"waste_type": ["household"], "size": "bag"}, "Behind the library"),
    ):
        made.append(
            services.request_create(
                council=council,
                category=category,
                description="Please clear it up.",
                location_text=where,
                answers=answers,
                reporter_name="Rosa Resident",
                reporter_email="resident@example.org",
                contact_preference=ContactPreference.EMAIL,
            )
        )
    services.request_assign(actor=acting_in_session(staff), request=made[1], officer=staff)
    return {"council": council, "requests": made}


def click(page, role, name, **options):
    page.get_by_role(role, name=name, **options).click()
    page.wait_for_load_state()


def test_staff_work_the_queue_and_a_request(page, axe, demo):
    first = demo["requests"][0]
    sign_in(page, STAFF_EMAIL, f"/{COUNCIL}/staff/requests/", check_url=True)
    expect(page.locator("h1")).to_have_text("Requests")
    expect(page.get_by_role("link", name=first.reference)).to_be_visible()
    axe(page)

    # Filter: only the requests assigned to me.
    page.get_by_label("Assigned to").select_option("me")
    click(page, "button", "Apply filters")
    expect(page.get_by_role("heading", name=re.compile(r"^1 request"))).to_be_visible()
    axe(page)

    # A bulk change with nothing selected explains what to do.
    page.get_by_label("New status").select_option(Status.INVESTIGATING.value)
    click(page, "button", "Change the selected requests")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the requests to change")
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe(page)

    open_page(page, f"/{COUNCIL}/staff/requests/")
    click(page, "link", first.reference)
    expect(page.locator("h1")).to_have_text(first.reference)
    expect(page.get_by_text("What has been dumped?")).to_be_visible()
    expect(page.get_by_text("resident@example.org").first).to_be_visible()
    axe(page)

    # Closing without a message names the problem.
    page.get_by_label("New status").select_option(Status.CLOSED.value)
    click(page, "button", "Preview the message")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Say why, in the message to the resident")).to_be_visible()
    axe(page)

    # A template fills the message, the preview shows it with the placeholders filled in.
    page.get_by_label("Response template").select_option(label="Work booked (Action scheduled)")
    click(page, "button", "Use this template")
    expect(page.get_by_label("Message to the resident", exact=True)).to_have_value(
        re.compile(re.escape(first.reference))
    )
    click(page, "button", "Preview the message")
    expect(page.get_by_role("heading", name="Check the message before you send it")).to_be_visible()
    expect(page.locator("#preview-message")).to_contain_text(f"Your reference is {first.reference}.")
    axe(page)
    click(page, "button", "Change the status and send")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Status changed to 'Action scheduled'")
    axe(page)

    page.get_by_label("Internal note", exact=True).fill("Needs the big van.")
    click(page, "button", "Add the note")
    expect(page.get_by_text("Needs the big van.")).to_be_visible()
    axe(page)


def test_the_contact_centre_logs_a_phone_call(page, axe, demo):
    sign_in(page, STAFF_EMAIL, f"/{COUNCIL}/staff/requests/new/", check_url=True)
    expect(page.locator("h1")).to_have_text("Log a request for a resident")
    axe(page)
    click(page, "button", "Continue")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the kind of problem")
    axe(page)

    page.get_by_label("What is the problem about?").select_option(label="Fly-tipping")
    click(page, "button", "Continue")
    expect(page.locator("h1")).to_have_text("Log a fly-tipping request")
    axe(page)

    click(page, "button", "Log the request")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe(page)

    page.get_by_label("Furniture").check()
    page.get_by_label("A car boot load").check()
    page.get_by_label("Describe the problem").fill("An old sofa dumped by the gate")
    page.get_by_label("Where is it?").fill("Field gate on Wyberton Low Road")
    page.get_by_label("Phone").check()
    page.get_by_label("Resident's name").fill("Pat Phoner")
    page.get_by_label("Resident's email address").fill("pat@example.org")
    next_number = ServiceRequest.objects.filter(council=demo["council"]).count() + 1
    click(page, "button", "Log the request")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"Give the resident the reference BBC-{next_number:06d}")
    axe(page)
    logged = ServiceRequest.objects.get(council=demo["council"], number=next_number)
    assert logged.channel == "phone"
    assert logged.logged_by.email == STAFF_EMAIL


def test_category_pages_are_accessible(page, axe, demo):
    council = demo["council"]
    category = Category.objects.get(council=council, slug="fly-tipping")
    sign_in(page, STAFF_EMAIL, f"/{COUNCIL}/staff/categories/", check_url=True)
    expect(page.locator("h1")).to_have_text("Categories")
    axe(page)
    click(page, "link", "Fly-tipping")
    expect(page.locator("h1")).to_have_text("Fly-tipping")
    expect(page.get_by_text("Possible asbestos or chemicals")).to_be_visible()
    axe(page)
    open_page(page, f"/{COUNCIL}/staff/response-templates/")
    expect(page.locator("h1")).to_have_text("Response templates")
    axe(page)
    # Staff can read these pages but not change them.
    open_page(page, f"/{COUNCIL}/staff/categories/{category.pk}/edit/", status=403)


def test_managers_category_forms_are_accessible(page, axe, demo):
    council = demo["council"]
    category = Category.objects.get(council=council, slug="fly-tipping")
    question = category.questions.get(code="size")
    sign_in(page, ADMIN_EMAIL, f"/{COUNCIL}/staff/categories/", check_url=True)
    click(page, "link", "Add a category")
    expect(page.locator("h1")).to_have_text("Add a category")
    axe(page)
    click(page, "button", "Save the category")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)

    open_page(page, f"/{COUNCIL}/staff/categories/{category.pk}/")
    axe(page)
    click(page, "link", "Add a question")
    expect(page.locator("h1")).to_have_text("Add a question")
    page.get_by_label("Question", exact=True).fill("Is it blocking the road?")
    page.get_by_label("Code").fill("blocking")
    page.get_by_label("Choose one").check()
    page.get_by_label("Answers to choose from").fill("no|No\nyes|Yes|Phone us now on 01632 960 136.")
    click(page, "button", "Save the question")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Is it blocking the road?")
    assert category.questions.get(code="blocking").choices[1]["stop_message"] == "Phone us now on 01632 960 136."
    axe(page)

    open_page(page, f"/{COUNCIL}/staff/categories/{category.pk}/questions/{question.pk}/edit/")
    axe(page)
    open_page(page, f"/{COUNCIL}/staff/categories/{category.pk}/questions/{question.pk}/delete/")
    axe(page)
    open_page(page, f"/{COUNCIL}/staff/response-templates/new/")
    page.get_by_label("Message to the resident", exact=True).fill("Hello {name}")
    click(page, "button", "Save the template")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Remove {name}")
    axe(page)


def test_change_a_status_without_javascript(no_js_page, demo):
    page = no_js_page
    request = demo["requests"][2]
    sign_in(page, STAFF_EMAIL, f"/{COUNCIL}/staff/requests/{request.reference}/", check_url=True)
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
    page.get_by_label("New status").select_option(Status.INVESTIGATING.value)
    page.get_by_label("Message to the resident", exact=True).fill("We are looking into {reference} now.")
    click(page, "button", "Preview the message")
    expect(page.locator("#preview-message")).to_have_text(f"We are looking into {request.reference} now.")
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED
    click(page, "button", "Change the status and send")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Status changed to 'Investigating'")
    expect(page.locator("main .govuk-tag").first).to_have_text("Investigating")
    request.refresh_from_db()
    assert request.status == Status.INVESTIGATING
    assert request.events.get(to_status=Status.INVESTIGATING).public_message == (
        f"We are looking into {request.reference} now."
    )
