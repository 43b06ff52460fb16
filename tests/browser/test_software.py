"""
The software estate pages in a real Chromium: each renders for the right people, works without
JavaScript, and axe-core finds no WCAG 2.2 AA or best-practice problems on it.
"""

import datetime

import pytest
from helpers import COUNCIL, open_page, sign_in
from playwright.sync_api import expect

from joinedup.software.models import Application, Entitlement

pytestmark = pytest.mark.browser

BASE = f"/{COUNCIL}/staff/software"


def test_council_software_pages_are_accessible(page, axe, demo):
    sign_in(page, "staff@example.org", f"{BASE}/", check_url=True)
    expect(page.locator("h1")).to_have_text("Applications")
    axe(page)
    application = Application.objects.filter(council=demo).order_by("name").first()
    entitlement = Entitlement.objects.filter(council=demo).select_related("product").first()
    for path, heading in [
        (f"{BASE}/licences/recorded/", "Licences recorded"),
        (f"{BASE}/licences/{entitlement.pk}/edit/", f"Change the {entitlement.product.name} licences"),
        (f"{BASE}/applications/{application.pk}/", application.name),
        (f"{BASE}/applications/{application.pk}/edit/", f"Change {application.name}"),
        (f"{BASE}/applications/new/", "Add an application"),
        (f"{BASE}/products/", "Products"),
        (f"{BASE}/products/new/", "Add a product"),
        (f"{BASE}/contracts/", "Contracts"),
        (f"{BASE}/licences/", "Licence position"),
        (f"{BASE}/contracts/new/", "Add a contract"),
        (f"{BASE}/licences/new/", "Record licences the council owns"),
        (f"{BASE}/renewals/", "Renewals"),
        (f"{BASE}/risks/", "Cyber risk"),
        (f"{BASE}/imports/", "Import usage and licences"),
    ]:
        open_page(page, path, heading)
        axe(page)


def test_application_form_errors_are_accessible(page, axe, demo):
    sign_in(page, "staff@example.org", f"{BASE}/applications/new/")
    page.get_by_label("Business value").fill("11")
    page.get_by_role("button", name="Save application").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)


def test_import_errors_preview_and_confirm_are_accessible(page, axe, demo, tmp_path):
    sign_in(page, "staff@example.org", f"{BASE}/imports/")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Report Refresh Date,User Principal Name,Teams Last Activity Date,Assigned Products\n"
        "2026-11-20,ann@boston.example.org,03/11/2026,OFFICE 365 E3\n"
    )
    page.get_by_label("Microsoft 365 active user detail (CSV)").check()
    page.get_by_label("Upload a file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_role("cell", name="Teams Last Activity Date")).to_be_visible()
    axe(page)

    good = tmp_path / "licences.csv"
    good.write_text("User Principal Name,Licenses\nann@boston.example.org,ENTERPRISEPACK+VISIOCLIENT\n")
    page.get_by_label("Licence assignment export (CSV)").check()
    page.get_by_label("Upload a file").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("h1")).to_have_text("Check the file before importing it")
    axe(page)
    page.get_by_role("button", name="Import the file").click()
    expect(page.locator("h1")).to_have_text("Licence position")
    axe(page)


def test_partnership_page_is_accessible(page, axe, demo):
    path = f"/partnerships/{demo.partnership.slug}/software/"
    sign_in(page, "partnership@example.org", path)
    expect(page.locator("h1")).to_have_text("Software across the partnership")
    expect(page.get_by_role("table").first).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Group by LGSL service instead").click()
    expect(page.get_by_role("table").first).to_be_visible()
    axe(page)


def test_software_pages_work_without_javascript(no_js_page, demo):
    page = no_js_page
    sign_in(page, "staff@example.org", f"{BASE}/applications/new/")
    page.get_by_label("Product", exact=True).select_option(label="Power BI Pro")
    page.get_by_label("Name", exact=True).fill("Performance dashboards")
    page.get_by_role("button", name="Save application").click()
    expect(page.locator("h1")).to_have_text("Performance dashboards")


def test_other_councils_staff_are_refused(page, demo):
    sign_in(page, "wiltshire.staff@example.org", "/wiltshire/staff/software/")
    response = page.goto(f"{BASE}/")
    assert response is not None and response.status == 403


