"""
Every write to the portfolio. `actor` is the signed-in user, or None for a trusted system
process (the demo seeder) named by `source`. Each service runs in one transaction: it saves
everything or nothing, checks permission (rules.py), validates, saves and writes an audit entry.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.core.audit import audit_record, field_changes
from joinedup.portfolio import rules
from joinedup.portfolio.appraisal import AppraisalError, YearFlow, check_flows
from joinedup.portfolio.models import (
    CHECKLIST_CODES,
    FIVE_CASES,
    SCORE_MAX,
    Answer,
    Benefit,
    BenefitMeasurement,
    BusinessCase,
    CaseRoute,
    CaseStage,
    CashFlowYear,
    Challenge,
    DiscountSchedule,
    Framework,
    GateOutcome,
    Milestone,
    ObjectiveVersion,
    ObjectiveWeight,
    Option,
    Phase,
    Proposal,
    Score,
    Stage,
    StatusReport,
    StrategicObjective,
    WeightMethod,
    WeightSet,
    green_book_2022_bands,
)
from joinedup.portfolio.prioritisation import PrioritisationError, ahp_matrix, ahp_weights, parse_judgement


def strategy_owner(council) -> dict:
    """Objectives and weights belong to the council's partnership, or to the council itself."""
    if council.partnership_id:
        return {"partnership": council.partnership, "council": None}
    return {"partnership": None, "council": council}


def _require(actor, allowed, message):
    if actor is not None:
        permissions.require(allowed, message)


def _full_clean(instance, exclude=None):
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _audit(actor, action, instance, council, changes=None, source=""):
    audit_record(
        actor=actor, action=f"portfolio.{action}", instance=instance, council=council, changes=changes, source=source
    )


# Strategy


@transaction.atomic
def objective_create(*, actor, council, code: str, title: str, description: str = "", source="") -> StrategicObjective:
    _require(actor, rules.can_manage_strategy(actor, council), "Only partnership officers can change the objectives.")
    owner = strategy_owner(council)
    code = code.strip().upper()
    if StrategicObjective.objects.filter(**owner, code=code).exists():
        raise ValidationError({"code": f"There is already an objective {code}."})
    objective = StrategicObjective(**owner, code=code, title=title.strip(), description=description)
    _full_clean(objective)
    objective.save()
    _new_objective_version(actor, objective, note="Added")
    _audit(actor, "objective.create", objective, council, {"code": code, "title": objective.title}, source)
    return objective


def _new_objective_version(actor, objective, note="") -> ObjectiveVersion:
    latest = objective.versions.aggregate(v=Max("version"))["v"] or 0
    return ObjectiveVersion.objects.create(
        objective=objective,
        version=latest + 1,
        code=objective.code,
        title=objective.title,
        description=objective.description,
        is_active=objective.is_active,
        note=(note or "")[:300],
        created_by=actor,
    )


def _owned_objective(council, objective) -> StrategicObjective:
    """The objective, locked for the change, if it belongs to the council's strategy owner."""
    try:
        return StrategicObjective.objects.select_for_update().get(pk=objective.pk, **strategy_owner(council))
    except StrategicObjective.DoesNotExist:
        raise ValidationError("That objective does not belong to this strategy.") from None


@transaction.atomic
def objective_update(
    *, actor, council, objective, code: str, title: str, description: str = "", note: str = "", source=""
) -> StrategicObjective:
    """Change an objective's code or wording. The old wording is kept as an earlier version, and
    scores already given keep the version (and the weights) they were made with."""
    _require(actor, rules.can_manage_strategy(actor, council), "Only partnership officers can change the objectives.")
    objective = _owned_objective(council, objective)
    if not objective.is_active:
        raise ValidationError("This objective has been retired, so it cannot be changed.")
    code = (code or "").strip().upper()
    errors = {}
    if not code:
        errors["code"] = "Enter a code"
    elif StrategicObjective.objects.filter(**strategy_owner(council), code=code).exclude(pk=objective.pk).exists():
        errors["code"] = f"There is already an objective {code}."
    if not (title or "").strip():
        errors["title"] = "Enter the objective"
    if errors:
        raise ValidationError(errors)
    before = {"code": objective.code, "title": objective.title, "description": objective.description}
    after = {"code": code, "title": title.strip(), "description": (description or "").strip()}
    if before == after:
        raise ValidationError("Nothing has changed: change the code, the wording or the detail before saving.")
    for field, value in after.items():
        setattr(objective, field, value)
    _full_clean(objective)
    objective.save()
    version = _new_objective_version(actor, objective, note=note)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    changes["version"] = version.version
    _audit(actor, "objective.update", objective, council, changes, source)
    return objective


