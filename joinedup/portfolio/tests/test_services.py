import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.core.models import AuditEntry
from joinedup.portfolio import gates, selectors, services
from joinedup.portfolio.appraisal import YearFlow
from joinedup.portfolio.models import Proposal, Score, Stage, VettingAnswer, WeightSet
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


def test_staff_propose_an_idea_with_a_reference_and_an_audit_entry(council, staff_user):
    proposal = make_proposal(council, actor=staff_user)
    assert proposal.reference == "BDC-P001"
    assert proposal.stage == Stage.IDEA
    assert proposal.proposed_by == staff_user and proposal.owner == staff_user
    assert council in proposal.councils.all()
    assert AuditEntry.objects.filter(action="portfolio.proposal.create", object_id=str(proposal.pk)).exists()
    assert make_proposal(council, actor=staff_user).reference == "BDC-P002"


def test_staff_of_another_council_cannot_edit_the_proposal(council, staff_user, partner_staff):
    proposal = make_proposal(council, actor=staff_user)
    with pytest.raises(PermissionDenied):
        services.proposal_update(actor=partner_staff, proposal=proposal, title="Taken over")
    with pytest.raises(PermissionDenied):
        services.vetting_record(actor=partner_staff, proposal=proposal, phase="triage", answers={})
    with pytest.raises(PermissionDenied):
        make_proposal(council, actor=partner_staff)
    proposal.refresh_from_db()
    assert proposal.title == "Online council tax account"


def test_scrutiny_member_can_question_but_not_edit(council, staff_user, scrutiny_member):
    proposal = make_proposal(council, actor=staff_user)
    with pytest.raises(PermissionDenied):
        services.proposal_update(actor=scrutiny_member, proposal=proposal, title="Changed")
    with pytest.raises(PermissionDenied):
        services.business_case_create(actor=scrutiny_member, proposal=proposal, stage="SOC")
    with pytest.raises(PermissionDenied):
        make_proposal(council, actor=scrutiny_member)
    challenge = services.challenge_ask(actor=scrutiny_member, proposal=proposal, question="How will this help callers?")
    with pytest.raises(PermissionDenied):
        services.challenge_answer(actor=scrutiny_member, challenge=challenge, answer="By itself")
    services.challenge_answer(actor=staff_user, challenge=challenge, answer="Fewer calls to wait in.")
    challenge.refresh_from_db()
    assert challenge.answered_by == staff_user and challenge.answered_at is not None
    # Scrutiny members can see the portfolio (read-only).
    assert list(selectors.proposal_list(user=scrutiny_member, council=council)) == [proposal]


def test_staff_cannot_ask_member_questions(council, staff_user):
    proposal = make_proposal(council, actor=staff_user)
    with pytest.raises(PermissionDenied):
        services.challenge_ask(actor=staff_user, proposal=proposal, question="Why?")


def test_another_councils_staff_cannot_see_the_proposal(council, staff_user, partner_staff, partner_council):
    proposal = make_proposal(council, actor=staff_user)
    with pytest.raises(PermissionDenied):
        selectors.proposal_get(user=partner_staff, council=council, pk=proposal.pk)
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.proposal_get(user=partner_staff, council=partner_council, pk=proposal.pk)


def test_negative_costs_are_refused_and_nothing_is_saved(council, staff_user):
    with pytest.raises(ValidationError) as error:
        make_proposal(council, actor=staff_user, capital_cost=Decimal("-1"))
    assert "capital_cost" in error.value.message_dict
    assert not Proposal.objects.exists()


def test_objectives_and_direct_weights_must_add_up(council, partnership_officer, staff_user):
    so1, so2 = make_objectives(council)
    with pytest.raises(PermissionDenied):
        services.weights_set_direct(actor=staff_user, council=council, weights={so1: "0.5", so2: "0.5"})
    with pytest.raises(ValidationError, match="add up to 100%; they add up to 90.0%"):
        services.weights_set_direct(actor=partnership_officer, council=council, weights={so1: "0.6", so2: "0.3"})
    assert not WeightSet.objects.exists()
    first = services.weights_set_direct(actor=partnership_officer, council=council, weights={so1: "0.6", so2: "0.4"})
    assert first.version == 1 and first.partnership == council.partnership


