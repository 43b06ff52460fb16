import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.portfolio import services
from joinedup.portfolio.models import BusinessCase, Challenge, Option, Proposal, Stage, WeightSet
from joinedup.portfolio.tests.factories import (
    FULL_CASE,
    approve,
    good_value_flows,
    make_approver,
    make_objectives,
    make_proposal,
    vet,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_staff(partner_council):
    user = UserFactory(email="officer@felpersham.example.org")
    grant(user, Role.STAFF, council=partner_council)
    return user


@pytest.fixture
def portfolio(council, staff_user, partnership_officer):
    so1, so2 = make_objectives(council)
    services.weights_set_direct(actor=partnership_officer, council=council, weights={so1: "0.6", so2: "0.4"})
    idea = make_proposal(council, actor=staff_user, title="Single customer account")
    project = make_proposal(council, actor=staff_user, title="Assisted self-service kiosks", case_route="bjc")
    case = approve(project, actor=staff_user)
    services.proposal_schedule(
        actor=staff_user,
        proposal=project,
        start_date=datetime.date(2026, 4, 1),
        end_date=datetime.date(2027, 3, 31),
        depends_on=[idea],
    )
    services.scores_record(actor=staff_user, proposal=idea, scores={so1: (4, "Fewer calls"), so2: (2, "Some")})
    services.status_report_add(
        actor=staff_user,
        proposal=project,
        period_end=datetime.date(2026, 6, 30),
        rag_overall="green",
        rag_time="green",
        rag_cost="amber",
        rag_scope="green",
        rag_benefits="green",
        delivery_confidence="green",
        narrative="On track.",
        budget_to_date=Decimal(1000),
        actual_to_date=Decimal(900),
    )
    benefit = services.benefit_add(
        actor=staff_user,
        proposal=project,
        number="B1",
        category="direct_public",
        benefit_class="cash_releasing",
        description="Fewer visits",
        service_feature="Kiosks",
        responsible_officer="Head of Customer Services",
        performance_measure="Visits a month",
        target_improvement="10% fewer",
        full_year_value=Decimal(1000),
        timescale_years=3,
    )
    return {"idea": idea, "project": project, "case": case, "benefit": benefit, "objectives": (so1, so2)}


def pages(p):
    idea, project, case = p["idea"], p["project"], p["case"]
    return [
        "staff/portfolio/",
        "staff/portfolio/proposals/new/",
        f"staff/portfolio/proposals/{idea.pk}/",
        f"staff/portfolio/proposals/{project.pk}/",
        f"staff/portfolio/proposals/{idea.pk}/edit/",
        f"staff/portfolio/proposals/{idea.pk}/vetting/",
        f"staff/portfolio/proposals/{idea.pk}/vetting/?phase=alpha",
        f"staff/portfolio/proposals/{idea.pk}/score/",
        f"staff/portfolio/proposals/{idea.pk}/cases/new/",
        f"staff/portfolio/proposals/{project.pk}/business-case.html",
        f"staff/portfolio/proposals/{project.pk}/cases/{case.pk}/",
        f"staff/portfolio/proposals/{project.pk}/cases/{case.pk}/edit/",
        f"staff/portfolio/proposals/{project.pk}/cases/{case.pk}/options/new/",
        f"staff/portfolio/proposals/{project.pk}/cases/{case.pk}/options/{case.options.first().pk}/",
        f"staff/portfolio/proposals/{project.pk}/cases/{case.pk}/versions/1/",
        f"staff/portfolio/proposals/{project.pk}/cases/{case.pk}/compare/",
        "staff/portfolio/questions/",
        f"staff/portfolio/proposals/{project.pk}/history/",
        f"staff/portfolio/proposals/{project.pk}/schedule/",
        f"staff/portfolio/proposals/{project.pk}/status/new/",
        f"staff/portfolio/proposals/{project.pk}/benefits/new/",
        f"staff/portfolio/proposals/{project.pk}/benefits/{p['benefit'].pk}/measure/",
        f"staff/portfolio/proposals/{project.pk}/milestones/new/",
        "staff/portfolio/ranking/",
        "staff/portfolio/selection/",
        "staff/portfolio/selection/?capital_limit=60000&revenue_limit=20000",
        "staff/portfolio/roadmap/",
        "staff/portfolio/roadmap/?objective=SO1",
        "staff/portfolio/strategy/",
    ]


def test_staff_see_every_page_and_other_councils_staff_get_403(client, council, staff_user, partner_staff, portfolio):
    for page in pages(portfolio):
        client.force_login(staff_user)
        response = client.get(f"/{council.slug}/{page}")
        assert response.status_code == 200, page
        client.force_login(partner_staff)
        assert client.get(f"/{council.slug}/{page}").status_code == 403, page


READ_ONLY = {"staff/portfolio/", "staff/portfolio/ranking/", "staff/portfolio/roadmap/", "staff/portfolio/strategy/"}


def test_scrutiny_member_reads_but_cannot_open_edit_pages(client, council, scrutiny_member, portfolio):
    client.force_login(scrutiny_member)
    for page in pages(portfolio):
        status = client.get(f"/{council.slug}/{page}").status_code
        editing = any(
            word in page
            for word in ("new/", "edit/", "vetting/", "score/", "gate/", "schedule/", "measure/", "options/")
        )
        assert status == (403 if editing else 200), page
    idea = portfolio["idea"]
    response = client.post(f"/{council.slug}/staff/portfolio/proposals/{idea.pk}/edit/", {"title": "Changed"})
    assert response.status_code == 403
    response = client.get(f"/{council.slug}/staff/portfolio/proposals/{idea.pk}/")
    assert "Send the question" in response.content.decode()


def test_member_question_and_owner_answer_are_shown_with_the_project(
    client, council, scrutiny_member, staff_user, portfolio
):
    project = portfolio["project"]
    client.force_login(scrutiny_member)
    url = f"/{council.slug}/staff/portfolio/proposals/{project.pk}/"
    response = client.post(url + "questions/new/", {"question": ""})
    assert "There is a problem" in response.content.decode()
    client.post(url + "questions/new/", {"question": "How does this help people who cannot use a screen?"})
    challenge = Challenge.objects.get()
    client.force_login(staff_user)
    client.post(url + f"questions/{challenge.pk}/answer/", {"answer": "Staff stay beside every kiosk."})
    page = client.get(url).content.decode()
    assert "How does this help people who cannot use a screen?" in page
    assert "Staff stay beside every kiosk." in page


def test_intake_bad_input_shows_the_error_summary_and_saves_nothing(client, council, staff_user):
    client.force_login(staff_user)
    response = client.post(
        f"/{council.slug}/staff/portfolio/proposals/new/",
        {
            "title": "",
            "problem": "x",
            "beneficiaries": ["residents"],
            "capital_cost": "-5",
            "revenue_cost": "0",
            "timescale_months": "6",
            "expected_benefits": "y",
            "urgency": "low",
            "case_route": "bjc",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Enter the name of the idea" in body
    assert "greater than or equal to 0" in body
    assert not Proposal.objects.exists()


def test_option_with_missing_years_shows_the_error(client, council, staff_user):
    client.force_login(staff_user)
    proposal = make_proposal(council, actor=staff_user, case_route="bjc")
    case = services.business_case_create(actor=staff_user, proposal=proposal, stage="BJC")
    url = f"/{council.slug}/staff/portfolio/proposals/{proposal.pk}/cases/{case.pk}/options/new/"
    response = client.post(url, {"name": "Preferred", "kind": "preferred", "cash_flows": "0, 100, 0, 0\n2, 0, 0, 50"})
    assert "The cash flows are missing year 1" in response.content.decode()
    assert not Option.objects.exists()
    response = client.post(url, {"name": "Preferred", "kind": "preferred", "cash_flows": "0, 100, 0, 0\n1, 0, 0, 500"})
    assert response.status_code == 302
    page = client.get(f"/{council.slug}/staff/portfolio/proposals/{proposal.pk}/cases/{case.pk}/").content.decode()
    assert "Net present social value" in page


def test_weights_that_do_not_add_up_and_ahp_out_of_range(client, council, partnership_officer):
    so1, so2 = make_objectives(council)
    client.force_login(partnership_officer)
    url = f"/{council.slug}/staff/portfolio/strategy/weights/"
    response = client.post(url, {f"weight_{so1.pk}": "50", f"weight_{so2.pk}": "40"})
    assert "The weights must add up to 100%; they add up to 90.0%" in response.content.decode()
    response = client.post(url + "compare/", {f"pair_{so1.pk}_{so2.pk}": "12"})
    assert "outside the scale" in response.content.decode()
    assert not WeightSet.objects.exists()
    response = client.post(url + "compare/", {f"pair_{so1.pk}_{so2.pk}": "3"})
    assert response.status_code == 302
    assert WeightSet.objects.get().consistency_ratio == 0


def test_staff_cannot_set_partnership_weights(client, council, staff_user):
    make_objectives(council)
    client.force_login(staff_user)
    assert client.get(f"/{council.slug}/staff/portfolio/strategy/weights/").status_code == 403


def test_gate_go_approves_and_puts_the_project_on_the_roadmap(client, council, staff_user):
    proposal = make_proposal(council, actor=staff_user, title="Cyber security uplift")
    vet(proposal, actor=staff_user)
    case = services.business_case_create(actor=staff_user, proposal=proposal, stage="BJC", **FULL_CASE)
    url = f"/{council.slug}/staff/portfolio/proposals/{proposal.pk}/cases/{case.pk}/gate/"
    form = {"outcome": "go", "decided_on": "2026-01-01", "reasons": "x"}
    # Staff who wrote the case cannot record the decision: only a portfolio board member can.
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    assert client.post(url, form).status_code == 403
    board = make_approver(council)
    client.force_login(board)
    response = client.post(url, form)
    assert "Add the preferred option" in response.content.decode()
    services.option_save(actor=staff_user, case=case, name="Do it", kind="preferred", flows=good_value_flows())
    response = client.post(url, form)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.stage == Stage.APPROVED
    gate = BusinessCase.objects.get().gates.get()
    assert gate.decided_by == board and gate.version.number == 1
    client.force_login(staff_user)
    assert "Cyber security uplift" in client.get(f"/{council.slug}/staff/portfolio/roadmap/").content.decode()


def test_exports(client, council, staff_user, partnership_officer, partnership, portfolio):
    client.force_login(staff_user)
    csv_body = client.get(f"/{council.slug}/staff/portfolio/ranking.csv").content.decode("utf-8-sig")
    assert csv_body.splitlines()[0].startswith("Rank,Reference,Title")
    assert "Single customer account" in csv_body
    response = client.get(f"/{council.slug}/staff/portfolio/roadmap.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Reference" and sheet["B2"].value == "Assisted self-service kiosks"
    client.force_login(partnership_officer)
    response = client.get(f"/partnerships/{partnership.slug}/portfolio/")
    assert response.status_code == 200 and "Assisted self-service kiosks" in response.content.decode()
    assert client.get(f"/partnerships/{partnership.slug}/portfolio/roadmap.csv").status_code == 200
    client.force_login(staff_user)
    assert client.get(f"/partnerships/{partnership.slug}/portfolio/").status_code == 403


def test_stage_buttons_start_delivery_and_close(client, council, staff_user):
    client.force_login(staff_user)
    proposal = make_proposal(council, actor=staff_user, case_route="bjc")
    url = f"/{council.slug}/staff/portfolio/proposals/{proposal.pk}/stage/"
    assert client.get(url).status_code == 405
    client.post(url, {"stage": "closed"})
    proposal.refresh_from_db()
    assert proposal.stage == Stage.IDEA  # only an approved project can be closed
    approve(proposal, actor=staff_user)
    client.post(url, {"stage": "delivery"})
    proposal.refresh_from_db()
    assert proposal.stage == Stage.DELIVERY
    client.post(url, {"stage": "closed"})
    proposal.refresh_from_db()
    assert proposal.stage == Stage.CLOSED


def test_partnership_ranking_ranks_every_councils_proposals(
    client, council, partner_council, partnership, partnership_officer, staff_user, partner_staff
):
    (so1,) = make_objectives(council, ("SO1",))
    services.weights_set_direct(actor=partnership_officer, council=council, weights={so1: "1"})
    ours = make_proposal(council, actor=staff_user, title="Ours")
    theirs = make_proposal(partner_council, actor=partner_staff, title="Theirs")
    services.scores_record(actor=staff_user, proposal=ours, scores={so1: (2, "Some")})
    services.scores_record(actor=partner_staff, proposal=theirs, scores={so1: (5, "Lots")})
    client.force_login(partnership_officer)
    body = client.get(f"/partnerships/{partnership.slug}/portfolio/ranking/").content.decode()
    assert body.index("Theirs") < body.index("Ours")
    csv_body = client.get(f"/partnerships/{partnership.slug}/portfolio/ranking.csv").content.decode("utf-8-sig")
    assert csv_body.splitlines()[1].split(",")[2] == "Theirs"
    client.force_login(staff_user)
    assert client.get(f"/partnerships/{partnership.slug}/portfolio/ranking/").status_code == 403


def test_more_than_ten_objectives_are_refused_before_the_pairs_are_filled(client, council, partnership_officer):
    # Issue 16, defect 10: the page used to take all 55 pairs and only then refuse.
    make_objectives(council, tuple(f"SO{i}" for i in range(1, 12)))
    client.force_login(partnership_officer)
    response = client.get(f"/{council.slug}/staff/portfolio/strategy/weights/compare/", follow=True)
    page = response.content.decode()
    assert "There are 11 objectives. Pairwise comparison works with at most 10" in page
    assert 'name="pair_' not in page


def test_negative_money_and_uplifts_read_as_a_council_report_writes_them(client, council, staff_user):
    from joinedup.portfolio.appraisal import YearFlow

    proposal = make_proposal(council, actor=staff_user)
    case = services.business_case_create(actor=staff_user, proposal=proposal, stage="BJC", ob_mitigation=Decimal("0.5"))
    services.option_save(
        actor=staff_user,
        case=case,
        name="Costly",
        kind="preferred",
        flows=[YearFlow(0, capital_cost=Decimal(20000)), YearFlow(1, benefit=Decimal(1000))],
    )
    client.force_login(staff_user)
    page = client.get(f"/{council.slug}/staff/portfolio/proposals/{proposal.pk}/cases/{case.pk}/").content.decode()
    assert "£-" not in page and "\u2212£" in page
    assert "+100% on capital costs" in page and "+27% on the duration" in page
    assert "× capital" not in page


def test_history_page_lists_what_happened(client, council, staff_user, portfolio):
    project = portfolio["project"]
    client.force_login(staff_user)
    page = client.get(f"/{council.slug}/staff/portfolio/proposals/{project.pk}/history/").content.decode()
    for label in ("Idea proposed", "Vetting answers saved", "Gate decision recorded", "Status report added"):
        assert label in page
