"""
Scrutiny in a real Chromium: the demo scrutiny member goes from "Your account"
to the workspace, adds a recommendation and sees its response due date, saves the scrutiny report
and downloads its PDF; the scrutiny officer records evidence, the executive's response and
progress; the public reads published recommendations and suggests a topic. axe-core finds no
WCAG 2.2 AA or best-practice problems on any scrutiny page, error states included, and the
forms work with JavaScript turned off.
"""

import datetime
import io

import pytest
from helpers import COUNCIL, open_page, sign_in
from playwright.sync_api import expect
from pypdf import PdfReader

from joinedup.scrutiny.models import Committee, DataReport, Recommendation, Report, Topic, response_due

pytestmark = pytest.mark.browser

BASE = f"/{COUNCIL}/scrutiny/"
PARTNERSHIP = "/partnerships/south-east-lincolnshire/scrutiny/"


def heading(page, text):
    expect(page.locator("h1")).to_have_text(text)


def test_member_journey_from_your_account(page, axe, demo):
    sign_in(page, "scrutiny@example.org", "/account/")
    page.get_by_role("link", name="Scrutiny at Boston Borough Council").click()
    heading(page, "Scrutiny")
    axe(page)
    osc = Committee.objects.get(council=demo, code="OSC")

    page.get_by_role("link", name="Overview and Scrutiny Committee", exact=True).click()
    heading(page, "Overview and Scrutiny Committee")
    expect(page.locator("main")).to_contain_text("Version 2 (current)")
    axe(page)

    page.get_by_role("link", name="Closing the loop with residents").click()
    heading(page, "Closing the loop with residents")
    axe(page)
    page.get_by_role("link", name="Add a recommendation").click()
    heading(page, "Add a recommendation")
    page.get_by_role("button", name="Add the recommendation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter recommendation")
    axe(page)
    page.get_by_label("Recommendation", exact=True).fill("Publish the digital take-up figure every quarter.")
    page.get_by_label("Date the executive received it").fill("2027-01-31")
    page.get_by_label("Digital take-up").check()
    page.get_by_role("button", name="Add the recommendation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("response is due by 31 March 2027")
    expect(page.locator("main")).to_contain_text("31 March 2027")
    axe(page)
    rec = Recommendation.objects.get(text="Publish the digital take-up figure every quarter.")
    assert rec.response_due_on == response_due(datetime.date(2027, 1, 31)) == datetime.date(2027, 3, 31)

    open_page(page, f"{BASE}recommendations/", "Recommendations tracker")
    expect(page.locator("main")).to_contain_text("Response overdue")  # the demo's unanswered one
    axe(page)
    page.get_by_label("Show").select_option("overdue")
    page.get_by_role("button", name="Show these").click()
    axe(page)

    open_page(page, f"{BASE}committees/{osc.pk}/programme/", "Work programme")
    axe(page)
    page.get_by_role("link", name="Suggest a topic").click()
    heading(page, "Suggest a topic")
    axe(page)
    page.get_by_label("Topic", exact=True).fill("Council tax online")
    page.get_by_label("What should the committee look at, and why?").fill("Many calls about balances.")
    page.get_by_role("button", name="Add the topic").click()
    heading(page, "Work programme")
    page.get_by_role("link", name="Council tax online").click()
    heading(page, "Council tax online")
    axe(page)
    page.get_by_role("button", name="Save the scores").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Score Timely from 0 to 2")
    axe(page)
    for code in ("T", "O", "P", "I", "C"):
        page.locator(f"#id_score-score_{code}_2").check()
    page.get_by_role("button", name="Save the scores").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("scores 10 out of 10")
    assert Topic.objects.get(title="Council tax online").score_total == 10

    open_page(page, f"{BASE}committees/{osc.pk}/scrutiny-report/", "Scrutiny report: Overview and Scrutiny Committee")
    axe(page)
    page.get_by_role("button", name="Save this version with its PDF").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 1 has been saved")
    axe(page)
    saved = DataReport.objects.get(committee=osc)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this version as a PDF").click()
    data = open(download.value.path(), "rb").read()  # noqa: SIM115
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert saved.data["roadmap"]["capital"] in text
    assert "Publish the digital take-up figure every quarter." in text

    open_page(page, PARTNERSHIP, "Joint scrutiny")
    axe(page)
    page.get_by_role("link", name="Joint Scrutiny Task Group for the Partnership", exact=True).click()
    heading(page, "Joint Scrutiny Task Group for the Partnership")
    axe(page)
    page.get_by_role("link", name="Work programme").click()
    expect(page.locator("main")).to_contain_text("Every 2 years")
    axe(page)


def test_officer_records_evidence_response_and_progress(page, axe, demo, tmp_path):
    osc = Committee.objects.get(council=demo, code="OSC")
    meeting = osc.meetings.order_by("date").first()
    report = Report.objects.get(committee=osc)
    rec = report.recommendations.get(number=1)
    sign_in(page, "scrutiny.officer@example.org", BASE, check_url=True)
    heading(page, "Scrutiny")
    page.get_by_role("link", name="Set up a committee or task group").click()
    heading(page, "Set up a committee or task group")
    page.get_by_role("button", name="Set it up").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)

    open_page(page, f"{BASE}committees/{osc.pk}/members/new/", "Add a member")
    axe(page)
    open_page(page, f"{BASE}scoring-schemes/new/", "Set up a scoring scheme for topics")
    page.get_by_label("Name of the scheme").fill("Risk and value")
    page.get_by_label("Criteria").fill("R | Risk\nR | Repeated")
    page.get_by_label("Total score worth taking on").fill("3")
    page.get_by_role("button", name="Save the scheme").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("the code R is used twice")
    axe(page)
    page.get_by_label("Criteria").fill("R | Risk\nV | Value for money")
    page.get_by_role("button", name="Save the scheme").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The scoring scheme has been saved")
    open_page(page, f"{BASE}committees/{osc.pk}/scoring/", "Choose how topics are scored")
    axe(page)
    open_page(page, f"{BASE}committees/{osc.pk}/terms/new/", "New version of the terms of reference")
    axe(page)
    open_page(page, f"{BASE}committees/{osc.pk}/meetings/new/", "Add a meeting")
    axe(page)
    open_page(page, f"{BASE}committees/{osc.pk}/meetings/{meeting.pk}/items/new/", "Add an agenda item")
    axe(page)
    open_page(page, f"{BASE}committees/{osc.pk}/reports/new/", "Add a report")
    axe(page)
    open_page(page, f"{BASE}recommendations/{rec.pk}/edit/", f"Change recommendation {rec.reference}")
    axe(page)

    open_page(page, f"{BASE}committees/{osc.pk}/meetings/{meeting.pk}/", f"Meeting on {meeting.date:%A %-d %B %Y}")
    axe(page)
    item = meeting.items.first()
    page.get_by_role("link", name=f"Record evidence heard for {item.title}").click()
    heading(page, f"Evidence heard: {item.title}")
    axe(page)
    slides = tmp_path / "slides.pdf"
    slides.write_bytes(b"%PDF-1.4 demo slides")
    page.get_by_label("Who gave the evidence").fill("Head of ICT")
    page.get_by_label("Summary of the evidence").fill("Licences nobody uses cost £40,000 a year.")
    page.get_by_label("Documents").set_input_files(str(slides))
    page.get_by_role("button", name="Save the evidence").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The evidence has been recorded")
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="slides.pdf").click()
    assert open(download.value.path(), "rb").read() == b"%PDF-1.4 demo slides"  # noqa: SIM115

    open_page(page, f"{BASE}recommendations/{rec.pk}/", f"Recommendation {rec.reference}")
    axe(page)
    page.get_by_role("link", name="Record the executive's response").click()
    page.get_by_label("Accepted", exact=True).check()
    page.get_by_label("What the executive said").fill("Agreed.")
    page.get_by_role("button", name="Save the response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the action the executive will take")
    axe(page)
    page.get_by_label("Action", exact=True).fill("Automatic updates at every step.")
    page.get_by_label("Action owner").fill("Head of Customer Services")
    page.get_by_label("Target date").fill("2027-06-30")
    page.get_by_role("button", name="Save the response").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("response has been recorded")
    page.get_by_role("link", name="Record progress").click()
    axe(page)
    page.get_by_label("Progress made").fill("Updates are live for waste requests.")
    page.get_by_label("Amber: acceptable progress").check()
    page.get_by_role("button", name="Save the update").click()
    expect(page.locator("main")).to_contain_text("Updates are live for waste requests.")
    axe(page)
    page.get_by_role("button", name="Sign off as complete").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("signed off as complete")
    axe(page)


