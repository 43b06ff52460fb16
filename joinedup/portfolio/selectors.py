"""
Every read of the portfolio. Each selector takes the council (or partnership) and the user, and
gives 404 for what the user may not see, so a page can never show another council's proposals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from joinedup.portfolio import rules
from joinedup.portfolio.appraisal import (
    AppraisalError,
    YearFlow,
    appraise,
    end_allowing_for_optimism_bias,
    optimism_bias_for,
)
from joinedup.portfolio.models import (
    ROADMAP_STAGES,
    SCORE_MAX,
    BusinessCase,
    Challenge,
    Option,
    OptionKind,
    Proposal,
    Score,
    Stage,
    StrategicObjective,
)
from joinedup.portfolio.prioritisation import Candidate, select_within_budget, weighted_score
from joinedup.portfolio.services import current_weight_set, strategy_owner


def require_view(user, council):
    if not rules.can_view_portfolio(user, council):
        raise PermissionDenied("Only this council's staff and members can see its portfolio.")


def objectives(*, council) -> QuerySet[StrategicObjective]:
    return StrategicObjective.objects.filter(**strategy_owner(council), is_active=True)


def all_objectives(*, user, council) -> QuerySet[StrategicObjective]:
    """Current and retired objectives, with their versions (newest first)."""
    require_view(user, council)
    return StrategicObjective.objects.filter(**strategy_owner(council)).prefetch_related("versions__created_by")


def objective_get(*, user, council, pk) -> StrategicObjective:
    """One of the strategy owner's objectives; another strategy's objective is not found."""
    require_view(user, council)
    try:
        return StrategicObjective.objects.prefetch_related("versions__created_by").get(pk=pk, **strategy_owner(council))
    except StrategicObjective.DoesNotExist:
        raise Http404("No objective with that number.") from None


def proposal_list(*, user, council, stage=None) -> QuerySet[Proposal]:
    require_view(user, council)
    qs = Proposal.objects.filter(council=council).select_related("owner").prefetch_related("objectives")
    if stage:
        qs = qs.filter(stage=stage)
    return qs


def proposal_get(*, user, council, pk) -> Proposal:
    """One of the council's proposals, for those who may see it: the lead council's readers and
    members of every council taking part (rules.can_view_proposal)."""
    try:
        proposal = (
            Proposal.objects.select_related("council", "owner", "proposed_by", "route_decided_by")
            .prefetch_related("objectives", "councils", "related_applications__product", "depends_on")
            .get(council=council, pk=pk)
        )
    except Proposal.DoesNotExist:
        require_view(user, council)
        raise Http404("No proposal with that number.") from None
    if not rules.can_view_proposal(user, proposal):
        raise PermissionDenied("Only the councils taking part can see this proposal.")
    return proposal


def partner_led(*, user, council) -> list[Proposal]:
    """Proposals led by other councils that this council takes part in, which the user may see."""
    qs = (
        Proposal.objects.filter(councils=council)
        .exclude(council=council)
        .exclude(stage=Stage.REJECTED)
        .select_related("council")
        .prefetch_related("councils")
        .distinct()
    )
    return [p for p in qs if rules.can_view_proposal(user, p)]


QUESTION_ANSWER_DAYS = 28  # days the owner has to answer a member's question


def question_due(challenge):
    import datetime

    from django.utils import timezone

    return timezone.localtime(challenge.created_at).date() + datetime.timedelta(days=QUESTION_ANSWER_DAYS)


def unanswered_questions(*, user, council) -> list[Challenge]:
    """Members' questions on the council's proposals still waiting for an answer, oldest first,
    each with `due_on` and `is_overdue`."""
    from django.utils import timezone

    require_view(user, council)
    today = timezone.localdate()
    questions = list(
        Challenge.objects.filter(proposal__council=council, answered_at__isnull=True)
        .select_related("proposal", "asked_by", "proposal__owner")
        .order_by("created_at", "id")
    )
    for q in questions:
        q.due_on = question_due(q)
        q.is_overdue = q.due_on < today
    return questions


def case_get(*, user, proposal, pk) -> BusinessCase:
    try:
        return proposal.business_cases.select_related("discount_schedule").get(pk=pk)
    except BusinessCase.DoesNotExist:
        raise Http404("No business case with that number.") from None


def option_get(*, case, pk) -> Option:
    try:
        return case.options.get(pk=pk)
    except Option.DoesNotExist:
        raise Http404("No option with that number.") from None


def challenge_get(*, proposal, pk) -> Challenge:
    try:
        return proposal.challenges.get(pk=pk)
    except Challenge.DoesNotExist:
        raise Http404("No question with that number.") from None


def same_function_suggestions(*, proposal) -> list:
    """Systems in partner councils that do the same job as the systems the proposal relates to,
    so the partnership can reuse one before buying another. A candidate must share an ESD
    function; ESD's top-level functions are broad, so when some candidates also share an LGSL
    service, the application's name or its service area, only those are shown, closest first."""
    from joinedup.software.models import Application, normalise_name

    if not proposal.council.partnership_id:
        return []
    related = list(
        proposal.related_applications.select_related("product", "service_area").prefetch_related(
            "product__functions", "product__services"
        )
    )
    function_ids = {f.pk for app in related for f in app.product.functions.all()}
    if not function_ids:
        return []
    service_ids = {s.pk for app in related for s in app.product.services.all()}
    names = {normalise_name(app.name) for app in related}
    areas = {normalise_name(app.service_area.name) for app in related if app.service_area}
    candidates = list(
        Application.objects.filter(
            council__partnership_id=proposal.council.partnership_id, product__functions__in=function_ids
        )
        .exclude(council=proposal.council)
        .select_related("council", "product", "service_area")
        .prefetch_related("product__functions", "product__services")
        .distinct()
    )

    def closeness(app):
        shared_services = len(service_ids & {s.pk for s in app.product.services.all()})
        same_name = normalise_name(app.name) in names
        same_area = app.service_area is not None and normalise_name(app.service_area.name) in areas
        return 4 * same_name + 2 * shared_services + same_area

    scored = [(closeness(app), app) for app in candidates]
    if any(score for score, _ in scored):
        scored = [(score, app) for score, app in scored if score]
    scored.sort(key=lambda pair: (-pair[0], pair[1].product.name, pair[1].council.name))
    return [app for _, app in scored]


