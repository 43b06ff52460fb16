"""
The councillor interface in a real Chromium: the demo councillor signs in, sees their wards,
raises an enquiry, escalates a request and has a digest; officers answer; residents see their
councillors. axe-core finds no WCAG 2.2 AA or best-practice problems on any councillor page,
and the pages work without JavaScript (the ward map is only an extra).
"""

import re

import pytest
from helpers import COUNCIL, open_page, sign_in
from playwright.sync_api import expect

from joinedup.councillors.models import Councillor, Escalation, MemberEnquiry
from joinedup.notifications.models import Message
from joinedup.service_requests.models import ServiceRequest

pytestmark = pytest.mark.browser


def test_councillor_journey_is_accessible(page, axe, demo):
    councillor = Councillor.objects.get(council=demo, email="councillor@example.org")
    ward = councillor.wards.order_by("gss_code").first()
    assert Message.objects.filter(event="councillor.digest", recipient="councillor@example.org").exists()

    sign_in(page, "councillor@example.org", f"/{COUNCIL}/councillors/")
    expect(page.locator("h1")).to_have_text("Your wards")
    axe(page)

    page.get_by_role("link", name=ward.name).click()
    expect(page.locator("h1")).to_have_text(f"{ward.name} ward dashboard")
    expect(page.locator("#ward-map svg")).to_be_visible()  # the map, drawn because JavaScript runs
    axe(page)
    page.get_by_label("Status").select_option("")
    page.get_by_label("Period").select_option("365")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"status=&period=365"))
    axe(page)

    request = ServiceRequest.objects.filter(council=demo, ward=ward, involve_councillor=True).first()
    page.get_by_role("link", name=request.reference).click()
    expect(page.locator("h1")).to_have_text(request.reference)
    expect(page.locator("#resident-details")).to_contain_text("Rosa Resident")
    axe(page)
    page.get_by_role("button", name="Escalate").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    page.get_by_label("Why are you escalating it?").fill("The hedge still blocks the pavement.")
    page.get_by_role("button", name="Escalate").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have escalated")
    axe(page)
    page.get_by_role("button", name="Follow this request").click()
    expect(page.get_by_role("button", name="Stop following")).to_be_visible()
    assert Escalation.objects.filter(request=request).count() == 1

    open_page(page, f"/{COUNCIL}/councillors/enquiries/new/", "Raise a member enquiry")
    axe(page)
    page.get_by_role("button", name="Send the enquiry").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    page.get_by_label("Which service area is it for?").select_option(label="Waste and Recycling")
    page.get_by_label("What is it about?").fill("Missed collections on Mill Lane")
    page.get_by_label("The enquiry").fill("Mr Jones has had three missed collections this month.")
    page.get_by_label("Resident's name").fill("Jack Jones")
    page.get_by_role("button", name="Send the enquiry").click()
    expect(page.locator("h1")).to_have_text("Missed collections on Mill Lane")
    axe(page)

    open_page(page, f"/{COUNCIL}/councillors/preferences/", "How you hear about updates")
    axe(page)


def test_public_ward_pages_and_tracking_page_are_accessible(page, axe, demo):
    ward = Councillor.objects.get(council=demo, email="councillor@example.org").wards.first()
    open_page(page, f"/{COUNCIL}/wards/", "Wards and councillors")
    axe(page)
    page.get_by_role("link", name=ward.name).click()
    expect(page.locator("h1")).to_have_text(f"{ward.name} ward")
    expect(page.get_by_text("Cllr Chris Councillor")).to_be_visible()
    axe(page)
    request = ServiceRequest.objects.filter(council=demo, ward=ward).first()
    page.goto(f"/{COUNCIL}/requests/{request.reference}/")
    expect(page.get_by_role("heading", name=f"Your councillors for {ward.name}")).to_be_visible()
    axe(page)


