"""
The staff pages for Open311 API keys in a real Chromium: each page (and the error state) passes
axe-core's WCAG 2.2 AA checks, a key is shown once, revoking asks first, and it all works
without JavaScript.
"""

import re

import pytest
from helpers import COUNCIL, sign_in
from playwright.sync_api import expect

from joinedup.service_requests.open311.models import ApiClient

pytestmark = pytest.mark.browser

BASE = f"/{COUNCIL}/staff/api-keys"


def test_issue_and_revoke_pages_are_accessible(page, axe, demo):
    sign_in(page, "staff@example.org", f"{BASE}/", check_url=True)
    expect(page.locator("h1")).to_have_text("Open311 API keys")
    axe(page)

    page.get_by_role("link", name="Issue a key").click()
    expect(page.locator("h1")).to_have_text("Issue an Open311 API key")
    axe(page)

    page.get_by_role("button", name="Issue the key").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what the key may do")
    axe(page)

    page.get_by_label("Name of the system that will use the key").fill("FixMyStreet")
    page.get_by_label("Create requests (POST requests)").check()
    page.get_by_label("Post status updates and messages (POST servicerequestupdates)").check()
    page.get_by_role("button", name="Issue the key").click()
    expect(page.locator("h1")).to_have_text("Copy the key for FixMyStreet now")
    expect(page.locator(".govuk-warning-text")).to_contain_text("This is the only time the key is shown")
    key = page.get_by_label("API key").input_value()
    assert key.startswith("jo311_")
    axe(page)

    page.reload()
    expect(page.locator("h1")).to_have_text("The key for FixMyStreet cannot be shown again")
    assert key not in page.content()
    axe(page)

    page.get_by_role("link", name="Back to the keys").click()
    expect(page.get_by_role("row", name=re.compile("FixMyStreet"))).to_contain_text("Active")
    page.get_by_role("link", name="Revoke the key for FixMyStreet").click()
    expect(page.locator("h1")).to_have_text("Revoke the key for FixMyStreet?")
    axe(page)
    page.get_by_role("button", name="Revoke the key").click()
    expect(page.locator("h1")).to_have_text("Open311 API keys")
    expect(page.get_by_role("row", name=re.compile("FixMyStreet"))).to_contain_text("Revoked")
    axe(page)
    assert not ApiClient.objects.get(name="FixMyStreet", council=demo).is_active


def test_keys_work_without_javascript(no_js_page, demo):
    page = no_js_page
    sign_in(page, "staff@example.org", f"{BASE}/new/")
    page.get_by_label("Name of the system that will use the key").fill("Works system")
    page.get_by_label("Post status updates and messages (POST servicerequestupdates)").check()
    page.get_by_role("button", name="Issue the key").click()
    expect(page.locator("h1")).to_have_text("Copy the key for Works system now")
    made = ApiClient.objects.get(name="Works system")
    assert made.can_post_updates and not made.can_create_requests
    page.goto(f"{BASE}/{made.pk}/revoke/")
    page.get_by_role("button", name="Revoke the key").click()
    expect(page.locator("h1")).to_have_text("Open311 API keys")
    made.refresh_from_db()
    assert not made.is_active


def test_other_councils_staff_are_refused(page, demo):
    sign_in(page, "wiltshire.staff@example.org", "/wiltshire/staff/")
    response = page.goto(f"{BASE}/")
    assert response is not None and response.status == 403