@transaction.atomic
def objective_retire(*, actor, council, objective, weights: dict, note: str = "", source="") -> WeightSet:
    """Retire an objective and, in the same step, set new weights for the objectives that remain
    (they must add up to 100%), so the ranking never uses weights that no longer add up. Scores
    already given against it stay in the history. Returns the new weights version."""
    _require(actor, rules.can_manage_strategy(actor, council), "Only partnership officers can change the objectives.")
    objective = _owned_objective(council, objective)
    if not objective.is_active:
        raise ValidationError("This objective has already been retired.")
    if not (note or "").strip():
        raise ValidationError({"note": "Say why the objective is being retired."})
    remaining = [o for o in _active_objectives(council) if o.pk != objective.pk]
    if not remaining:
        raise ValidationError(
            "Add another objective before retiring the last one: proposals need something to be scored against."
        )
    objective.is_active = False
    objective.save(update_fields=["is_active", "updated_at"])
    version = _new_objective_version(actor, objective, note=note.strip())
    weights = {o: weights.get(o, weights.get(o.pk)) for o in remaining}
    weight_set = weights_set_direct(
        actor=actor,
        council=council,
        weights=weights,
        note=f"{objective.code} retired: {note.strip()}"[:300],
        source=source,
    )
    _audit(
        actor,
        "objective.retire",
        objective,
        council,
        {"code": objective.code, "version": version.version, "weights_version": weight_set.version, "reason": note},
        source,
    )
    return weight_set


def current_weight_set(council) -> WeightSet | None:
    return WeightSet.objects.filter(**strategy_owner(council)).prefetch_related("weights__objective").first()


def _new_weight_set(actor, council, method, weights, *, judgements=None, cr=None, note="", source=""):
    owner = strategy_owner(council)
    version = (WeightSet.objects.filter(**owner).aggregate(v=Max("version"))["v"] or 0) + 1
    weight_set = WeightSet.objects.create(
        **owner,
        version=version,
        method=method,
        judgements=judgements or {},
        consistency_ratio=cr,
        note=note,
        created_by=actor,
    )
    ObjectiveWeight.objects.bulk_create(
        ObjectiveWeight(weight_set=weight_set, objective=objective, weight=weight)
        for objective, weight in weights.items()
    )
    _audit(
        actor,
        "weights.create",
        weight_set,
        council,
        {"method": method, "weights": {o.code: str(w) for o, w in weights.items()}, "consistency_ratio": cr},
        source,
    )
    return weight_set


def _active_objectives(council):
    return list(StrategicObjective.objects.filter(**strategy_owner(council), is_active=True))


@transaction.atomic
def weights_set_direct(*, actor, council, weights: dict, note: str = "", source="") -> WeightSet:
    """Set the weights directly as fractions (0.25 for 25%); together they must make 1 (100%)."""
    _require(actor, rules.can_manage_strategy(actor, council), "Only partnership officers can change the weights.")
    objectives = _active_objectives(council)
    errors = {}
    clean = {}
    for objective in objectives:
        try:
            value = Decimal(str(weights.get(objective, weights.get(objective.pk))))
        except (InvalidOperation, TypeError):
            errors[f"weight_{objective.pk}"] = f"Enter a weight for {objective.code}."
            continue
        if value < 0 or value > 1:
            errors[f"weight_{objective.pk}"] = f"The weight for {objective.code} must be between 0% and 100%."
        clean[objective] = value.quantize(Decimal("0.000001"))
    if errors:
        raise ValidationError(errors)
    if not objectives:
        raise ValidationError("Add the objectives before setting their weights.")
    total = sum(clean.values())
    if abs(total - 1) > Decimal("0.0005"):
        raise ValidationError(f"The weights must add up to 100%; they add up to {total * 100:.1f}%.")
    return _new_weight_set(actor, council, WeightMethod.DIRECT, clean, note=note, source=source)