def test_ahp_weights_are_versioned_and_scores_keep_their_weights(council, partnership_officer, staff_user):
    so1, so2, so3 = make_objectives(council, ("SO1", "SO2", "SO3"))
    v1 = services.weights_set_direct(
        actor=partnership_officer, council=council, weights={so1: "0.5", so2: "0.3", so3: "0.2"}
    )
    proposal = make_proposal(council, actor=staff_user)
    services.scores_record(actor=staff_user, proposal=proposal, scores={so1: (4, "Saves calls"), so2: (2, "Some")})
    v2 = services.weights_set_ahp(
        actor=partnership_officer, council=council, judgements={(so1, so2): "2", (so1, so3): "4", (so2, so3): "2"}
    )
    assert v2.version == 2 and v2.consistency_ratio == pytest.approx(0, abs=1e-6)
    weights = {w.objective.code: w.weight for w in v2.weights.all()}
    assert sum(weights.values()) == 1
    assert weights["SO1"] == Decimal("0.571429")
    assert set(Score.objects.values_list("weight_set", flat=True)) == {v1.pk}


def test_ahp_judgement_outside_the_scale_is_refused(council, partnership_officer):
    so1, so2 = make_objectives(council)
    with pytest.raises(ValidationError, match="1/9 to 9"):
        services.weights_set_ahp(actor=partnership_officer, council=council, judgements={(so1, so2): "12"})
    assert not WeightSet.objects.exists()


def test_vetting_needs_evidence_and_saves_nothing_half_way(council, staff_user):
    proposal = make_proposal(council, actor=staff_user)
    with pytest.raises(ValidationError) as error:
        services.vetting_record(
            actor=staff_user,
            proposal=proposal,
            phase="triage",
            answers={"customer_journey": ("met", "Call volumes show it"), "staff_work": ("partly", "")},
        )
    assert "staff_work_evidence" in error.value.message_dict
    assert not VettingAnswer.objects.exists()
    services.vetting_record(
        actor=staff_user, proposal=proposal, phase="alpha", answers={"ss1": ("met", "User research report")}
    )
    proposal.refresh_from_db()
    assert proposal.stage == Stage.VETTING
    with pytest.raises(ValidationError, match="not answered at the alpha phase"):
        services.vetting_record(actor=staff_user, proposal=proposal, phase="alpha", answers={"cyber": ("met", "x")})


def test_three_stage_cases_go_through_their_gates_in_order(council, staff_user):
    # £3m is over the default £2m threshold, so the route is three stages.
    proposal = make_proposal(council, actor=staff_user, capital_cost=Decimal(3_000_000))
    assert proposal.case_route == "three_stage"
    vet(proposal, actor=staff_user)
    board = make_approver(council)
    with pytest.raises(ValidationError, match="must pass its gate"):
        services.business_case_create(actor=staff_user, proposal=proposal, stage="OBC")
    with pytest.raises(ValidationError, match="route"):
        services.business_case_create(actor=staff_user, proposal=proposal, stage="BJC")
    day = datetime.date(2026, 2, 1)
    for stage in ("SOC", "OBC", "FBC"):
        case = services.business_case_create(actor=staff_user, proposal=proposal, stage=stage, **FULL_CASE)
        with pytest.raises(ValidationError, match="preferred option"):
            gates.gate_record(actor=board, case=case, outcome="go", decided_on=day, reasons="ok")
        services.option_save(actor=staff_user, case=case, name="Do it", kind="preferred", flows=good_value_flows())
        gates.gate_record(actor=board, case=case, outcome="go", decided_on=day, reasons="Good value")
        proposal.refresh_from_db()
    assert proposal.stage == Stage.APPROVED
    assert case.gates.get().decided_by == board


def test_no_go_stops_the_proposal(council, staff_user):
    proposal = make_proposal(council, actor=staff_user)
    case = services.business_case_create(actor=staff_user, proposal=proposal, stage="BJC")
    gates.gate_record(
        actor=make_approver(council),
        case=case,
        outcome="no_go",
        decided_on=datetime.date(2026, 2, 1),
        reasons="Poor value",
    )
    proposal.refresh_from_db()
    assert proposal.stage == Stage.REJECTED


def test_cash_flows_with_missing_years_are_refused_and_the_option_not_saved(council, staff_user):
    proposal = make_proposal(council, actor=staff_user, case_route="bjc")
    case = services.business_case_create(actor=staff_user, proposal=proposal, stage="BJC")
    with pytest.raises(ValidationError, match="missing year 1"):
        services.option_save(
            actor=staff_user,
            case=case,
            name="Gap",
            kind="preferred",
            flows=[YearFlow(0, benefit=Decimal(1)), YearFlow(2)],
        )
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.option_save(
            actor=staff_user, case=case, name="Neg", kind="preferred", flows=[YearFlow(0, capital_cost=Decimal(-1))]
        )
    assert not case.options.exists()