# Appraisal


@dataclass
class OptionAppraisal:
    option: Option
    result: object = None
    error: str = ""
    flows: list = field(default_factory=list)


def case_appraisals(*, case) -> list[OptionAppraisal]:
    """Each option appraised with the case's discount schedule and its optimism bias."""
    ob = optimism_bias_for(case.ob_category, case.ob_mitigation)
    bands = case.discount_schedule.band_list()
    out = []
    for option in case.options.prefetch_related("cash_flows"):
        flows = [YearFlow(f.year, f.capital_cost, f.revenue_cost, f.benefit) for f in option.cash_flows.all()]
        item = OptionAppraisal(option=option, flows=flows)
        try:
            item.result = appraise(flows, bands=bands, optimism_bias=ob["cost"], ob_applies_to=ob["applies_to"])
        except AppraisalError as error:
            item.error = str(error)
        out.append(item)
    return out


def case_economics(*, case, appraisals=None) -> dict:
    """The incremental economic case: each option against business as usual (or the do-minimum
    when there is no business-as-usual option), and the preferred option's sensitivity table."""
    from joinedup.portfolio import economic

    appraisals = appraisals if appraisals is not None else case_appraisals(case=case)
    good = [a for a in appraisals if a.result is not None]
    baseline = next((a for a in good if a.option.kind == OptionKind.BAU), None) or next(
        (a for a in good if a.option.kind == OptionKind.DO_MINIMUM), None
    )
    rows = []
    if baseline is not None:
        rows = [(a, economic.incremental(a.result, baseline.result)) for a in good if a is not baseline]
    preferred = next((a for a in good if a.option.kind == OptionKind.PREFERRED), None)
    sensitivity = []
    if preferred is not None:
        ob = optimism_bias_for(case.ob_category, case.ob_mitigation)
        sensitivity = economic.sensitivity(
            preferred.flows,
            bands=case.discount_schedule.band_list(),
            optimism_bias=ob["cost"],
            ob_applies_to=ob["applies_to"],
        )
    return {"baseline": baseline, "rows": rows, "preferred": preferred, "sensitivity": sensitivity}