@transaction.atomic
def weights_set_ahp(*, actor, council, judgements: dict, note: str = "", source="") -> WeightSet:
    """Work the weights out from pairwise judgements {(objective_a, objective_b): 'how much more a matters'}."""
    _require(actor, rules.can_manage_strategy(actor, council), "Only partnership officers can change the weights.")
    objectives = sorted(_active_objectives(council), key=lambda o: o.code)
    if len(objectives) < 2:
        raise ValidationError("Pairwise comparison needs at least two objectives.")
    if len(objectives) > 10:
        raise ValidationError(
            f"Pairwise comparison works with at most 10 objectives; there are {len(objectives)}. "
            "Set the weights directly instead."
        )
    index = {o.pk: i for i, o in enumerate(objectives)}
    by_index = {}
    errors = {}
    for (a, b), value in judgements.items():
        try:
            parse_judgement(value)
        except PrioritisationError as error:
            errors[f"pair_{a.pk}_{b.pk}"] = f"{a.code} against {b.code}: {error}"
            continue
        by_index[(index[a.pk], index[b.pk])] = value
    if errors:
        raise ValidationError(errors)
    try:
        result = ahp_weights(ahp_matrix(len(objectives), by_index))
    except PrioritisationError as error:
        raise ValidationError(str(error)) from None
    weights = {o: Decimal(str(round(w, 6))) for o, w in zip(objectives, result.weights, strict=True)}
    # Rounding to six places can leave the total a millionth off; give the rest to the largest weight.
    largest = max(weights, key=weights.get)
    weights[largest] += Decimal(1) - sum(weights.values())
    stored = {f"{a.code}|{b.code}": str(v) for (a, b), v in judgements.items()}
    return _new_weight_set(
        actor,
        council,
        WeightMethod.AHP,
        weights,
        judgements=stored,
        cr=round(result.consistency_ratio, 4),
        note=note,
        source=source,
    )


# Proposals

PROPOSAL_FIELDS = (
    "title",
    "problem",
    "beneficiaries",
    "capital_cost",
    "revenue_cost",
    "timescale_months",
    "expected_benefits",
    "urgency",
)


def _check_links(council, councils, objectives, related_applications):
    from joinedup.councils.models import Council

    errors = {}
    partners = (
        set(Council.objects.filter(partnership_id=council.partnership_id).values_list("pk", flat=True))
        if (council.partnership_id)
        else {council.pk}
    )
    if any(c.pk not in partners for c in councils):
        errors["councils"] = "Choose councils from your partnership."
    owner = strategy_owner(council)
    if any(
        (o.partnership_id, o.council_id)
        != (
            owner["partnership"].pk if owner["partnership"] else None,
            owner["council"].pk if owner["council"] else None,
        )
        for o in objectives
    ):
        errors["objectives"] = "Choose objectives of your partnership."
    if any(a.council_id != council.pk for a in related_applications):
        errors["related_applications"] = "Choose systems from this council's software register."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def proposal_create(
    *, actor, council, councils=(), objectives=(), related_applications=(), owner=None, source="", **values
) -> Proposal:
    """Any member of the council's staff can propose an idea."""
    _require(actor, rules.can_edit_portfolio(actor, council), "Only this council's staff can propose a project.")
    _check_links(council, councils, objectives, related_applications)
    # Lock the council's proposals while numbering, so two proposals never share a reference.
    count = Proposal.objects.select_for_update().filter(council=council).count()
    proposal = Proposal(
        council=council,
        reference=f"{council.short_name}-P{count + 1:03d}",
        proposed_by=actor,
        owner=owner or actor,
        **{name: values[name] for name in PROPOSAL_FIELDS if name in values},
    )
    while Proposal.objects.filter(council=council, reference=proposal.reference).exists():
        count += 1
        proposal.reference = f"{council.short_name}-P{count + 1:03d}"
    _route_follow_threshold(proposal)
    _full_clean(proposal, exclude=["reference"])
    proposal.save()
    proposal.councils.set({council, *councils})
    proposal.objectives.set(objectives)
    proposal.related_applications.set(related_applications)
    _audit(actor, "proposal.create", proposal, council, {"title": proposal.title}, source)
    return proposal