def test_parse_cash_flows_reads_lines_and_reports_the_bad_one():
    flows = services.parse_cash_flows("0, 1000, 0, 0\n1, 0, 100, 300\n")
    assert [f.year for f in flows] == [0, 1] and flows[1].benefit == 300
    assert services.parse_cash_flows("0; 1,000; 0; 0")[0].capital_cost == 1000
    with pytest.raises(ValidationError, match="Line 2"):
        services.parse_cash_flows("0, 1, 0, 0\n1, x, 0, 0")
    with pytest.raises(ValidationError, match="missing year 1"):
        services.parse_cash_flows("0, 1, 0, 0\n2, 1, 0, 0")


def test_case_appraisal_applies_the_it_optimism_bias(council, staff_user):
    proposal = make_proposal(council, actor=staff_user, case_route="bjc")
    case = approve(proposal, actor=staff_user)
    item = selectors.case_appraisals(case=case)[0]
    # IT capex upper bound 200%: £1,000 becomes £3,000.
    assert item.result.pv_costs == Decimal(3000)
    services.business_case_update(actor=staff_user, case=case, ob_mitigation=Decimal("0.95"))
    case.refresh_from_db()
    assert selectors.case_appraisals(case=case)[0].result.pv_costs == Decimal(1100)  # floor: 10%


def test_ranking_explains_each_score_and_selection_respects_the_budget(council, partnership_officer, staff_user):
    so1, so2 = make_objectives(council)
    services.weights_set_direct(actor=partnership_officer, council=council, weights={so1: "0.75", so2: "0.25"})
    a = make_proposal(council, actor=staff_user, title="A", capital_cost=Decimal(100), revenue_cost=Decimal(0))
    b = make_proposal(council, actor=staff_user, title="B", capital_cost=Decimal(60), revenue_cost=Decimal(0))
    c = make_proposal(council, actor=staff_user, title="C", capital_cost=Decimal(50), revenue_cost=Decimal(0))
    other = UserFactory(email="second@borchester.example.org")
    grant(other, Role.STAFF, council=council)
    services.scores_record(actor=staff_user, proposal=a, scores={so1: (5, "x"), so2: (5, "x")})
    services.scores_record(actor=other, proposal=a, scores={so1: (3, "y")})
    services.scores_record(actor=staff_user, proposal=b, scores={so1: (4, "x")})
    services.scores_record(actor=staff_user, proposal=c, scores={so1: (3, "x")})
    # A later score by the same rater replaces their earlier one; the earlier stays as history.
    services.scores_record(actor=staff_user, proposal=c, scores={so1: (4, "Re-scored after vetting")})
    rows, weights = selectors.ranking(user=staff_user, council=council)
    assert [r.proposal.title for r in rows] == ["A", "B", "C"]
    assert rows[0].score == pytest.approx(0.75 * 4 / 5 * 100 + 0.25 * 100)  # mean of 5 and 3 on SO1
    assert rows[0].explanation == "SO1 4.00 of 5 × 75.00% = 60.00; SO2 5.00 of 5 × 25.00% = 25.00; total 85.00"
    assert Score.objects.filter(proposal=c).count() == 2
    selection = selectors.budget_selection(ranked=rows, capital_limit=110, revenue_limit=0)
    assert set(selection.chosen) == {b.pk, c.pk}
    forced = selectors.budget_selection(ranked=rows, capital_limit=110, revenue_limit=0, forced_in={a.pk})
    assert set(forced.chosen) == {a.pk}


def test_scores_need_a_justification(council, staff_user):
    (so1,) = make_objectives(council, ("SO1",))
    proposal = make_proposal(council, actor=staff_user)
    with pytest.raises(ValidationError, match="say why"):
        services.scores_record(actor=staff_user, proposal=proposal, scores={so1: (3, " ")})
    with pytest.raises(ValidationError, match="0 to 5"):
        services.scores_record(actor=staff_user, proposal=proposal, scores={so1: (9, "Great")})