def preferred_appraisal(proposal):
    """The preferred option of the proposal's latest case, appraised, or None."""
    case = proposal.business_cases.order_by("-created_at").first()
    if case is None:
        return None
    for item in case_appraisals(case=case):
        if item.option.kind == OptionKind.PREFERRED and item.result is not None:
            return item
    return None


# Scoring and ranking


def latest_scores(proposal) -> list[Score]:
    """Each rater's latest score per objective (older scores are the history)."""
    seen = set()
    latest = []
    for score in proposal.scores.select_related("objective", "rater", "weight_set"):
        key = (score.rater_id, score.objective_id)
        if key not in seen:
            seen.add(key)
            latest.append(score)
    return latest


@dataclass
class Ranked:
    proposal: Proposal
    score: float
    parts: list
    raters: int
    rank: int = 0

    @property
    def explanation(self) -> str:
        scored = [p for p in self.parts if p["score"] is not None]
        if not scored:
            return "Not scored yet."
        # Shown to two places, weights included, so each line and the total add up as written
        # (issue 16, defect 10: "× 39% = 35.1" did not, from a weight of 38.6%).
        top = sorted(scored, key=lambda p: -p["contribution"])
        bits = [
            f"{p['objective'].code} {p['score']:.2f} of {SCORE_MAX} × {p['weight'] * 100:.2f}%"
            f" = {p['contribution']:.2f}"
            for p in top
        ]
        shown = sum(round(p["contribution"], 2) for p in top)
        total = f"total {self.score:.2f}"
        if abs(shown - self.score) >= 0.005:
            total += " (each part is rounded to two places)"
        return "; ".join(bits) + f"; {total}"


def ranking(*, user, council, proposals=None) -> tuple[list[Ranked], object]:
    """Rank proposals by their weighted score out of 100 with the current weights: each
    objective's mean score across raters (latest score per rater), times its weight."""
    require_view(user, council)
    weight_set = current_weight_set(council)
    weights = {w.objective: float(w.weight) for w in weight_set.weights.all()} if weight_set else {}
    if proposals is None:
        proposals = Proposal.objects.filter(council=council).exclude(stage__in=[Stage.REJECTED, Stage.CLOSED])
    rows = []
    for proposal in proposals.select_related("council").prefetch_related("objectives"):
        by_objective = defaultdict(list)
        raters = set()
        for score in latest_scores(proposal):
            by_objective[score.objective].append(score.value)
            raters.add(score.rater_id)
        means = {o: sum(v) / len(v) for o, v in by_objective.items()}
        total, parts = weighted_score(weights, means, SCORE_MAX)
        for part in parts:
            part["objective"] = part.pop("key")
        rows.append(Ranked(proposal=proposal, score=round(total, 2), parts=parts, raters=len(raters)))
    rows.sort(key=lambda r: (-r.score, r.proposal.reference))
    for position, row in enumerate(rows, 1):
        row.rank = position
    return rows, weight_set


def selection_links(ranked: list[Ranked]) -> tuple[dict, set]:
    """What each candidate needs and excludes, for the budget selection. A project it waits for
    that is already approved, in delivery or closed counts as met; one that is neither a
    candidate nor committed (rejected, say) cannot be met, so the project is left out. A project
    that excludes a committed one cannot be chosen either."""
    keys = {r.proposal.pk for r in ranked}
    needs, excludes = {}, set()
    for r in ranked:
        p = r.proposal
        for d in p.depends_on.all():
            if d.stage not in ROADMAP_STAGES:
                needs.setdefault(p.pk, set()).add(d.pk)
        for e in p.excludes.all():
            if e.pk in keys:
                excludes.add(tuple(sorted((p.pk, e.pk))))
            elif e.stage in ROADMAP_STAGES:
                needs.setdefault(p.pk, set()).add(f"excluded by {e.reference}")
    return needs, excludes


def budget_selection(*, ranked: list[Ranked], capital_limit, revenue_limit, forced_in=(), forced_out=()):
    """The best set of proposals (largest total score) within the capital and yearly revenue
    limits, honouring what each project needs and excludes (issue 16, defect 6)."""
    needs, excludes = selection_links(ranked)
    candidates = [
        Candidate(
            key=r.proposal.pk,
            value=r.score,
            capital=r.proposal.capital_cost,
            revenue=r.proposal.revenue_cost,
        )
        for r in ranked
    ]
    return select_within_budget(
        candidates, capital_limit, revenue_limit, forced_in, forced_out, needs=needs, excludes=excludes
    )