@transaction.atomic
def proposal_update(
    *, actor, proposal, councils=None, objectives=None, related_applications=None, source="", **values
) -> Proposal:
    _require(actor, rules.can_edit_proposal(actor, proposal), "Only the lead council's staff can change this.")
    council = proposal.council
    _check_links(council, councils or (), objectives or (), related_applications or ())
    values = {name: values[name] for name in PROPOSAL_FIELDS if name in values}
    changes = field_changes(proposal, values)
    for name, value in values.items():
        setattr(proposal, name, value)
    old_route = proposal.case_route
    _route_follow_threshold(proposal)
    if proposal.case_route != old_route:
        changes["case_route"] = [old_route, proposal.case_route]
    _full_clean(proposal, exclude=["reference"])
    proposal.save()
    if councils is not None:
        proposal.councils.set({council, *councils})
    if objectives is not None:
        proposal.objectives.set(objectives)
    if related_applications is not None:
        proposal.related_applications.set(related_applications)
    _audit(actor, "proposal.update", proposal, council, changes, source)
    return proposal


@transaction.atomic
def proposal_schedule(*, actor, proposal, start_date, end_date, depends_on=(), excludes=None, source="") -> Proposal:
    """Place a project on the roadmap: its dates, the projects it must wait for and (when given)
    the projects it cannot go ahead with."""
    _require(actor, rules.can_edit_proposal(actor, proposal), "Only the lead council's staff can change this.")
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    depends_on = list(depends_on)
    if proposal in depends_on:
        raise ValidationError({"depends_on": "A project cannot depend on itself."})
    # Refuse a loop: nothing this project depends on may (eventually) depend on it.
    seen, frontier = set(), [d.pk for d in depends_on]
    while frontier:
        pk = frontier.pop()
        if pk == proposal.pk:
            raise ValidationError({"depends_on": "That would make projects wait for each other in a loop."})
        if pk in seen:
            continue
        seen.add(pk)
        frontier += list(
            Proposal.depends_on.through.objects.filter(from_proposal_id=pk).values_list("to_proposal_id", flat=True)
        )
    changes = field_changes(proposal, {"start_date": start_date, "end_date": end_date})
    proposal.start_date, proposal.end_date = start_date, end_date
    proposal.save(update_fields=["start_date", "end_date", "updated_at"])
    if excludes is not None:
        excludes = list(excludes)
        if proposal in excludes:
            raise ValidationError({"excludes": "A project cannot exclude itself."})
        both = {p.reference for p in excludes} & {d.reference for d in depends_on}
        if both:
            raise ValidationError(
                {"excludes": f"{', '.join(sorted(both))}: a project cannot both need and exclude another."}
            )
        proposal.excludes.set(excludes)
        changes["excludes"] = [p.reference for p in excludes]
    proposal.depends_on.set(depends_on)
    changes["depends_on"] = [d.reference for d in depends_on]
    _audit(actor, "proposal.schedule", proposal, proposal.council, changes, source)
    return proposal


def _route_follow_threshold(proposal):
    from joinedup.portfolio.gates import route_follow_threshold

    route_follow_threshold(proposal)


def _set_stage(proposal, stage):
    proposal.stage = stage
    proposal.save(update_fields=["stage", "updated_at"])


@transaction.atomic
def proposal_set_stage(*, actor, proposal, stage, source="") -> Proposal:
    """Close a project, put it on hold or withdraw it; gates and reports move the other stages."""
    _require(actor, rules.can_edit_proposal(actor, proposal), "Only the lead council's staff can change this.")
    if stage not in (Stage.CLOSED, Stage.ON_HOLD, Stage.REJECTED, Stage.DELIVERY):
        raise ValidationError({"stage": "That stage is set by a gate decision."})
    if stage in (Stage.CLOSED, Stage.DELIVERY) and proposal.stage not in (Stage.APPROVED, Stage.DELIVERY):
        raise ValidationError({"stage": "Only an approved project can go into delivery or be closed."})
    old = proposal.stage
    _set_stage(proposal, stage)
    _audit(actor, "proposal.stage", proposal, proposal.council, {"stage": {"from": old, "to": stage}}, source)
    return proposal