def test_delivery_reports_and_benefits(council, staff_user):
    proposal = make_proposal(council, actor=staff_user, case_route="bjc")
    with pytest.raises(ValidationError, match="approved projects"):
        services.status_report_add(actor=staff_user, proposal=proposal)
    approve(proposal, actor=staff_user)
    report = services.status_report_add(
        actor=staff_user,
        proposal=proposal,
        period_end=datetime.date(2026, 3, 31),
        rag_overall="amber",
        rag_time="green",
        rag_cost="amber",
        rag_scope="green",
        rag_benefits="green",
        delivery_confidence="amber_green",
        narrative="Supplier late with the payments link.",
        budget_to_date=Decimal(20000),
        actual_to_date=Decimal(23000),
    )
    proposal.refresh_from_db()
    assert proposal.stage == Stage.DELIVERY
    assert report.variance == Decimal(3000)
    assert report.confidence_wording.startswith("Successful delivery appears probable")
    benefit = services.benefit_add(
        actor=staff_user,
        proposal=proposal,
        number="B1",
        category="direct_public",
        benefit_class="cash_releasing",
        description="Fewer calls",
        service_feature="Online balance",
        responsible_officer="Head of Revenues",
        performance_measure="Calls a month",
        target_improvement="20% fewer calls",
        full_year_value=Decimal(40000),
        timescale_years=3,
    )
    with pytest.raises(ValidationError):
        services.benefit_add(actor=staff_user, proposal=proposal, number="B1", category="direct_public")
    services.benefit_measure(
        actor=staff_user,
        benefit=benefit,
        measured_on=datetime.date(2026, 6, 30),
        value=Decimal(900),
        realised_saving=Decimal(12000),
    )
    assert selectors.benefits_summary(proposal) == {
        "planned": Decimal(40000),
        "other": Decimal(0),
        "disbenefits": Decimal(0),
        "realised": Decimal(12000),
    }
    # Issue 16, defect 10: only cash-releasing benefits count as savings.
    services.benefit_add(
        actor=staff_user,
        proposal=proposal,
        number="B2",
        category="wider_social",
        benefit_class="non_cash_releasing",
        description="Residents' time saved",
        service_feature="Online balance",
        responsible_officer="Head of Revenues",
        performance_measure="Minutes a call",
        target_improvement="10 minutes",
        full_year_value=Decimal(25000),
        timescale_years=3,
    )
    summary = selectors.benefits_summary(proposal)
    assert summary["planned"] == Decimal(40000) and summary["other"] == Decimal(25000)


def test_schedule_refuses_a_dependency_loop(council, staff_user):
    a = make_proposal(council, actor=staff_user, title="A")
    b = make_proposal(council, actor=staff_user, title="B")
    services.proposal_schedule(
        actor=staff_user,
        proposal=a,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 6, 1),
        depends_on=[b],
    )
    with pytest.raises(ValidationError, match="loop"):
        services.proposal_schedule(actor=staff_user, proposal=b, start_date=None, end_date=None, depends_on=[a])
    with pytest.raises(ValidationError, match="on or after"):
        services.proposal_schedule(
            actor=staff_user, proposal=b, start_date=datetime.date(2026, 2, 1), end_date=datetime.date(2026, 1, 1)
        )


def test_suggestions_of_same_function_systems_in_partner_councils(council, partner_council, staff_user):
    from joinedup.software.tests.factories import make_application, make_product

    crm = make_product(council, "Firmstep", publisher="Granicus", functions=[1])
    other_crm = make_product(council, "Jadu", publisher="Jadu", functions=[1])
    own = make_application(council, crm)
    theirs = make_application(partner_council, other_crm)
    proposal = make_proposal(council, actor=staff_user, related_applications=[own])
    assert selectors.same_function_suggestions(proposal=proposal) == [theirs]
    with pytest.raises(ValidationError):
        make_proposal(council, actor=staff_user, related_applications=[theirs])
    # When some systems of the same (broad) function also have the same name, only those are shown.
    portal = make_product(council, "Salesforce Service Cloud", publisher="Salesforce", functions=[1])
    same_job = make_application(partner_council, portal, name="Firmstep")
    make_application(partner_council, make_product(council, "Payments", publisher="Civica", functions=[1]))
    assert selectors.same_function_suggestions(proposal=proposal) == [same_job]


def test_ranking_explanation_adds_up_as_shown(council, partnership_officer, staff_user):
    # Issue 16, defect 10: a weight of 38.6% was shown as 39%, so "4.5 of 5 × 39% = 34.7" did not add up.
    import re

    so1, so2 = make_objectives(council)
    services.weights_set_direct(actor=partnership_officer, council=council, weights={so1: "0.386", so2: "0.614"})
    proposal = make_proposal(council, actor=staff_user)
    other = UserFactory(email="second@borchester.example.org")
    grant(other, Role.STAFF, council=council)
    services.scores_record(actor=staff_user, proposal=proposal, scores={so1: (5, "x"), so2: (3, "x")})
    services.scores_record(actor=other, proposal=proposal, scores={so1: (4, "y"), so2: (2, "y")})
    [row], _ = selectors.ranking(user=staff_user, council=council)
    parts = re.findall(r"SO\d ([\d.]+) of 5 × ([\d.]+)% = ([\d.]+)", row.explanation)
    assert len(parts) == 2
    for score, weight, contribution in parts:
        assert abs(float(score) / 5 * float(weight) - float(contribution)) < 0.006
    total = float(re.search(r"total ([\d.]+)", row.explanation).group(1))
    assert abs(sum(float(c) for _, _, c in parts) - total) < 0.006 and total == row.score
