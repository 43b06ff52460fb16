"""
The portfolio in a real Chromium: an officer takes an idea through vetting, scoring, the
business case, its appraisal and gate onto the roadmap; a scrutiny member questions a project.
axe-core finds no WCAG 2.2 AA or best-practice problems on any page, error pages included.
"""

import re

import pytest
from helpers import COUNCIL, sign_in
from playwright.sync_api import expect

from joinedup.portfolio.models import Proposal, Stage

pytestmark = pytest.mark.browser

BASE = f"/{COUNCIL}/staff/portfolio"


def heading(page, text):
    expect(page.locator("h1")).to_have_text(text)


def test_idea_to_approved_project(page, axe, demo):
    sign_in(page, "staff@example.org", f"{BASE}/")
    heading(page, "Project portfolio")
    axe(page)

    # Intake, first with mistakes.
    page.get_by_role("link", name="Propose an idea").click()
    heading(page, "Propose an idea")
    axe(page)
    page.get_by_label("Rough one-off cost (£)").fill("-10")
    page.get_by_role("button", name="Save the idea").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the name of the idea")
    axe(page)
    page.get_by_label("Name of the idea").fill("Report a missed bin online")
    page.get_by_label("The problem it solves").fill("Residents phone to report missed bins and wait on hold.")
    page.get_by_label("Residents", exact=True).check()
    page.get_by_label("Staff", exact=True).check()
    page.get_by_label("Rough one-off cost (£)").fill("30000")
    page.get_by_label("Rough running cost a year (£)").fill("5000")
    page.get_by_label("Timescale in months").fill("6")
    page.get_by_label("Expected benefits").fill("Fewer calls; crews see reports straight away.")
    page.get_by_label("High: needed within 6 months").check()
    page.get_by_label(re.compile("^SO1:")).check()
    page.get_by_role("button", name="Save the idea").click()
    heading(page, "Report a missed bin online")
    axe(page)
    proposal = Proposal.objects.get(title="Report a missed bin online")
    url = f"{BASE}/proposals/{proposal.pk}/"

    # Vetting: evidence is needed for an answer.
    page.get_by_role("link", name="Answer the vetting questions").click()
    heading(page, "Vetting checklist: Triage")
    page.locator("#id_customer_journey_status_0").check()
    page.get_by_role("button", name="Save the answers").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("give the evidence")
    axe(page)
    page.locator("#id_customer_journey_evidence").fill("1,200 missed-bin calls a month.")
    for item in ("staff_work", "strategy_fit", "duplication", "cyber", "data_protection", "accessibility"):
        page.locator(f"#id_{item}_status_0").check()
        page.locator(f"#id_{item}_evidence").fill("Checked by the ICT team.")
    page.get_by_role("button", name="Save the answers").click()
    heading(page, "Report a missed bin online")
    # The route follows the partnership's threshold (£30,000 plus five years at £5,000 is under £2m).
    expect(page.locator("main")).to_contain_text("One business justification case")

    page.goto(f"{url}vetting/?phase=alpha")
    heading(page, "Vetting checklist: Alpha")
    axe(page)

    # Scoring.
    page.goto(f"{url}score/")
    heading(page, "Score against the objectives")
    axe(page)
    page.get_by_label(re.compile("^SO1:")).select_option("4")
    page.get_by_label("Why this score for SO1").fill("Residents can report at any time.")
    page.get_by_role("button", name="Save scores").click()
    heading(page, "Report a missed bin online")

    # Business case, option with a gap in its years, then the gate.
    page.get_by_role("link", name="Start a business case stage").click()
    heading(page, "Start a business case")
    axe(page)
    page.get_by_label("Business justification case").check()
    page.get_by_role("button", name="Start the case").click()
    heading(page, "Write the business justification case")
    axe(page)
    page.get_by_label("Strategic case").fill("Missed-bin calls are the top reason residents phone us.")
    page.get_by_label("Economic case").fill("An online form against business as usual.")
    page.get_by_label("Commercial case").fill("A module of the existing customer platform.")
    page.get_by_label("Financial case").fill("From the ICT reserve.")
    page.get_by_label("Management case").fill("The waste team's manager is the senior responsible owner.")
    page.get_by_role("button", name="Save the case").click()
    heading(page, "Business justification case")
    axe(page)
    page.get_by_role("link", name="Add an option").click()
    heading(page, "Add an option")
    page.get_by_label("Name of the option").fill("Online form linked to the crews' tablets")
    page.get_by_label("Preferred option").check()
    page.get_by_label("Cash flows by year").fill("0, 30000, 0, 0\n2, 0, 5000, 40000")
    page.get_by_role("button", name="Save the option").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("missing year 1")
    axe(page)
    page.get_by_label("Cash flows by year").fill("0, 30000, 0, 0\n1, 0, 5000, 40000\n2, 0, 5000, 40000")
    page.get_by_role("button", name="Save the option").click()
    heading(page, "Business justification case")
    expect(page.locator("table").first).to_contain_text("Net present social value")
    # Staff write the case; only a portfolio board member records the gate decision.
    expect(page.get_by_role("link", name="Record the gate decision")).to_have_count(0)
    case_url = page.url
    page.context.clear_cookies()
    sign_in(page, "board@example.org", case_url)
    page.get_by_role("link", name="Record the gate decision").click()
    heading(page, "Record the gate decision on the business justification case")
    axe(page)
    page.get_by_label("Go", exact=True).check()
    page.get_by_label("Date of the decision").fill("2031-11-20")
    page.get_by_label("Reasons").fill("Quick to deliver.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("cannot be in the future")
    axe(page)
    page.get_by_label("Date of the decision").fill("2026-11-20")
    page.get_by_role("button", name="Record the decision").click()
    # The preferred option's value for money is Poor: a 'go' needs a recorded justification.
    expect(page.locator(".govuk-error-summary")).to_contain_text("value for money is Poor")
    page.get_by_label("Why go ahead despite Poor or Low value for money").fill("Residents asked for it.")
    page.get_by_role("button", name="Record the decision").click()
    heading(page, "Report a missed bin online")
    expect(page.locator("main .govuk-tag").first).to_have_text("Approved")
    expect(page.locator("main")).to_contain_text("Approved figures")
    axe(page)
    proposal.refresh_from_db()
    assert proposal.stage == Stage.APPROVED
    case = proposal.business_cases.get()
    page.goto(f"{url}cases/{case.pk}/versions/1/")
    heading(page, "Business justification case, version 1")
    expect(page.locator("main")).to_contain_text("Approved version")
    expect(page.locator("main")).to_contain_text("Bea Board")
    axe(page)
    page.context.clear_cookies()
    sign_in(page, "staff@example.org", url)

    # Onto the roadmap.
    page.get_by_role("link", name="Set the dates and dependencies").click()
    heading(page, "Dates and dependencies")
    axe(page)
    page.get_by_label("Start date").fill("2027-01-04")
    page.get_by_label("End date").fill("2027-06-30")
    page.get_by_role("button", name="Save dates").click()
    for path, title in [
        (f"{BASE}/roadmap/", "Roadmap"),
        (f"{BASE}/ranking/", "Ranked list of proposals"),
        (f"{BASE}/selection/?capital_limit=2500000&revenue_limit=400000", "Choose projects within a budget"),
        (f"{BASE}/strategy/", "Objectives and weights"),
        (f"{url}business-case.html", "Business case: Report a missed bin online"),
        (f"{url}status/new/", "Add a status report"),
        (f"{url}benefits/new/", "Add a benefit"),
    ]:
        page.goto(path)
        heading(page, title)
        axe(page)
    page.goto(f"{BASE}/roadmap/")
    expect(page.locator("table")).to_contain_text("Report a missed bin online")


def test_member_questions_a_project_and_sees_why_it_ranks(page, axe, demo):
    project = Proposal.objects.get(title="Assisted self-service in customer service centres")
    url = f"{BASE}/proposals/{project.pk}/"
    sign_in(page, "scrutiny@example.org", url)
    heading(page, project.title)
    axe(page)
    expect(page.get_by_role("link", name="Change the idea")).to_have_count(0)
    page.get_by_role("button", name="Send the question").click()
    heading(page, "Ask a question")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your question")
    axe(page)
    page.get_by_label("Your question").fill("What share of visitors used the kiosks without help?")
    page.get_by_role("button", name="Send the question").click()
    heading(page, project.title)
    expect(page.locator("main")).to_contain_text("What share of visitors used the kiosks without help?")
    page.goto(f"{BASE}/ranking/")
    heading(page, "Ranked list of proposals")
    expect(page.locator("table")).to_contain_text("SO1")
    axe(page)
    assert page.goto(f"{url}edit/").status == 403


def test_partnership_roadmap_and_weights_pages(page, axe, demo):
    sign_in(page, "partnership@example.org", "/partnerships/south-east-lincolnshire/portfolio/")
    heading(page, "Roadmap for the partnership")
    axe(page)
    page.get_by_label("Council taking part").select_option("east-lindsey")
    page.get_by_role("button", name="Filter").click()
    axe(page)
    page.get_by_role("link", name="Ranked list").click()
    heading(page, "Ranked list for the partnership")
    expect(page.locator("table")).to_contain_text("East Lindsey")
    axe(page)
    page.goto(f"{BASE}/strategy/weights/compare/")
    heading(page, "Set the weights by comparing pairs")
    page.get_by_label("How much more does SO1 matter than SO2?").fill("10")
    page.get_by_role("button", name="Work out the weights").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("outside the scale")
    axe(page)
    page.goto(f"{BASE}/strategy/weights/")
    heading(page, "Set the weights directly")
    axe(page)


def test_intake_and_budget_selection_work_without_javascript(no_js_page, demo):
    # axe-core needs JavaScript, so it runs on these pages in the tests above instead.
    page = no_js_page
    sign_in(page, "staff@example.org", f"{BASE}/proposals/new/")
    heading(page, "Propose an idea")
    page.get_by_role("button", name="Save the idea").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the name of the idea")
    page.goto(f"{BASE}/selection/")
    page.get_by_label("Capital budget (£)").fill("300000")
    page.get_by_label("Revenue budget a year (£)").fill("100000")
    page.get_by_role("button", name="Find the best set").click()
    heading(page, "Choose projects within a budget")
    expect(page.locator("main")).to_contain_text("The best set")


PARTNERSHIP = "/partnerships/south-east-lincolnshire/portfolio"


def test_partnership_budget_selection(page, axe, demo):
    sign_in(page, "partnership@example.org", f"{PARTNERSHIP}/selection/")
    heading(page, "Choose projects within the partnership's budget")
    axe(page)
    # A project forced in that costs more than the budget is a clear error, not a crash.
    page.get_by_label("Capital budget (£)").fill("1")
    page.get_by_label("Revenue budget a year (£)").fill("1")
    page.locator("input[name=forced_in]").first.check()
    page.get_by_role("button", name="Find the best set").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("already cost more than the budget")
    expect(page.locator("main")).not_to_contain_text("The best set")
    axe(page)
    page.locator("input[name=forced_in]").first.uncheck()
    page.get_by_label("Capital budget (£)").fill("2500000")
    page.get_by_label("Revenue budget a year (£)").fill("400000")
    page.get_by_role("button", name="Find the best set").click()
    expect(page.locator("main")).to_contain_text("The best set")
    expect(page.locator("table")).to_contain_text("East Lindsey")
    expect(page.locator("table")).to_contain_text("Chosen")
    axe(page)


def test_roadmap_applies_and_explains_duration_optimism_bias(page, axe, demo):
    sign_in(page, "staff@example.org", f"{BASE}/roadmap/")
    heading(page, "Roadmap")
    expect(page.locator("table")).to_contain_text("Could end, allowing for optimism bias")
    expect(page.locator("table")).to_contain_text("longer")
    page.get_by_text("Why the later end dates?").click()
    expect(page.locator("main")).to_contain_text("up to 54% longer than planned")
    axe(page)


def test_officer_changes_and_retires_an_objective(page, axe, demo):
    sign_in(page, "partnership@example.org", f"{BASE}/strategy/")
    heading(page, "Objectives and weights")
    page.get_by_text("History of the objectives").scroll_into_view_if_needed()
    axe(page)

    # Change the wording: a blank title is refused, then the change is saved as a new version.
    page.get_by_role("link", name="Change SO2").click()
    heading(page, "Change objective SO2")
    axe(page)
    page.get_by_label("Objective in plain English").fill("")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the objective")
    axe(page)
    page.get_by_label("Objective in plain English").fill("Staff spend less time re-keying and chasing")
    page.get_by_label("Reason for the change").fill("Clearer wording agreed by the board")
    page.get_by_role("button", name="Save the change").click()
    heading(page, "Objectives and weights")
    expect(page.locator("table").first).to_contain_text("Staff spend less time re-keying and chasing")

    # Retire SO4: the weights of the rest must add up to 100%.
    page.get_by_role("link", name="Retire SO4").click()
    heading(page, "Retire objective SO4")
    axe(page)
    page.get_by_label(re.compile("^SO1:")).fill("10")
    page.get_by_label("Why is this objective being retired?").fill("Covered by the cyber security programme")
    page.get_by_role("button", name="Retire the objective and save the weights").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The weights must add up to 100%")
    axe(page)
    page.get_by_label(re.compile("^SO1:")).fill("45")
    page.get_by_label(re.compile("^SO2:")).fill("35")
    page.get_by_label(re.compile("^SO3:")).fill("20")
    page.get_by_role("button", name="Retire the objective and save the weights").click()
    heading(page, "Objectives and weights")
    expect(page.locator("main")).to_contain_text("SO4 has been retired")
    expect(page.get_by_role("link", name="Retire SO4")).to_have_count(0)
    page.get_by_text(re.compile(r"SO4: .*\(retired\)")).click()
    axe(page)


def test_objective_pages_work_without_javascript(no_js_page, demo):
    page = no_js_page
    sign_in(page, "partnership@example.org", f"{BASE}/strategy/")
    page.get_by_role("link", name="Retire SO3").click()
    page.get_by_label("Why is this objective being retired?").fill("")
    page.get_by_role("button", name="Retire the objective and save the weights").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the objective is being retired")
    page.goto(f"{PARTNERSHIP}/selection/?capital_limit=2500000&revenue_limit=400000")
    heading(page, "Choose projects within the partnership's budget")
    expect(page.locator("main")).to_contain_text("The best set")


def test_approved_case_changes_are_a_draft_with_a_comparison(page, axe, demo):
    project = Proposal.objects.get(title="Digital skills for front-line staff")
    case = project.business_cases.get()
    base = f"/south-holland/staff/portfolio/proposals/{project.pk}/"
    # South Holland's portfolio: the partnership officer changes the approved case's benefits.
    sign_in(page, "partnership@example.org", f"{base}cases/{case.pk}/")
    heading(page, "Business justification case")
    expect(page.locator("main")).to_contain_text("These are the figures approved in version 1")
    option = case.options.get(kind="preferred")
    page.goto(f"{base}cases/{case.pk}/options/{option.pk}/")
    page.get_by_label("Cash flows by year").fill("0, 40000, 0, 0\n1, 0, 15000, 90000\n2, 0, 15000, 90000")
    page.get_by_role("button", name="Save the option").click()
    heading(page, "Business justification case")
    expect(page.locator(".govuk-warning-text")).to_contain_text("These are draft figures")
    axe(page)
    page.get_by_role("link", name="See what has changed since the latest version").click()
    heading(page, "What changed in the business justification case")
    expect(page.locator("table")).to_contain_text("benefit-cost ratio")
    axe(page)
    page.goto(base)
    expect(page.locator("main")).to_contain_text("Approved figures")
    expect(page.locator("main")).to_contain_text("changed since it was approved")
    page.goto(f"{base}cases/{case.pk}/versions/1/")
    heading(page, "Business justification case, version 1")
    expect(page.locator("main")).to_contain_text("Approved version")
    axe(page)


def test_board_member_chooses_a_route_with_a_reason(page, axe, demo):
    idea = Proposal.objects.get(title="Route planning for waste collection crews")
    base = f"/east-lindsey/staff/portfolio/proposals/{idea.pk}/"
    sign_in(page, "board@example.org", base)
    heading(page, idea.title)
    page.get_by_role("link", name=re.compile("^Choose the route")).click()
    heading(page, "Choose the business case route")
    axe(page)
    page.get_by_label(re.compile("^Three stages")).check()
    page.get_by_role("button", name="Save the route").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason for the route")
    axe(page)
    page.get_by_label("Reason for this route").fill("It changes how every crew works: the board wants three stages.")
    page.get_by_role("button", name="Save the route").click()
    heading(page, idea.title)
    expect(page.locator("main")).to_contain_text("Chosen by Bea Board")
    # The partnership officer sets the threshold itself.
    page.context.clear_cookies()
    sign_in(page, "partnership@example.org", f"{BASE}/strategy/route/")
    heading(page, "Set the business case route threshold")
    axe(page)
    page.get_by_label(re.compile("^Largest estimated cost")).fill("1000000")
    page.get_by_role("button", name="Save the threshold").click()
    heading(page, "Objectives and weights")
    expect(page.locator("main")).to_contain_text("under £1,000,000")


def test_partner_council_member_sees_a_partner_led_proposal_and_asks(page, axe, demo):
    project = Proposal.objects.get(title="Digital skills for front-line staff")  # led by South Holland
    sign_in(page, "scrutiny@example.org", f"{BASE}/")
    heading(page, "Project portfolio")
    page.get_by_role("link", name=re.compile("Digital skills for front-line staff")).click()
    heading(page, project.title)
    axe(page)
    page.get_by_label("Your question").fill("How many staff have finished the training?")
    page.get_by_role("button", name="Send the question").click()
    heading(page, project.title)
    # Nobody is named as its owner, so the page says where the question waits instead of "sent".
    expect(page.locator(".govuk-notification-banner")).to_contain_text("waits on the council's list")
    expect(page.locator("main")).to_contain_text("How many staff have finished the training?")
    axe(page)


def test_unanswered_questions_list_and_a_proposals_history(page, axe, demo):
    sign_in(page, "staff@example.org", f"{BASE}/questions/")
    heading(page, "Members' questions waiting for an answer")
    axe(page)
    project = Proposal.objects.get(title="Assisted self-service in customer service centres")
    page.goto(f"{BASE}/proposals/{project.pk}/")
    page.get_by_role("link", name="History of this proposal").click()
    heading(page, f"History of {project.title}")
    expect(page.locator("table")).to_contain_text("Gate decision recorded")
    axe(page)


def test_pmo_lead_saves_two_scenarios_and_compares_them(page, axe, demo):
    sign_in(page, "staff@example.org", f"{BASE}/selection/")
    page.goto(f"{BASE}/selection/?capital_limit=1000&revenue_limit=1000")
    heading(page, "Choose projects within a budget")
    page.get_by_label("Name of this scenario").fill("Tight")
    page.get_by_role("button", name="Save this scenario").click()
    heading(page, "Selection scenarios")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("“Tight” has been saved")
    axe(page)
    page.goto(f"{BASE}/selection/?capital_limit=2500000&revenue_limit=400000")
    page.get_by_label("Name of this scenario").fill("Generous")
    page.get_by_role("button", name="Save this scenario").click()
    heading(page, "Selection scenarios")
    page.get_by_label("First scenario").select_option(label="Tight")
    page.get_by_label("Second scenario").select_option(label="Generous")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("main")).to_contain_text("Tight and Generous")
    expect(page.locator("main")).to_contain_text("Differs")
    axe(page)