# Vetting


@transaction.atomic
def vetting_record(*, actor, proposal, phase, answers: dict, source="") -> list:
    """Save checklist answers {item: (status, evidence)} for a phase. An answer needs evidence
    unless the item does not apply. Core questions belong to triage; the standards to a GDS phase."""
    _require(actor, rules.can_edit_proposal(actor, proposal), "Only the lead council's staff can vet this.")
    if phase not in Phase.values:
        raise ValidationError({"phase": "Choose a phase."})
    errors = {}
    clean = {}
    for item, (status, evidence) in answers.items():
        if item not in CHECKLIST_CODES:
            raise ValidationError(f"'{item}' is not on the checklist.")
        framework, label = CHECKLIST_CODES[item]
        if (framework == Framework.CORE) != (phase == Phase.TRIAGE):
            raise ValidationError(f"'{label}' is not answered at the {phase} phase.")
        if not status:
            continue
        if status not in Answer.values:
            errors[f"{item}_status"] = f"{label}: choose met, partly met, not met or not applicable."
        elif status != Answer.NOT_APPLICABLE and not (evidence or "").strip():
            errors[f"{item}_evidence"] = f"{label}: give the evidence for this answer."
        else:
            clean[item] = (status, (evidence or "").strip())
    if errors:
        raise ValidationError(errors)
    saved = []
    changes = {}
    for item, (status, evidence) in clean.items():
        answer, _ = proposal.vetting_answers.update_or_create(
            item=item, phase=phase, defaults={"status": status, "evidence": evidence, "answered_by": actor}
        )
        saved.append(answer)
        changes[item] = status
    if proposal.stage == Stage.IDEA and saved:
        _set_stage(proposal, Stage.VETTING)
    _audit(actor, "vetting.record", proposal, proposal.council, {"phase": phase, "answers": changes}, source)
    return saved


# Business cases and gates


def current_discount_schedule() -> DiscountSchedule:
    """The schedule new cases use. Migration 0002 stores the Green Book 2022 one; should no schedule be
    marked current (an emptied database), that one is stored again rather than refusing to work."""
    schedule = DiscountSchedule.objects.filter(is_current=True).first()
    if schedule is None:
        schedule, _ = DiscountSchedule.objects.get_or_create(
            version="green-book-2022",
            defaults={
                "name": "HM Treasury Green Book 2022 (3.5% to year 30, then declining)",
                "bands": green_book_2022_bands(),
                "effective_from": datetime.date(2022, 11, 18),
                "is_current": True,
            },
        )
    return schedule


CASE_FIELDS = tuple(name for name, _, _ in FIVE_CASES) + ("ob_category", "ob_mitigation")
NEXT_STAGE = {CaseStage.OBC: CaseStage.SOC, CaseStage.FBC: CaseStage.OBC}


@transaction.atomic
def business_case_create(*, actor, proposal, stage, source="", **values) -> BusinessCase:
    """Start a stage's case. Three-stage route: SOC, then OBC after a 'go' at the SOC gate, then FBC.
    Business justification route: one BJC."""
    _require(actor, rules.can_edit_proposal(actor, proposal), "Only the lead council's staff can write the case.")
    if proposal.stage in (Stage.REJECTED, Stage.CLOSED):
        raise ValidationError("This proposal is not being taken forward.")
    allowed = (
        (CaseStage.BJC,) if proposal.case_route == CaseRoute.BJC else (CaseStage.SOC, CaseStage.OBC, CaseStage.FBC)
    )
    if stage not in allowed:
        raise ValidationError({"stage": f"This proposal follows the route: {proposal.get_case_route_display()}."})
    if proposal.business_cases.filter(stage=stage).exists():
        raise ValidationError({"stage": "This stage's case has been started already."})
    before = NEXT_STAGE.get(stage)
    if before:
        earlier = proposal.business_cases.filter(stage=before).first()
        gate = earlier.latest_gate() if earlier else None
        if gate is None or gate.outcome != GateOutcome.GO:
            raise ValidationError({"stage": f"The {CaseStage(before).label.lower()} must pass its gate first."})
    schedule = current_discount_schedule()
    case = BusinessCase(
        proposal=proposal,
        stage=stage,
        author=actor,
        discount_schedule=schedule,
        **{k: v for k, v in values.items() if k in CASE_FIELDS},
    )
    _full_clean(case)
    case.save()
    if proposal.stage in (Stage.IDEA, Stage.VETTING, Stage.ON_HOLD):
        _set_stage(proposal, Stage.BUSINESS_CASE)
    _audit(actor, "case.create", case, proposal.council, {"stage": stage}, source)
    return case