# Roadmap


def roadmap(*, user, councils, council_filter=None, objective=None) -> list[Proposal]:
    """Approved, in-delivery and closed projects of the councils, with dates, milestones and
    dependencies, in start order."""
    for council in councils:
        require_view(user, council)
    qs = (
        Proposal.objects.filter(council__in=councils, stage__in=ROADMAP_STAGES)
        .select_related("council")
        .prefetch_related("milestones", "depends_on", "objectives", "status_reports", "business_cases")
    )
    if council_filter is not None:
        qs = qs.filter(councils=council_filter).distinct()
    if objective is not None:
        qs = qs.filter(objectives=objective).distinct()
    projects = sorted(qs, key=lambda p: (p.start_date is None, p.start_date or 0, p.reference))
    for project in projects:
        apply_duration_optimism_bias(project)
        project.dependency_warnings = dependency_warnings(project)
    return projects


def dependency_warnings(proposal) -> list[str]:
    """Plain-English warnings where a project starts before a project it waits for has ended."""
    warnings = []
    for d in proposal.depends_on.all():
        if d.stage == Stage.REJECTED:
            warnings.append(f"It waits for {d.reference} {d.title}, which is not being taken forward.")
        elif proposal.start_date and d.end_date and proposal.start_date <= d.end_date:
            warnings.append(
                f"It starts on {proposal.start_date:%-d %B %Y}, before {d.reference} {d.title}, which it waits "
                f"for, ends on {d.end_date:%-d %B %Y}."
            )
        elif proposal.start_date and not d.end_date:
            warnings.append(f"It waits for {d.reference} {d.title}, which has no end date yet.")
    return warnings


def dependency_chains(proposal, limit: int = 20) -> list[list[Proposal]]:
    """Every chain of projects this one waits for, nearest first: [[B, C], [D]] when it waits
    for B (which waits for C) and for D. Loops are refused when dependencies are saved."""
    chains = []

    def walk(node, path):
        following = list(node.depends_on.all())
        if not following or len(path) >= limit:
            if path:
                chains.append(path)
            return
        for d in following:
            if d not in path:
                walk(d, path + [d])

    walk(proposal, [])
    return chains


DEFAULT_OB_CATEGORY = "equipment_it"


def apply_duration_optimism_bias(proposal) -> None:
    """Set `ob_duration` (the duration uplift, a fraction), `ob_source` (where it comes from)
    and `end_with_ob` (the end date once the planned duration is stretched by the uplift).

    The uplift comes from the latest business case's optimism bias category and the share of
    its risks mitigated: as approved, when the case has an approved version (later draft changes
    do not move the roadmap until they are approved), otherwise as the case stands. Without a
    case, the Green Book upper bound for IT (+54%) is used. A category with no duration figure
    (outsourcing) leaves the dates as planned.
    """
    from joinedup.portfolio.versions import approved_version

    cases = sorted(proposal.business_cases.all(), key=lambda c: c.created_at)
    if cases:
        case = cases[-1]
        approved = approved_version(case)
        if approved is not None:
            category, mitigation = approved.snapshot["ob_category"], Decimal(approved.snapshot["ob_mitigation"])
            as_of = f", as approved in version {approved.number}"
        else:
            category, mitigation, as_of = case.ob_category, case.ob_mitigation, ""
        ob = optimism_bias_for(category, mitigation)
        proposal.ob_source = (
            f"{case.get_stage_display()}: {ob['category'].label}, {mitigation:.0%} of risks mitigated{as_of}"
        )
    else:
        ob = optimism_bias_for(DEFAULT_OB_CATEGORY, 0)
        proposal.ob_source = f"No business case: {ob['category'].label}, upper bound"
    proposal.ob_duration = ob["duration"]
    proposal.ob_duration_text = (
        None if ob["duration"] is None else f"{ob['duration'] * 100:.1f}".rstrip("0").rstrip(".") + "%"
    )
    proposal.end_with_ob = None
    if proposal.start_date and proposal.end_date and proposal.end_date >= proposal.start_date:
        proposal.end_with_ob = end_allowing_for_optimism_bias(proposal.start_date, proposal.end_date, ob["duration"])


