"""
Issue 16, defects 1 to 4: gates that stand up to audit. Each test failed before the fix:
decisions on earlier stages, approved cases that could still change, gates without separation of
duties, and a route that could be skipped.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from joinedup.accounts.models import Role
from joinedup.accounts.tests.factories import UserFactory, grant
from joinedup.core.models import AuditEntry
from joinedup.portfolio import gates, services, versions
from joinedup.portfolio.appraisal import YearFlow
from joinedup.portfolio.models import CaseVersion, GateDecision, Stage
from joinedup.portfolio.tests.factories import (
    FULL_CASE,
    approve,
    good_value_flows,
    make_approver,
    make_proposal,
    preferred_flows,
    vet,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 2, 1)


@pytest.fixture
def board(council):
    return make_approver(council)


def three_stage_project_in_delivery(council, staff_user, board):
    proposal = make_proposal(council, actor=staff_user, title="Single customer platform", capital_cost=Decimal(2.4e6))
    vet(proposal, actor=staff_user)
    for stage in ("SOC", "OBC", "FBC"):
        case = services.business_case_create(actor=staff_user, proposal=proposal, stage=stage, **FULL_CASE)
        services.option_save(
            actor=staff_user, case=case, name="One platform", kind="preferred", flows=good_value_flows()
        )
        gates.gate_record(actor=board, case=case, outcome="go", decided_on=DAY, reasons="Good value")
    services.status_report_add(
        actor=staff_user,
        proposal=proposal,
        period_end=DAY,
        rag_overall="green",
        rag_time="green",
        rag_cost="green",
        rag_scope="green",
        rag_benefits="green",
        delivery_confidence="green",
        narrative="On track.",
        budget_to_date=Decimal(1000),
        actual_to_date=Decimal(900),
    )
    proposal.refresh_from_db()
    assert proposal.stage == Stage.DELIVERY
    return proposal


# Defect 1: a decision only on the current stage.


@pytest.mark.parametrize("outcome", ["rework", "go", "hold", "no_go"])
def test_a_decision_on_an_earlier_stage_is_refused_and_the_live_project_stays_where_it_is(
    council, staff_user, board, outcome
):
    proposal = three_stage_project_in_delivery(council, staff_user, board)
    soc = proposal.business_cases.get(stage="SOC")
    with pytest.raises(ValidationError, match="only on the current stage, the full business case"):
        gates.gate_record(actor=board, case=soc, outcome=outcome, decided_on=DAY, reasons="Looking again")
    proposal.refresh_from_db()
    assert proposal.stage == Stage.DELIVERY
    assert soc.gates.count() == 1


def test_an_unchanged_approved_case_takes_no_further_decision(council, staff_user, board):
    proposal = three_stage_project_in_delivery(council, staff_user, board)
    fbc = proposal.business_cases.get(stage="FBC")
    with pytest.raises(ValidationError, match="passed its gate and nothing has changed"):
        gates.gate_record(actor=board, case=fbc, outcome="rework", decided_on=DAY, reasons="Again")
    proposal.refresh_from_db()
    assert proposal.stage == Stage.DELIVERY


def test_earlier_stages_cannot_be_edited(council, staff_user, board):
    proposal = three_stage_project_in_delivery(council, staff_user, board)
    soc = proposal.business_cases.get(stage="SOC")
    with pytest.raises(ValidationError, match="is history"):
        services.business_case_update(actor=staff_user, case=soc, strategic_case="Rewritten")
    with pytest.raises(ValidationError, match="is history"):
        services.option_save(actor=staff_user, case=soc, name="New", kind="other", flows=preferred_flows())


# Defect 2: approved cases are frozen.


def test_a_go_freezes_every_figure_and_the_vetting_answers(council, staff_user, board):
    proposal = make_proposal(council, actor=staff_user)
    case = approve(proposal, actor=staff_user, approver=board)
    gate = case.gates.get()
    snapshot = gate.version.snapshot
    option = snapshot["options"][0]
    assert option["flows"][0] == [0, "1000.00", "0.00", "0.00"]
    assert set(option["appraisal"]) >= {
        "pv_costs",
        "pv_benefits",
        "npsv",
        "bcr",
        "vfm_band",
        "optimism_bias",
        "cost_switching_value",
        "benefit_switching_value",
    }
    assert option["appraisal"]["optimism_bias"] == "2.0000"
    assert snapshot["ob_mitigation"] == "0.000"
    assert len(snapshot["vetting"]) == 7 and snapshot["vetting"][0]["evidence"] == "Evidence on file."
    assert versions.approved_version(case) == gate.version


def test_changes_after_approval_are_a_draft_and_the_approved_figures_stay(client, council, staff_user, board):
    proposal = make_proposal(council, actor=staff_user, title="Digital skills")
    case = approve(proposal, actor=staff_user, approver=board)
    approved = versions.approved_version(case)
    approved_bcr = approved.snapshot["options"][0]["appraisal"]["bcr"]
    # The optimism bias mitigation and the benefits are changed after the final 'go'.
    services.business_case_update(actor=staff_user, case=case, ob_mitigation=Decimal("0.9"))
    option = case.options.get()
    flows = [YearFlow(0, capital_cost=Decimal(1000))] + [YearFlow(t, benefit=Decimal(3000)) for t in range(1, 11)]
    services.option_save(actor=staff_user, case=case, option=option, name=option.name, kind="preferred", flows=flows)
    approved.refresh_from_db()
    assert approved.snapshot["options"][0]["appraisal"]["bcr"] == approved_bcr
    assert versions.approved_version(case) == approved
    assert gates.draft_changed(case)
    proposal.refresh_from_db()
    assert proposal.stage == Stage.APPROVED
    # The audit entries hold the old and the new figures.
    entry = AuditEntry.objects.filter(action="portfolio.case.update").latest("id")
    assert entry.changes["ob_mitigation"]["to"] == "0.9"
    assert entry.changes["figures"]["before"]["Buy a module"]["bcr"] == approved_bcr
    mitigated_bcr = entry.changes["figures"]["after"]["Buy a module"]["bcr"]
    assert mitigated_bcr != approved_bcr
    entry = AuditEntry.objects.filter(action="portfolio.option.save").latest("id")
    assert entry.changes["figures"]["before"]["Buy a module"]["bcr"] == mitigated_bcr
    assert entry.changes["figures"]["after"]["Buy a module"]["bcr"] not in (mitigated_bcr, approved_bcr)
    assert entry.changes["approved_version"] == 1 and entry.changes["draft_of_version"] == 2
    # The comparison lists what changed, figure by figure.
    changes = versions.compare(approved.snapshot, versions.case_snapshot(case))
    whats = [c.what for c in changes]
    assert "Share of optimism bias risks mitigated" in whats
    assert "Buy a module: benefit-cost ratio" in whats
    assert any(c.what.startswith("Buy a module: year 1") for c in changes)
    # The proposal's page shows the approved figures as approved, and says there is a draft.
    client.force_login(staff_user)
    page = client.get(f"/{council.slug}/staff/portfolio/proposals/{proposal.pk}/").content.decode()
    assert f"benefit-cost ratio {approved_bcr}" in page
    assert "changed since it was approved" in page
    compare = client.get(f"/{council.slug}/staff/portfolio/proposals/{proposal.pk}/cases/{case.pk}/compare/?from=1")
    assert "Share of optimism bias risks mitigated" in compare.content.decode()
    # A 'go' on the change approves version 2 without moving the project.
    other = make_approver(council, email="second.board@example.org")
    gates.gate_record(actor=other, case=case, outcome="go", decided_on=DAY, reasons="Better evidence of benefits")
    assert versions.approved_version(case).number == 2
    proposal.refresh_from_db()
    assert proposal.stage == Stage.APPROVED


def test_a_version_never_changes_or_goes(council, staff_user, board):
    case = approve(make_proposal(council, actor=staff_user), actor=staff_user, approver=board)
    version = CaseVersion.objects.get(business_case=case)
    version.snapshot = {}
    with pytest.raises(ValueError, match="never changed"):
        version.save()
    with pytest.raises(ValueError, match="never deleted"):
        version.delete()


# Defect 3: separation of duties.


def bjc_ready(council, staff_user, **values):
    proposal = make_proposal(council, actor=staff_user, **values)
    vet(proposal, actor=staff_user)
    case = services.business_case_create(actor=staff_user, proposal=proposal, stage="BJC", **FULL_CASE)
    services.option_save(actor=staff_user, case=case, name="Do it", kind="preferred", flows=good_value_flows())
    return proposal, case


def test_staff_cannot_record_a_gate_and_a_board_member_is_recorded_as_a_person(council, staff_user, board):
    proposal, case = bjc_ready(council, staff_user)
    with pytest.raises(PermissionDenied):
        gates.gate_record(actor=staff_user, case=case, outcome="go", decided_on=DAY, reasons="Mine")
    with pytest.raises(ValidationError, match="Name the portfolio board member"):
        gates.gate_record(actor=None, case=case, outcome="go", decided_on=DAY, reasons="x", decided_by=staff_user)
    gate = gates.gate_record(actor=board, case=case, outcome="go", decided_on=DAY, reasons="Good")
    assert gate.decided_by == board and gate.decider == board.full_name


def test_a_board_member_of_another_council_cannot_decide(council, partner_council, staff_user):
    proposal, case = bjc_ready(council, staff_user)
    with pytest.raises(PermissionDenied):
        gates.gate_record(actor=make_approver(partner_council), case=case, outcome="go", decided_on=DAY, reasons="x")


def test_the_proposer_and_the_author_may_not_approve_their_own_case(council, staff_user):
    # A board member who is also staff proposes an idea and writes its case.
    author = UserFactory(email="writer@example.org")
    grant(author, Role.STAFF, council=council)
    grant(author, Role.PORTFOLIO_APPROVER, council=council)
    proposal, case = bjc_ready(council, author)
    with pytest.raises(ValidationError, match="another board member must decide"):
        gates.gate_record(actor=author, case=case, outcome="go", decided_on=DAY, reasons="Mine")
    # Someone else's proposal, but a case this board member wrote.
    proposal = make_proposal(council, actor=staff_user, title="Other")
    vet(proposal, actor=staff_user)
    case = services.business_case_create(actor=author, proposal=proposal, stage="BJC", **FULL_CASE)
    with pytest.raises(ValidationError, match="another board member must decide"):
        gates.gate_record(actor=author, case=case, outcome="no_go", decided_on=DAY, reasons="x")
    assert not GateDecision.objects.exists()


def test_a_decision_cannot_be_dated_in_the_future(council, staff_user, board):
    proposal, case = bjc_ready(council, staff_user)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        gates.gate_record(
            actor=board, case=case, outcome="go", decided_on=datetime.date(2031, 1, 1), reasons="Good value"
        )
    gates.gate_record(actor=board, case=case, outcome="go", decided_on=timezone.localdate(), reasons="Today")


def test_a_go_needs_complete_vetting_and_the_sections_the_stage_needs(council, staff_user, board):
    proposal = make_proposal(council, actor=staff_user)
    case = services.business_case_create(actor=staff_user, proposal=proposal, stage="BJC", strategic_case="Why")
    services.option_save(actor=staff_user, case=case, name="Do it", kind="preferred", flows=good_value_flows())
    with pytest.raises(ValidationError) as error:
        gates.gate_record(actor=board, case=case, outcome="go", decided_on=DAY, reasons="x")
    message = " ".join(error.value.messages)
    assert "7 of 7 not answered" in message
    assert "economic case, commercial case, financial case, management case" in message
    proposal.refresh_from_db()
    assert proposal.stage == Stage.BUSINESS_CASE
    vet(proposal, actor=staff_user)
    services.business_case_update(actor=staff_user, case=case, **FULL_CASE)
    gates.gate_record(actor=board, case=case, outcome="go", decided_on=DAY, reasons="x")
    proposal.refresh_from_db()
    assert proposal.stage == Stage.APPROVED


def test_an_outline_case_needs_only_the_strategic_and_economic_cases(council, staff_user, board):
    proposal = make_proposal(council, actor=staff_user, capital_cost=Decimal(3_000_000))
    vet(proposal, actor=staff_user)
    case = services.business_case_create(
        actor=staff_user, proposal=proposal, stage="SOC", strategic_case="Why", economic_case="Options"
    )
    services.option_save(actor=staff_user, case=case, name="Do it", kind="preferred", flows=good_value_flows())
    gates.gate_record(actor=board, case=case, outcome="go", decided_on=DAY, reasons="Proceed to OBC")


# Defect 4: the route and value for money.


def test_the_route_follows_the_partnerships_threshold(council, staff_user, partnership_officer):
    assert make_proposal(council, actor=staff_user, capital_cost=Decimal(25_000_000)).case_route == "three_stage"
    small = make_proposal(council, actor=staff_user, capital_cost=Decimal(100_000), revenue_cost=Decimal(0))
    assert small.case_route == "bjc"
    with pytest.raises(PermissionDenied):
        gates.route_limit_set(actor=staff_user, council=council, limit=Decimal(50_000))
    gates.route_limit_set(actor=partnership_officer, council=council, limit=Decimal(50_000))
    assert make_proposal(council, actor=staff_user, capital_cost=Decimal(100_000)).case_route == "three_stage"
    # A proposal with no case started follows a change of its costs.
    services.proposal_update(actor=staff_user, proposal=small, capital_cost=Decimal(10_000))
    assert small.case_route == "bjc"


def test_switching_route_needs_a_board_members_reason_and_no_case_started(council, staff_user, board):
    proposal = make_proposal(council, actor=staff_user, capital_cost=Decimal(25_000_000))
    with pytest.raises(PermissionDenied):
        gates.proposal_route_switch(actor=staff_user, proposal=proposal, route="bjc", reason="Quicker")
    with pytest.raises(ValidationError, match="reason"):
        gates.proposal_route_switch(actor=board, proposal=proposal, route="bjc", reason=" ")
    services.business_case_create(actor=staff_user, proposal=proposal, stage="SOC")
    with pytest.raises(ValidationError, match="can no longer change"):
        gates.proposal_route_switch(actor=board, proposal=proposal, route="bjc", reason="Quicker")
    proposal.refresh_from_db()
    assert proposal.case_route == "three_stage" and proposal.route_reason == ""
    other = make_proposal(council, actor=staff_user, title="Other", capital_cost=Decimal(25_000_000))
    gates.proposal_route_switch(actor=board, proposal=other, route="bjc", reason="A renewal of the same system")
    other.refresh_from_db()
    assert other.case_route == "bjc" and other.route_decided_by == board
    assert AuditEntry.objects.filter(action="portfolio.proposal.route", object_id=str(other.pk)).exists()


def test_a_single_case_over_the_threshold_cannot_be_approved(council, staff_user, partnership_officer, board):
    proposal, case = bjc_ready(council, staff_user, capital_cost=Decimal(1_500_000))
    # The threshold falls after the case started: the 'go' is refused, not waved through.
    gates.route_limit_set(actor=partnership_officer, council=council, limit=Decimal(1_000_000))
    with pytest.raises(ValidationError, match="threshold"):
        gates.gate_record(actor=board, case=case, outcome="go", decided_on=DAY, reasons="x")


def test_a_go_on_poor_or_low_value_needs_a_recorded_justification(council, staff_user, board):
    proposal = make_proposal(council, actor=staff_user)
    vet(proposal, actor=staff_user)
    case = services.business_case_create(actor=staff_user, proposal=proposal, stage="BJC", **FULL_CASE)
    # BCR 0: costs and no benefits at all.
    services.option_save(
        actor=staff_user, case=case, name="Do it", kind="preferred", flows=[YearFlow(0, capital_cost=Decimal(10))]
    )
    with pytest.raises(ValidationError, match="value for money is Poor"):
        gates.gate_record(actor=board, case=case, outcome="go", decided_on=DAY, reasons="x")
    gate = gates.gate_record(
        actor=board,
        case=case,
        outcome="go",
        decided_on=DAY,
        reasons="x",
        vfm_justification="A legal duty: the old system loses support in March.",
    )
    assert gate.vfm_justification.startswith("A legal duty")


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_names_typed_before_deciders_were_people(council, staff_user, restore_migrations):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("portfolio", "0003_objective_versions")], [("portfolio", "0004_gates_versions_routes")]
    proposal = make_proposal(council, actor=staff_user)
    case = services.business_case_create(actor=staff_user, proposal=proposal, stage="BJC")
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    OldGate = executor.loader.project_state(before).apps.get_model("portfolio", "GateDecision")
    old = OldGate.objects.create(
        business_case_id=case.pk, outcome="go", decided_by="Joint ICT board", decided_on=DAY, reasons="Good value"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    gate = GateDecision.objects.get(pk=old.pk)
    assert gate.decided_by is None and gate.decided_by_name == "Joint ICT board"
    assert gate.decider == "Joint ICT board"


def test_a_board_member_decides_only_after_two_factor_sign_in_where_it_is_required(
    council, staff_user, board, settings
):
    from joinedup.portfolio import rules

    proposal, case = bjc_ready(council, staff_user)
    settings.REQUIRE_STAFF_MFA = True
    assert not rules.can_decide_gate(board, proposal)
    with pytest.raises(PermissionDenied):
        gates.gate_record(actor=board, case=case, outcome="go", decided_on=DAY, reasons="x")
    board.is_verified = lambda: True  # what django-otp sets once the second factor is given
    assert rules.can_decide_gate(board, proposal)
