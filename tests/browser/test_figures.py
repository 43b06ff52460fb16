"""
The figures pages in a real Chromium: a member of the public opens Boston's figures, changes the
period and downloads the CSV; the partnership comparison; staff see feedback comments and enter a
channel cost. axe-core finds no WCAG 2.2 AA problems on any of them, and they work without JavaScript.
"""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from helpers import COUNCIL, open_page, sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def figures(demo):
    call_command("figures_rebuild")
    return demo


def test_public_figures_pages_are_accessible(page, axe, figures):
    open_page(page, f"/{COUNCIL}/")
    page.get_by_role("link", name="How we are doing: our performance figures").click()
    expect(page.locator("h1")).to_contain_text("How we are doing")
    expect(page.locator("#chart-channels")).to_be_visible()
    axe(page)
    page.get_by_text("Change the period or filter the figures").click()
    axe(page)
    page.get_by_role("link", name=re.compile("compare side by side")).click()
    expect(page.locator("h1")).to_contain_text("The councils side by side")
    axe(page)


def test_figures_work_without_javascript_and_download_as_csv(no_js_page, figures):
    page = no_js_page
    open_page(page, f"/{COUNCIL}/figures/")
    page.get_by_text("Change the period or filter the figures").click()
    page.get_by_label("Quarter").select_option(index=1)
    page.locator("form", has=page.get_by_label("Quarter")).get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"period=quarter"))
    expect(page.locator("h1")).to_contain_text("How we are doing")
    page.get_by_text("Change the period or filter the figures").click()
    page.get_by_label("From (for example, 2026-04-01)").fill("2026-01-05")
    page.get_by_label("To (for example, 2026-06-30)").fill("2026-01-01")
    page.get_by_role("button", name="Show these dates").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The end date must be the same as or after")
    with page.expect_download() as download:
        page.locator("#table-summary").locator("xpath=..").get_by_role("link", name=re.compile("^CSV")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("Measure,Unit,")
    assert "Digital take-up" in text


def test_staff_figures_pages_are_accessible(page, axe, figures):
    sign_in(page, "staff@example.org", f"/{COUNCIL}/figures/feedback/")
    expect(page.locator("h1")).to_have_text("Feedback comments")
    axe(page)
    page.goto("/account/")
    expect(page.get_by_role("link", name=re.compile("Figures for Boston"))).to_be_visible()


def test_channel_costs_page_is_accessible(page, axe, figures):
    sign_in(page, "partnership@example.org", f"/{COUNCIL}/figures/costs/")
    expect(page.locator("h1")).to_have_text("Channel costs")
    axe(page)
    page.get_by_role("button", name="Save the cost").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    page.get_by_label("Channel").select_option("phone")
    page.get_by_label("First day of the period").fill("2026-04-01")
    page.get_by_label("Last day of the period").fill("2027-03-31")
    page.get_by_label("Staff employment and training (£)").fill("12000")
    page.get_by_role("button", name="Save the cost").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The cost has been saved")
    axe(page)