ROADMAP_FIRST_YEAR = 2023
ROADMAP_LAST_YEAR = 2029


def timeline_bar(proposal) -> dict | None:
    """Where a project's bar sits on the 2023 to 2029-and-beyond timeline, as percentages."""
    if not proposal.start_date:
        return None
    first = ROADMAP_FIRST_YEAR * 12
    span = (ROADMAP_LAST_YEAR + 2 - ROADMAP_FIRST_YEAR) * 12  # the last column is "2030 and beyond"
    start = max(proposal.start_date.year * 12 + proposal.start_date.month - 1 - first, 0)

    def month(day):
        return day.year * 12 + day.month - first

    end_date = proposal.end_date or proposal.start_date
    end = max(min(month(end_date), span), start + 1)
    bar = {"left": round(start * 100 / span, 2), "width": round((end - start) * 100 / span, 2), "ob_width": 0}
    end_with_ob = getattr(proposal, "end_with_ob", None)
    if end_with_ob and end_with_ob > end_date:
        extended = max(min(month(end_with_ob), span), end)
        bar["ob_width"] = round((extended - end) * 100 / span, 2)
    return bar


def benefits_summary(proposal) -> dict:
    """The benefits register in sums a reader can trust (issue 16, defect 10):

    - `planned`: cash-releasing savings a year once fully realised (only these are savings);
    - `other`: the yearly value of non-cash-releasing and qualitative benefits (not money saved);
    - `disbenefits`: the yearly value of dis-benefits;
    - `realised`: savings realised so far, in total (each benefit's latest running total). It is a
      total to date, so it is not set against the yearly figure."""
    from joinedup.portfolio.models import BenefitClass

    totals = {"planned": Decimal(0), "other": Decimal(0), "disbenefits": Decimal(0), "realised": Decimal(0)}
    for benefit in proposal.benefits.prefetch_related("measurements"):
        if benefit.is_disbenefit:
            totals["disbenefits"] += benefit.full_year_value
            continue
        if benefit.benefit_class == BenefitClass.CASH_RELEASING:
            totals["planned"] += benefit.full_year_value
            latest = benefit.measurements.first()
            if latest:
                totals["realised"] += latest.realised_saving
        else:
            totals["other"] += benefit.full_year_value
    return totals


HISTORY_ACTIONS = {
    "portfolio.proposal.create": "Idea proposed",
    "portfolio.proposal.update": "Idea changed",
    "portfolio.proposal.schedule": "Dates and dependencies set",
    "portfolio.proposal.stage": "Stage changed",
    "portfolio.proposal.route": "Business case route chosen by the board",
    "portfolio.vetting.record": "Vetting answers saved",
    "portfolio.score.record": "Scored",
    "portfolio.case.create": "Business case started",
    "portfolio.case.update": "Business case changed",
    "portfolio.option.save": "Option and cash flows saved",
    "portfolio.gate.record": "Gate decision recorded",
    "portfolio.milestone.add": "Milestone added",
    "portfolio.status.add": "Status report added",
    "portfolio.benefit.add": "Benefit added",
    "portfolio.benefit.measure": "Benefit measured",
    "portfolio.challenge.ask": "Member's question asked",
    "portfolio.challenge.answer": "Member's question answered",
}


def proposal_history(*, user, proposal):
    """Every audit entry about the proposal and its cases, options, benefits and questions, newest
    first, each with `label` (what happened, in words)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from joinedup.core.models import AuditEntry
    from joinedup.portfolio.models import Benefit

    require_view(user, proposal.council)
    ids = {
        Proposal: [proposal.pk],
        BusinessCase: list(proposal.business_cases.values_list("pk", flat=True)),
        Option: list(Option.objects.filter(business_case__proposal=proposal).values_list("pk", flat=True)),
        Benefit: list(proposal.benefits.values_list("pk", flat=True)),
        Challenge: list(proposal.challenges.values_list("pk", flat=True)),
    }
    query = Q()
    for model, pks in ids.items():
        if pks:
            query |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in pks])
    entries = list(AuditEntry.objects.filter(query).select_related("actor").order_by("-created_at", "-id"))
    for entry in entries:
        entry.label = HISTORY_ACTIONS.get(entry.action, entry.action)
    return entries