def test_public_pages(page, axe, demo):
    open_page(page, f"{BASE}published/", "Scrutiny recommendations and responses")
    expect(page.locator("main")).to_contain_text("Closing the loop with residents")
    axe(page)
    open_page(page, f"{PARTNERSHIP}published/", "Scrutiny recommendations and responses")
    expect(page.locator("main")).to_contain_text("add a glossary to the Strategy")
    axe(page)
    page.goto(f"{BASE}suggest/")
    heading(page, "Suggest a topic for scrutiny")
    axe(page)
    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    page.get_by_label("What should the councillors look at?").fill("Potholes on Main Road")
    page.get_by_label("Why does it matter?").fill("They have been there for months.")
    page.get_by_role("button", name="Send the suggestion").click()
    heading(page, "Suggestion sent")
    axe(page)
    assert Topic.objects.filter(source="public", title="Potholes on Main Road").exists()
    # Signed-out people reach no workspace page.
    response = page.goto(BASE)
    assert "/account/sign-in/" in page.url and response.status == 200


def test_portfolio_holder_reads_the_workspace_and_their_pack(page, axe, demo):
    sign_in(page, "portfolio.holder@example.org", f"{BASE}portfolio-holder-pack/", check_url=True)
    expect(page.locator("h1")).to_contain_text("Portfolio holder pack:")
    expect(page.locator("main")).to_contain_text("Customer Services")
    axe(page)
    page.get_by_label("Month").select_option(index=2)
    page.get_by_role("button", name="Show this month").click()
    expect(page.locator("main")).to_contain_text("Waste and Recycling")
    axe(page)
    open_page(page, BASE, "Scrutiny")
    expect(page.get_by_role("link", name="Set up a committee or task group")).to_have_count(0)
    osc = Committee.objects.get(council=demo, code="OSC")
    open_page(page, f"{BASE}committees/{osc.pk}/programme/new/", status=403)
    axe(page)