def _check_current(case):
    """Only the current stage's case can change: earlier stages are history."""
    latest = case.proposal.business_cases.order_by("-created_at", "-id").first()
    if latest is not None and latest.pk != case.pk:
        raise ValidationError(
            f"The {case.get_stage_display().lower()} is history: change the "
            f"{latest.get_stage_display().lower()} instead."
        )


def _draft_note(case, before) -> dict:
    """For an audit entry: the figures before and after a change, and which version it drafts."""
    from joinedup.portfolio import versions

    after = versions.case_snapshot(case)
    approved = versions.approved_version(case)
    latest = versions.latest_version(case)
    return {
        "figures": {"before": versions.figures_of(before), "after": versions.figures_of(after)},
        "draft_of_version": (latest.number + 1) if latest else 1,
        "approved_version": approved.number if approved else None,
    }


@transaction.atomic
def business_case_update(*, actor, case, source="", **values) -> BusinessCase:
    """Change the case. After a gate this is a draft of the next version: the frozen versions,
    and the approved figures, stay as they were."""
    from joinedup.portfolio import versions

    _require(actor, rules.can_edit_proposal(actor, case.proposal), "Only the lead council's staff can write the case.")
    _check_current(case)
    before = versions.case_snapshot(case)
    values = {k: v for k, v in values.items() if k in CASE_FIELDS}
    changes = field_changes(case, values)
    for name, value in values.items():
        setattr(case, name, value)
    _full_clean(case)
    case.save()
    audit = dict(changes)
    audit.update(_draft_note(case, before))
    _audit(actor, "case.update", case, case.proposal.council, audit, source)
    return case