def test_officer_pages_are_accessible(page, axe, demo):
    escalation = Escalation.objects.filter(council=demo).first()
    enquiry = MemberEnquiry.objects.filter(council=demo).first()
    sign_in(page, "staff@example.org", f"/{COUNCIL}/staff/councillors/")
    expect(page.locator("h1")).to_have_text("Councillors")
    axe(page)
    open_page(page, f"/{COUNCIL}/staff/councillors/enquiries/", "Member enquiries")
    axe(page)
    page.goto(f"/{COUNCIL}/staff/requests/")
    expect(page.get_by_text("Member enquiry").first).to_be_visible()
    axe(page)
    open_page(page, f"/{COUNCIL}/councillors/enquiries/{enquiry.reference}/", enquiry.subject)
    page.get_by_label("Your reply").fill("An assisted collection starts next week.")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your reply has been added")
    axe(page)
    page.goto(f"/{COUNCIL}/staff/requests/{escalation.request.reference}/")
    expect(page.locator("#councillors")).to_be_visible()
    axe(page)
    page.get_by_role("link", name=re.compile("Answer the councillor")).click()
    expect(page.locator("h1")).to_have_text("Answer the councillor")
    axe(page)
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    page.get_by_label("Your answer to the councillor").fill("The crew goes on Friday.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator("h1")).to_have_text(escalation.request.reference)


def test_import_and_settings_pages_are_accessible(page, axe, demo, tmp_path):
    sign_in(page, "admin@example.org", f"/{COUNCIL}/staff/councillors/import/")
    expect(page.locator("h1")).to_have_text("Import councillors")
    axe(page)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email,ward_code,party,term_start,term_end\nAnn,not-an-email,E05999999,,2023-05-04,\n")
    page.get_by_label("Upload the list of councillors").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_role("cell", name="ward_code")).to_be_visible()
    axe(page)
    # A correct file that leaves out a current councillor: they are named, and ending terms is a choice.
    councillors = list(Councillor.objects.filter(council=demo).prefetch_related("wards").order_by("name"))
    left_out = councillors[0]
    rows = [
        f"{c.name},{c.email},{w.gss_code},{c.party},{c.term_start:%Y-%m-%d},"
        for c in councillors[1:]
        for w in c.wards.all()
    ]
    good = tmp_path / "good.csv"
    good.write_text("name,email,ward_code,party,term_start,term_end\n" + "\n".join(rows) + "\n")
    page.get_by_label("Upload the list of councillors").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("h1")).to_have_text("Check the councillors not in the file")
    expect(page.locator("#missing-councillors")).to_contain_text(left_out.name)
    expect(page.get_by_label(re.compile("^No: leave"))).to_be_checked()
    axe(page)
    page.get_by_label(re.compile("^Yes: this file lists every current councillor")).check()
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 term ended")
    axe(page)
    left_out.refresh_from_db()
    assert left_out.term_end is not None
    open_page(page, f"/{COUNCIL}/staff/councillors/settings/", "Member enquiry target")
    axe(page)
    page.get_by_label("Working days to answer a member enquiry").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)


def test_resident_sees_enquiries_made_for_them(page, axe, demo):
    enquiry = MemberEnquiry.objects.get(council=demo, resident__email="resident@example.org")
    sign_in(page, "resident@example.org", f"/{COUNCIL}/councillors/about-me/")
    expect(page.locator("h1")).to_have_text("Enquiries your councillor made for you")
    axe(page)
    page.get_by_role("link", name=re.compile(enquiry.reference)).click()
    expect(page.locator("h1")).to_have_text(enquiry.subject)
    axe(page)


def test_dashboard_and_escalation_work_without_javascript(no_js_page, demo):
    page = no_js_page
    ward = Councillor.objects.get(council=demo, email="councillor@example.org").wards.order_by("gss_code").first()
    sign_in(page, "councillor@example.org", f"/{COUNCIL}/councillors/wards/{ward.gss_code}/")
    expect(page.locator("h1")).to_have_text(f"{ward.name} ward dashboard")
    expect(page.locator("#ward-map svg")).to_have_count(0)
    expect(page.get_by_role("table").last).to_be_visible()
    request = ServiceRequest.objects.filter(council=demo, ward=ward).exclude(escalations__isnull=False).first()
    page.goto(f"/{COUNCIL}/councillors/requests/{request.reference}/")
    page.get_by_label("Why are you escalating it?").fill("Please look again")
    page.get_by_role("button", name="Escalate").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have escalated")


def test_other_councils_councillors_and_residents_are_refused(page, demo):
    ward = Councillor.objects.get(council=demo, email="councillor@example.org").wards.first()
    sign_in(page, "resident@example.org", f"/{COUNCIL}/")
    response = page.goto(f"/{COUNCIL}/councillors/wards/{ward.gss_code}/")
    assert response is not None and response.status == 403
    response = page.goto(f"/{COUNCIL}/councillors/")
    assert response is not None and response.status == 403