def test_reclaim_and_attestation_pages_are_accessible(page, axe, demo):
    from joinedup.software.models import Attestation, ReclaimRequest

    sign_in(page, "partnership@example.org", f"{BASE}/reclaim-and-attest/")
    expect(page.locator("h1")).to_have_text("Reclaim and attestation")
    axe(page)
    from joinedup.software import workflows
    from joinedup.software.models import Product

    with_candidates = next(
        product.name
        for product in Product.objects.filter(assignments__council=demo).distinct().order_by("name")
        if workflows.reclaim_new_candidates(council=demo, product=product)
    )
    page.get_by_label("Which product?").select_option(label=with_candidates)
    page.get_by_role("button", name="See who would be asked about").click()
    expect(page.locator("h1")).to_have_text("Ask the owner about unused licences")
    expect(page.get_by_role("button", name="Filter the list")).to_be_visible()
    axe(page)  # the candidate list, before anything is sent
    page.get_by_label("Never used it").check()
    page.get_by_role("button", name="Filter the list").click()
    expect(page.locator("caption")).to_contain_text("shown of the")
    axe(page)
    page.get_by_role("button", name="Leave the selected people out").click()  # nobody selected, no reason
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    open_page(page, f"{BASE}/reclaim-and-attest/reclaim/new/?product=", "Ask the owner about unused licences")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    open_page(page, f"{BASE}/reclaim-and-attest/", "Reclaim and attestation")
    page.get_by_role("button", name="Ask the owners").click()  # no date given
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    # The demo has started this year's attestation already: start next year's.
    page.get_by_label("Year").fill(str(datetime.date.today().year + 1))
    page.get_by_label("Owners answer by").fill("2099-01-31")
    page.get_by_role("button", name="Ask the owners").click()
    expect(page.locator("h1")).to_have_text("Reclaim and attestation")
    request = ReclaimRequest.objects.filter(council=demo, status="open").first()
    assert request is not None, "the demo has unused Office 365 E3 licences"
    open_page(page, f"{BASE}/reclaim-and-attest/reclaim/{request.pk}/", f"Keep or reclaim {request.product.name}")
    page.get_by_label("Keep it").check()
    page.get_by_role("button", name="Save answer").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    attestation = Attestation.objects.filter(council=demo, status="pending").first()
    open_page(
        page, f"{BASE}/reclaim-and-attest/attestation/{attestation.pk}/", f"Confirm {attestation.application.name}"
    )
    axe(page)


def test_commitments_calendar_and_generic_import_pages_are_accessible(page, axe, demo, tmp_path):
    from joinedup.software.models import Contract

    contract = Contract.objects.filter(council=demo).first()
    sign_in(page, "staff@example.org", f"{BASE}/contracts/{contract.pk}/commitments/")
    expect(page.locator("h1")).to_have_text("Supplier commitments")
    axe(page)
    open_page(page, f"{BASE}/contracts/{contract.pk}/commitments/new/", "Add a commitment")
    page.get_by_role("button", name="Save commitment").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    open_page(page, f"{BASE}/renewals/calendar/", "Renewals in your calendar")
    page.get_by_role("button", name="Make my calendar address").click()
    expect(page.locator("code").first).to_contain_text("renewals.ics?token=")
    axe(page)
    page.goto(f"{BASE}/imports/")
    usage = tmp_path / "usage.csv"
    usage.write_text("Email,Used on\nann@boston.example.org,20/11/2026\n")
    page.get_by_label("Any other usage file, choosing which column is which (CSV)").check()
    page.get_by_label("Upload a file").set_input_files(str(usage))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("h1")).to_have_text("Choose which column is which")
    axe(page)
    page.get_by_label("Which column names the person?").select_option("Email")
    page.get_by_label("Which column has the date they used it?").select_option("Used on")
    page.get_by_label("Year first: 2026-11-20 (ISO 8601)").check()
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    page.get_by_label("Day first, as in the UK: 20/11/2026").check()
    page.get_by_label("Or, if the whole file is about one product, which product?").select_option(label="Power BI Pro")
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("h1")).to_have_text("Check the file before importing it")
    axe(page)


def test_dashboard_is_accessible_and_needs_no_javascript(page, no_js_page, axe, demo):
    path = f"/partnerships/{demo.partnership.slug}/software/dashboard/"
    sign_in(page, "partnership@example.org", path)
    expect(page.locator("h1")).to_have_text("Software dashboard")
    expect(page.get_by_role("table", name="Yearly spend by council")).to_be_visible()
    axe(page)
    sign_in(no_js_page, "partnership@example.org", path)
    expect(no_js_page.get_by_role("table", name="Yearly spend by council")).to_be_visible()
