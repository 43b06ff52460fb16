"""
Every page in a real Chromium: it renders, it works without JavaScript, and axe-core finds no
WCAG 2.2 AA or best-practice problems on it.
"""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from helpers import COUNCIL, PASSWORD, complete_two_factor_if_asked, open_page, sign_in
from playwright.sync_api import expect

from joinedup.accounts.models import User

pytestmark = pytest.mark.browser

STAFF_EMAIL = "staff@example.org"
ADMIN_EMAIL = "admin@example.org"


# Public pages


PUBLIC_PAGES = [
    ("/", "Choose your council"),
    (f"/{COUNCIL}/", "Boston Borough Council"),
    (f"/{COUNCIL}/accessibility/", None),
    (f"/{COUNCIL}/privacy/", None),
    (f"/{COUNCIL}/cookies/", None),
    (f"/{COUNCIL}/feedback/", "Give feedback"),
    ("/accessibility/", None),
    ("/privacy/", None),
    ("/cookies/", None),
    ("/feedback/", "Give feedback"),
    ("/account/sign-in/", "Sign in"),
    ("/account/password-reset/", None),
]


@pytest.mark.parametrize(("path", "heading"), PUBLIC_PAGES, ids=[path for path, _ in PUBLIC_PAGES])
def test_public_page_is_accessible(page, axe, demo, path, heading):
    open_page(page, path)
    h1 = page.locator("h1")
    expect(h1).to_have_count(1)
    if heading:
        expect(h1).to_have_text(heading)
    axe(page)


def test_front_page_lists_the_councils(page, axe, demo):
    open_page(page, "/")
    expect(page.get_by_role("heading", name="South and East Lincolnshire Councils Partnership")).to_be_visible()
    for name in ("Boston Borough Council", "East Lindsey District Council", "Wiltshire Council"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    page.get_by_role("link", name="Boston Borough Council", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/{COUNCIL}/$"))
    expect(page.locator("h1")).to_have_text("Boston Borough Council")


def test_page_not_found_is_accessible(page, axe, demo):
    open_page(page, "/no-such-council/", status=404)
    expect(page.locator("h1")).to_have_text("Page not found")
    axe(page)


def test_sign_in_errors_are_accessible(page, axe, demo):
    open_page(page, "/account/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="Enter your email address")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter your password")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe(page)


# Staff pages


def test_staff_pages_are_accessible(page, axe, demo):
    sign_in(page, STAFF_EMAIL, next_url=f"/{COUNCIL}/staff/", check_url=True)
    expect(page.locator("h1")).to_have_text("Staff pages")
    axe(page)

    open_page(page, f"/{COUNCIL}/staff/wards/")
    expect(page.locator("h1")).to_have_text("Wards")
    expect(page.get_by_role("rowheader", name="Fenside")).to_be_visible()
    axe(page)

    open_page(page, f"/{COUNCIL}/staff/history/councils.council/{demo.pk}/")
    expect(page.locator("h1")).to_have_text(re.compile(r"^History of "))
    expect(page.locator("table.govuk-table")).to_be_visible()
    axe(page)


def test_administrator_pages_are_accessible(page, axe, demo):
    sign_in(page, ADMIN_EMAIL, next_url=f"/{COUNCIL}/staff/settings/", check_url=True)
    expect(page.locator("h1")).to_have_text("Council details")
    axe(page)

    open_page(page, f"/{COUNCIL}/staff/service-areas/new/")
    expect(page.locator("h1")).to_have_text("Add a service area")
    axe(page)

    page.get_by_role("button", name="Save service area").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe(page)


def test_two_factor_set_up_is_accessible(page, axe, demo, settings):
    settings.REQUIRE_STAFF_MFA = True
    destination = f"/{COUNCIL}/staff/"
    sign_in(page, STAFF_EMAIL, next_url=destination, two_factor=False)

    expect(page).to_have_url(re.compile(r"/account/two-factor/\?next="))
    expect(page.locator("h1")).to_have_text("Set up two-factor sign-in")
    expect(page.locator(".joinedup-qr svg")).to_be_visible()
    axe(page)

    device = TOTPDevice.objects.get(user=User.objects.get(email=STAFF_EMAIL), confirmed=False)
    code = str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(6)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()

    expect(page).to_have_url(re.compile(rf"{re.escape(destination)}$"))
    expect(page.locator("h1")).to_have_text("Staff pages")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("two-factor authentication")
    axe(page)


# Without JavaScript


def test_site_works_without_javascript(no_js_page, demo):
    page = no_js_page
    open_page(page, "/")
    # The page's own inline script, which adds "js-enabled", did not run.
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
    expect(page.locator("h1")).to_have_text("Choose your council")
    expect(page.get_by_role("link", name="Boston Borough Council", exact=True)).to_be_visible()

    page.get_by_role("link", name="Boston Borough Council", exact=True).click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"/{COUNCIL}/$"))
    expect(page.locator("h1")).to_have_text("Boston Borough Council")
    expect(page.get_by_role("heading", name="Contact BBC")).to_be_visible()

    open_page(page, "/account/sign-in/")
    expect(page.locator("h1")).to_have_text("Sign in")
    page.get_by_label("Email address").fill(STAFF_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    complete_two_factor_if_asked(page, STAFF_EMAIL)
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    open_page(page, f"/{COUNCIL}/staff/")
    expect(page.locator("h1")).to_have_text("Staff pages")
