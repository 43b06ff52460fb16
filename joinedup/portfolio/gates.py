"""
Gate decisions, frozen case versions and the business case route: the writes that have to
stand up to audit. Each runs in one transaction, checks permission and writes an audit entry.

The rules (docs/portfolio.md, "Gates"):
- a decision is recorded only on the proposal's current stage; earlier stages are history;
- only a portfolio board member of the lead council decides, as a named person, and never on a
  proposal they proposed or a case they wrote; the date of the decision is not in the future;
- a 'go' needs the triage vetting answered in full, the Five Case sections that the stage
  needs, the preferred option, the route the partnership's threshold gives (or a board
  member's recorded reason for another), and a recorded justification when the preferred
  option's value for money is Poor or Low;
- every decision freezes the case in a `CaseVersion`; a 'go' on a case already approved,
  changed since, approves the change without moving the project back.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.portfolio import rules, versions
from joinedup.portfolio.models import (
    CORE_QUESTIONS,
    FIVE_CASES,
    STAGE_SECTIONS,
    CaseRoute,
    CaseStage,
    CaseVersion,
    GateDecision,
    GateOutcome,
    Phase,
    RouteSetting,
    Stage,
)
from joinedup.portfolio.services import _audit, _full_clean, _set_stage, strategy_owner

# Used where a partnership has not set its own threshold (HM Treasury's proportionality
# guidance, often quoted as £2m).
DEFAULT_SINGLE_CASE_LIMIT = Decimal(2_000_000)
# The route compares the rough one-off cost plus this many years of running cost with the limit.
ROUTE_RUNNING_YEARS = 5
POOR_VALUE_BANDS = ("Poor", "Low")


# The route


def single_case_limit(council) -> Decimal:
    setting = RouteSetting.objects.filter(**strategy_owner(council)).first()
    return setting.single_case_limit if setting else DEFAULT_SINGLE_CASE_LIMIT


def estimated_cost(proposal) -> Decimal:
    """The rough one-off cost plus five years of running cost."""
    return Decimal(proposal.capital_cost or 0) + ROUTE_RUNNING_YEARS * Decimal(proposal.revenue_cost or 0)


def route_by_threshold(proposal) -> str:
    if estimated_cost(proposal) < single_case_limit(proposal.council):
        return CaseRoute.BJC
    return CaseRoute.THREE_STAGE


def route_follow_threshold(proposal) -> None:
    """Set the route from the threshold, unless a board member chose it or a case has started."""
    if proposal.route_reason or (proposal.pk and proposal.business_cases.exists()):
        return
    proposal.case_route = route_by_threshold(proposal)


@transaction.atomic
def route_limit_set(*, actor, council, limit, source="") -> RouteSetting:
    """Set the partnership's threshold for the single business justification case route."""
    if actor is not None:
        permissions.require(
            rules.can_manage_strategy(actor, council), "Only partnership officers can set the route threshold."
        )
    try:
        limit = Decimal(str(limit)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise ValidationError({"single_case_limit": "Enter an amount in pounds, like 2000000."}) from None
    if limit <= 0:
        raise ValidationError({"single_case_limit": "The threshold must be more than £0."})
    owner = strategy_owner(council)
    setting = RouteSetting.objects.select_for_update().filter(**owner).first()
    old = setting.single_case_limit if setting else DEFAULT_SINGLE_CASE_LIMIT
    if setting is None:
        setting = RouteSetting(**owner)
    setting.single_case_limit, setting.set_by = limit, actor
    _full_clean(setting)
    setting.save()
    _audit(actor, "route.limit", setting, council, {"single_case_limit": [str(old), str(limit)]}, source)
    return setting


@transaction.atomic
def proposal_route_switch(*, actor, proposal, route, reason, decided_by=None, source=""):
    """A portfolio board member chooses the route, with a recorded reason. Only before the
    first business case starts: once a stage has begun the route is fixed."""
    decider = _decider(actor, proposal, decided_by)
    if route not in CaseRoute.values:
        raise ValidationError({"route": "Choose a route."})
    if not (reason or "").strip():
        raise ValidationError({"reason": "Give the reason for the route."})
    if proposal.business_cases.exists():
        raise ValidationError(
            {"route": "A business case has started, so the route can no longer change. Earlier stages are history."}
        )
    if decider.pk == proposal.proposed_by_id:
        raise ValidationError({"route": "You proposed this project, so another board member must decide its route."})
    old = proposal.case_route
    proposal.case_route, proposal.route_reason, proposal.route_decided_by = route, reason.strip(), decider
    proposal.save(update_fields=["case_route", "route_reason", "route_decided_by", "updated_at"])
    _audit(
        actor,
        "proposal.route",
        proposal,
        proposal.council,
        {
            "route": [old, route],
            "reason": proposal.route_reason,
            "decided_by": decider.email,
            "threshold_route": route_by_threshold(proposal),
        },
        source,
    )
    return proposal


# Versions


def _new_version(case, actor) -> CaseVersion:
    number = (case.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    snapshot = versions.case_snapshot(case)
    snapshot["taken_on"] = timezone.now().isoformat()
    return CaseVersion.objects.create(business_case=case, number=number, snapshot=snapshot, made_by=actor)


def draft_changed(case) -> bool:
    """Whether the live case differs from its latest frozen version (True when there is none)."""
    latest = versions.latest_version(case)
    return latest is None or not versions.same(latest.snapshot, versions.case_snapshot(case))


# Gates


def current_case(proposal):
    """The stage now being worked on: the latest case started."""
    return proposal.business_cases.order_by("-created_at", "-id").first()


def _decider(actor, proposal, decided_by):
    """The board member deciding: the signed-in user, or for a system process the one named."""
    if actor is not None:
        permissions.require(
            rules.can_decide_gate(actor, proposal),
            "Only the lead council's portfolio board members can record gate decisions.",
        )
        return actor
    if decided_by is None or not rules.is_portfolio_approver(decided_by, proposal.council, require_mfa=False):
        raise ValidationError({"decided_by": "Name the portfolio board member who decided."})
    return decided_by


def missing_for_go(case) -> list[str]:
    """What a 'go' on this case still needs, in plain words (empty when nothing is missing)."""
    proposal = case.proposal
    missing = []
    answered = set(
        proposal.vetting_answers.filter(phase=Phase.TRIAGE).exclude(status="").values_list("item", flat=True)
    )
    left = [label for code, label in CORE_QUESTIONS if code not in answered]
    if left:
        missing.append(f"Answer every triage vetting question ({len(left)} of {len(CORE_QUESTIONS)} not answered).")
    labels = {name: label for name, label, _ in FIVE_CASES}
    empty = [labels[name] for name in STAGE_SECTIONS[case.stage] if not getattr(case, name).strip()]
    if empty:
        missing.append(f"Write the {', '.join(empty).lower()} for the {case.get_stage_display().lower()}.")
    if not case.options.filter(kind="preferred").exists():
        missing.append("Add the preferred option with its cash flows.")
    if case.stage == CaseStage.BJC and not proposal.route_reason and route_by_threshold(proposal) != CaseRoute.BJC:
        missing.append(
            f"The estimated cost, £{estimated_cost(proposal):,.0f}, is not under the partnership's "
            f"£{single_case_limit(proposal.council):,.0f} threshold for one business justification case: "
            "use the three-stage route, or a board member must record a reason for this route."
        )
    return missing


@transaction.atomic
def gate_record(
    *, actor, case, outcome, decided_on, reasons, decided_by=None, vfm_justification="", source=""
) -> GateDecision:
    """Record a gate decision on the current stage and freeze the case as a new version.

    'Go' on the full or business justification case approves the project; 'no go' stops it;
    'hold' pauses it; 'rework' sends the case back. On a case already approved and changed
    since, a 'go' approves the change and any other decision leaves the approved version in
    force: the project's stage does not move."""
    proposal = case.proposal
    decider = _decider(actor, proposal, decided_by)
    if outcome not in GateOutcome.values:
        raise ValidationError({"outcome": "Choose the decision."})
    if proposal.stage in (Stage.REJECTED, Stage.CLOSED):
        raise ValidationError("This proposal is not being taken forward.")
    current = current_case(proposal)
    if current is None or current.pk != case.pk:
        raise ValidationError(
            f"Decisions are recorded only on the current stage, the {current.get_stage_display().lower()}. "
            "Earlier stages are history."
            if current
            else "This proposal has no business case yet."
        )
    approved = versions.approved_version(case)
    is_change = approved is not None
    if is_change and not draft_changed(case):
        raise ValidationError(
            "This stage has passed its gate and nothing has changed since. "
            + ("Start the next stage's case." if case.stage in (CaseStage.SOC, CaseStage.OBC) else "")
        )
    if decider.pk in (proposal.proposed_by_id, case.author_id):
        raise ValidationError(
            {"decided_by": "You proposed this project or wrote this case, so another board member must decide."}
        )
    if decided_on is None:
        raise ValidationError({"decided_on": "Enter the date of the decision."})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "The date of the decision cannot be in the future."})
    vfm_justification = (vfm_justification or "").strip()
    snapshot = versions.case_snapshot(case)
    if outcome == GateOutcome.GO:
        missing = missing_for_go(case)
        if missing:
            raise ValidationError({"outcome": "Before a 'go': " + " ".join(missing)})
        option = versions.preferred(snapshot)
        band = (option.get("appraisal") or {}).get("vfm_band") if option else None
        if band in POOR_VALUE_BANDS and not vfm_justification:
            raise ValidationError(
                {
                    "vfm_justification": f"The preferred option's value for money is {band}: record why "
                    "the project should go ahead all the same."
                }
            )
    version = _new_version(case, actor)
    gate = GateDecision(
        business_case=case,
        outcome=outcome,
        decided_by=decider,
        decided_on=decided_on,
        reasons=(reasons or "").strip(),
        vfm_justification=vfm_justification,
        version=version,
        recorded_by=actor,
    )
    _full_clean(gate)
    gate.save()
    old_stage = proposal.stage
    if not is_change:
        if outcome == GateOutcome.GO and case.stage in (CaseStage.FBC, CaseStage.BJC):
            _set_stage(proposal, Stage.APPROVED)
        elif outcome == GateOutcome.NO_GO:
            _set_stage(proposal, Stage.REJECTED)
        elif outcome == GateOutcome.HOLD:
            _set_stage(proposal, Stage.ON_HOLD)
        else:
            _set_stage(proposal, Stage.BUSINESS_CASE)
    _audit(
        actor,
        "gate.record",
        case,
        proposal.council,
        {
            "outcome": outcome,
            "decided_by": decider.email,
            "decided_on": decided_on,
            "version": version.number,
            "change_to_approved_case": is_change,
            "stage": [old_stage, proposal.stage],
            "figures": versions.figures_of(snapshot),
            "vfm_justification": vfm_justification,
        },
        source,
    )
    return gate