def parse_cash_flows(text: str) -> list[YearFlow]:
    """Read lines of 'year, capital cost, running cost, benefit' (amounts in pounds, commas in
    numbers allowed when the line uses tabs or semicolons). Raises ValidationError in plain English."""
    flows = []
    for number, raw in enumerate((text or "").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        separator = "\t" if "\t" in line else ";" if ";" in line else ","
        parts = [p.strip().replace("£", "") for p in line.split(separator)]
        if separator != ",":
            parts = [p.replace(",", "") for p in parts]
        if len(parts) != 4:
            raise ValidationError(
                {"cash_flows": f"Line {number} must have 4 values: year, capital cost, running cost, benefit."}
            )
        try:
            year = int(parts[0])
            capital, revenue, benefit = (Decimal(p or "0") for p in parts[1:])
        except (ValueError, InvalidOperation):
            raise ValidationError({"cash_flows": f"Line {number} has something that is not a number."}) from None
        flows.append(YearFlow(year, capital, revenue, benefit))
    try:
        return check_flows(flows)
    except AppraisalError as error:
        raise ValidationError({"cash_flows": str(error)}) from None


@transaction.atomic
def option_save(*, actor, case, name, kind, flows, description="", option=None, source="") -> Option:
    """Add or change an option with its yearly cash flows (years 0, 1, 2 ... none missing, none negative)."""
    from joinedup.portfolio import versions

    _require(actor, rules.can_edit_proposal(actor, case.proposal), "Only the lead council's staff can do this.")
    _check_current(case)
    before = versions.case_snapshot(case)
    try:
        flows = check_flows(flows)
    except AppraisalError as error:
        raise ValidationError({"cash_flows": str(error)}) from None
    if option is None:
        option = Option(business_case=case)
    elif option.business_case_id != case.pk:
        raise ValidationError("That option belongs to another case.")
    option.name, option.kind, option.description = (name or "").strip(), kind, description
    _full_clean(option)
    option.save()
    option.cash_flows.all().delete()
    rows = [
        CashFlowYear(
            option=option, year=f.year, capital_cost=f.capital_cost, revenue_cost=f.revenue_cost, benefit=f.benefit
        )
        for f in flows
    ]
    for row in rows:
        _full_clean(row, exclude=["option"])
    CashFlowYear.objects.bulk_create(rows)
    audit = {"name": option.name, "years": len(rows)}
    audit.update(_draft_note(case, before))
    _audit(actor, "option.save", option, case.proposal.council, audit, source)
    return option


# Scoring


@transaction.atomic
def scores_record(*, actor, proposal, scores: dict, rater=None, source="") -> list[Score]:
    """Record a rater's scores {objective: (0..5, justification)}; earlier scores stay as history.
    The rater is the actor; a system process (actor None) names the rater instead."""
    _require(actor, rules.can_edit_proposal(actor, proposal), "Only the lead council's staff can score this.")
    rater = actor if actor is not None else rater
    if rater is None:
        raise ValidationError("A score needs a named rater.")
    weight_set = current_weight_set(proposal.council)
    allowed = {o.pk for o in _active_objectives(proposal.council)}
    versions = {}
    for version in ObjectiveVersion.objects.filter(objective_id__in=allowed).order_by("objective_id", "-version"):
        versions.setdefault(version.objective_id, version)
    errors = {}
    rows = []
    for objective, (value, justification) in scores.items():
        if objective.pk not in allowed:
            raise ValidationError("Score only against the current objectives.")
        if value is None or value == "":
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= SCORE_MAX:
            errors[f"score_{objective.pk}"] = (
                f"{objective.code}: the score must be a whole number from 0 to {SCORE_MAX}."
            )
        elif not (justification or "").strip():
            errors[f"why_{objective.pk}"] = f"{objective.code}: say why you gave this score."
        else:
            rows.append(
                Score(
                    proposal=proposal,
                    objective=objective,
                    rater=rater,
                    value=value,
                    justification=justification.strip(),
                    weight_set=weight_set,
                    objective_version=versions.get(objective.pk),
                )
            )
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError("Score the proposal against at least one objective.")
    Score.objects.bulk_create(rows)
    _audit(actor, "score.record", proposal, proposal.council, {r.objective.code: r.value for r in rows}, source)
    return rows


# Delivery


@transaction.atomic
def milestone_add(*, actor, proposal, title, due_on, source="") -> Milestone:
    _require(actor, rules.can_edit_proposal(actor, proposal), "Only the lead council's staff can do this.")
    milestone = Milestone(proposal=proposal, title=(title or "").strip(), due_on=due_on)
    _full_clean(milestone)
    milestone.save()
    _audit(actor, "milestone.add", proposal, proposal.council, {"title": milestone.title, "due_on": due_on}, source)
    return milestone


STATUS_FIELDS = (
    "period_end",
    "rag_overall",
    "rag_time",
    "rag_cost",
    "rag_scope",
    "rag_benefits",
    "delivery_confidence",
    "narrative",
    "budget_to_date",
    "actual_to_date",
)


@transaction.atomic
def status_report_add(*, actor, proposal, source="", **values) -> StatusReport:
    _require(actor, rules.can_edit_proposal(actor, proposal), "Only the lead council's staff can report on this.")
    if proposal.stage not in (Stage.APPROVED, Stage.DELIVERY, Stage.ON_HOLD):
        raise ValidationError("Status reports are for approved projects.")
    report = StatusReport(proposal=proposal, reported_by=actor, **{k: values[k] for k in STATUS_FIELDS if k in values})
    _full_clean(report)
    report.save()
    if proposal.stage == Stage.APPROVED:
        _set_stage(proposal, Stage.DELIVERY)
    _audit(
        actor,
        "status.add",
        proposal,
        proposal.council,
        {"period_end": report.period_end, "overall": report.rag_overall},
        source,
    )
    return report


BENEFIT_FIELDS = (
    "number",
    "category",
    "benefit_class",
    "description",
    "service_feature",
    "potential_costs",
    "activities_required",
    "responsible_officer",
    "performance_measure",
    "baseline_value",
    "target_improvement",
    "full_year_value",
    "timescale_years",
    "is_disbenefit",
)


@transaction.atomic
def benefit_add(*, actor, proposal, source="", **values) -> Benefit:
    _require(actor, rules.can_edit_proposal(actor, proposal), "Only the lead council's staff can do this.")
    values = {k: values[k] for k in BENEFIT_FIELDS if k in values}
    if proposal.benefits.filter(number=values.get("number", "")).exists():
        raise ValidationError({"number": "That benefit number is used already."})
    benefit = Benefit(proposal=proposal, **values)
    _full_clean(benefit)
    benefit.save()
    _audit(actor, "benefit.add", benefit, proposal.council, {"number": benefit.number}, source)
    return benefit


@transaction.atomic
def benefit_measure(*, actor, benefit, measured_on, value, realised_saving, note="", source="") -> BenefitMeasurement:
    proposal = benefit.proposal
    _require(actor, rules.can_edit_proposal(actor, proposal), "Only the lead council's staff can do this.")
    measurement = BenefitMeasurement(
        benefit=benefit,
        measured_on=measured_on,
        value=value,
        realised_saving=realised_saving,
        note=note or "",
        recorded_by=actor,
    )
    _full_clean(measurement)
    measurement.save()
    _audit(
        actor,
        "benefit.measure",
        benefit,
        proposal.council,
        {"measured_on": measured_on, "value": value, "realised_saving": realised_saving},
        source,
    )
    return measurement


# Member challenge


@transaction.atomic
def challenge_ask(*, actor, proposal, question, source="") -> Challenge:
    """Scrutiny members and councillors of the councils taking part ask a question."""
    permissions.require(rules.can_challenge(actor, proposal), "Only members of the councils taking part can ask.")
    challenge = Challenge(proposal=proposal, asked_by=actor, question=(question or "").strip())
    _full_clean(challenge)
    challenge.save()
    challenge.notified = _notify_owner(challenge)
    _audit(
        actor,
        "challenge.ask",
        challenge,
        proposal.council,
        {"question": challenge.question[:200], "notified": challenge.notified.email if challenge.notified else None},
        source,
    )
    return challenge


def _notify_owner(challenge):
    """Queue an email to the proposal's owner (or, without one, its proposer) in this
    transaction. Returns the person told, or None when there is nobody to tell."""
    from django.conf import settings
    from django.urls import reverse

    from joinedup.notifications.services import message_queue
    from joinedup.portfolio.selectors import question_due

    proposal = challenge.proposal
    recipient = next(
        (u for u in (proposal.owner, proposal.proposed_by) if u is not None and u.is_active and u.email), None
    )
    if recipient is None:
        return None
    url = settings.SITE_URL + reverse(
        "portfolio:question-answer", args=[proposal.council.slug, proposal.pk, challenge.pk]
    )
    message_queue(
        council=proposal.council,
        event="portfolio.question_asked",
        recipient=recipient.email,
        channel="email",
        context={
            "reference": proposal.reference,
            "category": proposal.title,
            "council_name": proposal.council.name,
            "message": challenge.question,
            "expected_by": f"{question_due(challenge):%-d %B %Y}",
            "recipient_name": recipient.get_short_name(),
            "tracking_url": url,
        },
        dedupe_key=f"portfolio.question_asked:{challenge.pk}",
        obj=challenge,
    )
    return recipient


@transaction.atomic
def challenge_answer(*, actor, challenge, answer, answered_by=None, source="") -> Challenge:
    """Publish the answer. It is signed by the actor; a system process names who answered."""
    proposal = challenge.proposal
    _require(actor, rules.can_edit_proposal(actor, proposal), "Only the project's owners can answer.")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Enter the answer."})
    answered_by = actor if actor is not None else answered_by
    if answered_by is None:
        raise ValidationError("An answer needs the name of the person who gave it.")
    challenge.answer, challenge.answered_by, challenge.answered_at = answer, answered_by, timezone.now()
    challenge.save()
    _audit(actor, "challenge.answer", challenge, proposal.council, {"answer": answer[:200]}, source)
    return challenge