def test_everything_works_without_javascript(no_js_page, demo):
    """The same forms, with JavaScript turned off: nothing on these pages needs it."""
    page = no_js_page
    osc = Committee.objects.get(council=demo, code="OSC")
    report = Report.objects.get(committee=osc)
    sign_in(page, "scrutiny@example.org", f"{BASE}reports/{report.pk}/recommendations/new/")
    page.get_by_label("Recommendation", exact=True).fill("Without JavaScript.")
    page.get_by_label("Date the executive received it").fill("2026-12-30")
    page.get_by_role("button", name="Add the recommendation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("response is due by 28 February 2027")
    open_page(page, f"{BASE}committees/{osc.pk}/scrutiny-report/?as_of=2026-10-01", None)
    expect(page.locator("main")).to_contain_text("as it stood on 1 October 2026")
    page.get_by_role("button", name="Save this version with its PDF").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 1 has been saved")
    assert DataReport.objects.get(committee=osc).as_of == datetime.date(2026, 10, 1)
    page.goto(f"{BASE}suggest/")
    page.get_by_label("What should the councillors look at?").fill("Street lights")
    page.get_by_label("Why does it matter?").fill("Dark streets.")
    page.get_by_role("button", name="Send the suggestion").click()
    heading(page, "Suggestion sent")
