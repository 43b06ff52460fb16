"""Portfolio pages. Thin: find the council, call selectors and services, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from joinedup.accounts import permissions
from joinedup.core.validation import add_to_form
from joinedup.councils.models import Council, Partnership
from joinedup.councils.views import council_from_path
from joinedup.portfolio import exports, forms, rules, selectors, services
from joinedup.portfolio.appraisal import optimism_bias_for
from joinedup.portfolio.models import (
    FIVE_CASES,
    CaseRoute,
    CaseStage,
    Framework,
    Phase,
    Proposal,
    Stage,
    checklist_items,
)
from joinedup.portfolio.prioritisation import CONSISTENCY_LIMIT, RANDOM_INDEX, PrioritisationError

MAX_AHP_CRITERIA = max(RANDOM_INDEX)


def _council(request, council_slug):
    council = council_from_path(request, council_slug)
    if not rules.can_view_portfolio(request.user, council):
        raise PermissionDenied("Only this council's staff and members can see its portfolio.")
    return council


def _editable(request, council_slug, pk):
    council = _council(request, council_slug)
    proposal = selectors.proposal_get(user=request.user, council=council, pk=pk)
    if not rules.can_edit_proposal(request.user, proposal):
        raise PermissionDenied("Only the lead council's staff can change this proposal.")
    return council, proposal


def _form_page(request, council, form, *, title, button, back, caption=None, intro="", extra=None):
    back_url = reverse(back[0], args=[council.slug, *back[1:]])
    context = {
        "council": council,
        "form": form,
        "title": title,
        "button": button,
        "back_url": back_url,
        "caption": caption or council.name,
        "intro": intro,
    }
    context.update(extra or {})
    return render(request, "portfolio/form.html", context)


def _save(form, call):
    """Run a service; show its ValidationError on the form. Returns the result or None."""
    try:
        return call()
    except ValidationError as error:
        add_to_form(form, error)
        return None


@login_required
def home(request, council_slug):
    council = _council(request, council_slug)
    proposals = list(selectors.proposal_list(user=request.user, council=council))
    groups = [(label, [p for p in proposals if p.stage == value]) for value, label in Stage.choices]
    return render(
        request,
        "portfolio/home.html",
        {
            "council": council,
            "groups": [g for g in groups if g[1]],
            "count": len(proposals),
            "partner_led": selectors.partner_led(user=request.user, council=council),
            "section": "home",
            "can_edit": rules.can_edit_portfolio(request.user, council),
        },
    )


def _proposal_form(request, council, instance=None):
    from joinedup.software.models import Application

    partners = (
        Council.objects.filter(partnership_id=council.partnership_id, is_active=True)
        if council.partnership_id
        else Council.objects.filter(pk=council.pk)
    )
    return forms.ProposalForm(
        request.POST or None,
        instance=instance,
        councils=partners.exclude(pk=council.pk).order_by("name"),
        objectives=selectors.objectives(council=council),
        applications=Application.objects.filter(council=council).select_related("product").order_by("name"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request, council_slug):
    council = _council(request, council_slug)
    if not rules.can_edit_portfolio(request.user, council):
        raise PermissionDenied("Only this council's staff can propose a project.")
    form = _proposal_form(request, council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {k: data[k] for k in services.PROPOSAL_FIELDS}
        proposal = _save(
            form,
            lambda: services.proposal_create(
                actor=request.user,
                council=council,
                councils=data["councils"],
                objectives=data["objectives"],
                related_applications=data["related_applications"],
                **values,
            ),
        )
        if proposal:
            messages.success(request, f"Your idea has been saved as {proposal.reference}.")
            return redirect("portfolio:proposal", council.slug, proposal.pk)
    return render(request, "portfolio/proposal_form.html", {"council": council, "form": form, "proposal": None})


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request, council_slug, pk):
    council, proposal = _editable(request, council_slug, pk)
    form = _proposal_form(request, council, instance=selectors.proposal_get(user=request.user, council=council, pk=pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {k: data[k] for k in services.PROPOSAL_FIELDS}
        if _save(
            form,
            lambda: services.proposal_update(
                actor=request.user,
                proposal=proposal,
                councils=data["councils"],
                objectives=data["objectives"],
                related_applications=data["related_applications"],
                **values,
            ),
        ):
            messages.success(request, "The proposal has been saved.")
            return redirect("portfolio:proposal", council.slug, proposal.pk)
    return render(request, "portfolio/proposal_form.html", {"council": council, "form": form, "proposal": proposal})


def _readable(request, council_slug, pk):
    """The council and one of its proposals, for anyone who may read it: the lead council's
    readers and members of the councils taking part (selectors.proposal_get checks)."""
    council = council_from_path(request, council_slug)
    return council, selectors.proposal_get(user=request.user, council=council, pk=pk)


@login_required
def proposal_detail(request, council_slug, pk):
    from joinedup.portfolio import gates, views_gates

    council, proposal = _readable(request, council_slug, pk)
    answers = list(proposal.vetting_answers.all())
    vetting = {
        "core": [a for a in answers if a.framework == Framework.CORE],
        "standards": [a for a in answers if a.framework != Framework.CORE],
        "core_total": sum(1 for f, _, _ in checklist_items() if f == Framework.CORE),
    }
    if rules.can_view_portfolio(request.user, council):
        rows, weight_set = selectors.ranking(user=request.user, council=council)
    else:
        rows, weight_set = [], None
    ranked = next((r for r in rows if r.proposal.pk == proposal.pk), None)
    can_edit = rules.can_edit_proposal(request.user, proposal)
    challenges = list(proposal.challenges.select_related("asked_by", "answered_by"))
    for challenge in challenges:
        challenge.due_on = selectors.question_due(challenge)
        challenge.is_overdue = not challenge.answered_at and challenge.due_on < timezone.localdate()
    return render(
        request,
        "portfolio/proposal_detail.html",
        {
            "council": council,
            "proposal": proposal,
            "vetting": vetting,
            "ranked": ranked,
            "ranked_of": len(rows),
            "weight_set": weight_set,
            "cases": proposal.business_cases.prefetch_related("gates"),
            "scores": selectors.latest_scores(proposal),
            "score_history": proposal.scores.select_related("objective", "rater", "weight_set"),
            "suggestions": selectors.same_function_suggestions(proposal=proposal),
            "reports": proposal.status_reports.all(),
            "benefits": proposal.benefits.prefetch_related("measurements"),
            "benefits_summary": selectors.benefits_summary(proposal),
            "milestones": proposal.milestones.all(),
            "challenges": challenges,
            "chains": selectors.dependency_chains(proposal),
            "dependency_warnings": selectors.dependency_warnings(proposal),
            "can_see_history": rules.can_view_portfolio(request.user, council),
            "approved": views_gates.approved_summary(proposal),
            "route_limit": gates.single_case_limit(council),
            "route_cost": gates.estimated_cost(proposal),
            "can_switch_route": rules.can_decide_gate(request.user, proposal)
            and not proposal.business_cases.exists()
            and proposal.stage not in (Stage.REJECTED, Stage.CLOSED),
            "can_edit": can_edit,
            "can_challenge": rules.can_challenge(request.user, proposal),
            "question_form": forms.QuestionForm(),
            "preferred": selectors.preferred_appraisal(proposal),
            "on_roadmap": proposal.stage in (Stage.APPROVED, Stage.DELIVERY, Stage.CLOSED),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_schedule(request, council_slug, pk):
    council, proposal = _editable(request, council_slug, pk)
    others = (
        Proposal.objects.filter(council__partnership_id=council.partnership_id)
        if council.partnership_id
        else (Proposal.objects.filter(council=council))
    )
    form = forms.ScheduleForm(
        request.POST or None,
        others=others.exclude(pk=proposal.pk).exclude(stage=Stage.REJECTED),
        initial={
            "start_date": proposal.start_date,
            "end_date": proposal.end_date,
            "depends_on": list(proposal.depends_on.all()),
            "excludes": list(proposal.excludes.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _save(
            form,
            lambda: services.proposal_schedule(
                actor=request.user,
                proposal=proposal,
                start_date=d["start_date"],
                end_date=d["end_date"],
                depends_on=d["depends_on"],
                excludes=d["excludes"],
            ),
        ):
            messages.success(request, "The dates and dependencies have been saved.")
            return redirect("portfolio:proposal", council.slug, proposal.pk)
    return _form_page(
        request,
        council,
        form,
        title="Dates and dependencies",
        button="Save dates",
        back=("portfolio:proposal", proposal.pk),
        caption=str(proposal),
    )


@login_required
@require_POST
def proposal_stage(request, council_slug, pk):
    council, proposal = _editable(request, council_slug, pk)
    stage = request.POST.get("stage", "")
    try:
        services.proposal_set_stage(actor=request.user, proposal=proposal, stage=stage)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{proposal.reference} is now: {proposal.get_stage_display()}.")
    return redirect("portfolio:proposal", council.slug, proposal.pk)


@login_required
@require_http_methods(["GET", "POST"])
def vetting(request, council_slug, pk):
    council, proposal = _editable(request, council_slug, pk)
    phase = request.GET.get("phase", Phase.TRIAGE)
    if phase not in Phase.values:
        raise Http404("No such phase.")
    core = phase == Phase.TRIAGE
    items = [i for i in checklist_items() if (i[0] == Framework.CORE) == core]
    existing = {a.item: a for a in proposal.vetting_answers.filter(phase=phase)}
    initial = {}
    for code, answer in existing.items():
        initial[f"{code}_status"] = answer.status
        initial[f"{code}_evidence"] = answer.evidence
    form = forms.vetting_form_class(items)(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        answers = {
            code: (form.cleaned_data[f"{code}_status"], form.cleaned_data[f"{code}_evidence"]) for _, code, _ in items
        }
        if (
            _save(
                form,
                lambda: services.vetting_record(actor=request.user, proposal=proposal, phase=phase, answers=answers),
            )
            is not None
        ):
            messages.success(request, "The checklist answers have been saved.")
            return redirect("portfolio:proposal", council.slug, proposal.pk)
    sections = []
    for framework, label in Framework.choices:
        codes = [code for f, code, _ in items if f == framework]
        if codes:
            sections.append((label, [(form[f"{c}_status"], form[f"{c}_evidence"]) for c in codes]))
    return render(
        request,
        "portfolio/vetting.html",
        {
            "council": council,
            "proposal": proposal,
            "form": form,
            "phase": phase,
            "phase_label": Phase(phase).label,
            "sections": sections,
            "phases": Phase.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request, council_slug, pk):
    council, proposal = _editable(request, council_slug, pk)
    allowed = [CaseStage.BJC] if proposal.case_route == CaseRoute.BJC else [CaseStage.SOC, CaseStage.OBC, CaseStage.FBC]
    form = forms.CaseStartForm(request.POST or None)
    form.fields["stage"].choices = [(s.value, s.label) for s in allowed]
    if request.method == "POST" and form.is_valid():
        case = _save(
            form,
            lambda: services.business_case_create(
                actor=request.user, proposal=proposal, stage=form.cleaned_data["stage"]
            ),
        )
        if case:
            messages.success(request, f"The {case.get_stage_display().lower()} has been started.")
            return redirect("portfolio:case-edit", council.slug, proposal.pk, case.pk)
    return _form_page(
        request,
        council,
        form,
        title="Start a business case",
        button="Start the case",
        back=("portfolio:proposal", proposal.pk),
        caption=str(proposal),
        intro=f"Route: {proposal.get_case_route_display()}.",
    )


@login_required
def case_detail(request, council_slug, pk, case_pk):
    council, proposal = _readable(request, council_slug, pk)
    case = selectors.case_get(user=request.user, proposal=proposal, pk=case_pk)
    context = _case_context(request, council, proposal, case)
    context["c"] = dict(context)
    return render(request, "portfolio/case_detail.html", context)


def _case_context(request, council, proposal, case):
    from joinedup.portfolio import gates, versions

    approved = versions.approved_version(case)
    appraisals = selectors.case_appraisals(case=case)
    return {
        "economics": selectors.case_economics(case=case, appraisals=appraisals),
        "approved_version": approved,
        "draft_changed": gates.draft_changed(case) if approved else True,
        "versions": list(case.versions.all()),
        "is_current": gates.current_case(proposal) == case,
        "can_decide": rules.can_decide_gate(request.user, proposal),
        "council": council,
        "proposal": proposal,
        "case": case,
        "sections": [(label, question, getattr(case, name)) for name, label, question in FIVE_CASES],
        "appraisals": appraisals,
        "ob": optimism_bias_for(case.ob_category, case.ob_mitigation),
        "gates": case.gates.select_related("recorded_by", "decided_by", "version"),
        "can_edit": rules.can_edit_proposal(request.user, proposal),
    }


@login_required
def case_print(request, council_slug, pk):
    """The full business case on one printable page: every stage, its options and gates."""
    council, proposal = _readable(request, council_slug, pk)
    cases = [_case_context(request, council, proposal, c) for c in proposal.business_cases.all()]
    return render(
        request,
        "portfolio/case_print.html",
        {
            "council": council,
            "proposal": proposal,
            "cases": cases,
            "benefits": proposal.benefits.all(),
            "printed_on": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, council_slug, pk, case_pk):
    council, proposal = _editable(request, council_slug, pk)
    case = selectors.case_get(user=request.user, proposal=proposal, pk=case_pk)
    form = forms.CaseForm(
        request.POST or None, instance=selectors.case_get(user=request.user, proposal=proposal, pk=case_pk)
    )
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.CASE_FIELDS}
        if _save(form, lambda: services.business_case_update(actor=request.user, case=case, **values)):
            messages.success(request, "The business case has been saved.")
            return redirect("portfolio:case", council.slug, proposal.pk, case.pk)
    return _form_page(
        request,
        council,
        form,
        title=f"Write the {case.get_stage_display().lower()}",
        button="Save the case",
        back=("portfolio:case", proposal.pk, case.pk),
        caption=str(proposal),
        intro="The Five Case Model: answer each question in plain English.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def option_edit(request, council_slug, pk, case_pk, option_pk=None):
    council, proposal = _editable(request, council_slug, pk)
    case = selectors.case_get(user=request.user, proposal=proposal, pk=case_pk)
    option = selectors.option_get(case=case, pk=option_pk) if option_pk else None
    initial = {}
    if option:
        initial = {
            "name": option.name,
            "kind": option.kind,
            "description": option.description,
            "cash_flows": "\n".join(
                f"{f.year}, {f.capital_cost}, {f.revenue_cost}, {f.benefit}" for f in option.cash_flows.all()
            ),
        }
    form = forms.OptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def save():
            flows = services.parse_cash_flows(d["cash_flows"])
            return services.option_save(
                actor=request.user,
                case=case,
                option=option,
                name=d["name"],
                kind=d["kind"],
                description=d["description"],
                flows=flows,
            )

        if _save(form, save):
            messages.success(request, "The option and its cash flows have been saved.")
            return redirect("portfolio:case", council.slug, proposal.pk, case.pk)
    return _form_page(
        request,
        council,
        form,
        title="Change the option" if option else "Add an option",
        button="Save the option",
        back=("portfolio:case", proposal.pk, case.pk),
        caption=str(case),
        intro="Include business as usual, a do-minimum option and the preferred option. Enter benefits "
        "and costs in today's prices; the appraisal discounts them at the Green Book rate.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def score(request, council_slug, pk):
    council, proposal = _editable(request, council_slug, pk)
    objectives = list(selectors.objectives(council=council))
    form = forms.score_form_class(objectives)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scores = {o: (form.cleaned_data[f"score_{o.pk}"], form.cleaned_data[f"why_{o.pk}"]) for o in objectives}
        if _save(form, lambda: services.scores_record(actor=request.user, proposal=proposal, scores=scores)):
            messages.success(request, "Your scores have been saved.")
            return redirect("portfolio:proposal", council.slug, proposal.pk)
    return _form_page(
        request,
        council,
        form,
        title="Score against the objectives",
        button="Save scores",
        back=("portfolio:proposal", proposal.pk),
        caption=str(proposal),
        intro="Give a score and say why for each objective you can judge. Your earlier scores are kept in the history.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def status_new(request, council_slug, pk):
    council, proposal = _editable(request, council_slug, pk)
    form = forms.StatusReportForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.status_report_add(actor=request.user, proposal=proposal, **form.cleaned_data))
    ):
        messages.success(request, "The status report has been saved.")
        return redirect("portfolio:proposal", council.slug, proposal.pk)
    return _form_page(
        request,
        council,
        form,
        title="Add a status report",
        button="Save the report",
        back=("portfolio:proposal", proposal.pk),
        caption=str(proposal),
    )


@login_required
@require_http_methods(["GET", "POST"])
def benefit_new(request, council_slug, pk):
    council, proposal = _editable(request, council_slug, pk)
    form = forms.BenefitForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.benefit_add(actor=request.user, proposal=proposal, **form.cleaned_data))
    ):
        messages.success(request, "The benefit has been added to the register.")
        return redirect("portfolio:proposal", council.slug, proposal.pk)
    return _form_page(
        request,
        council,
        form,
        title="Add a benefit",
        button="Save the benefit",
        back=("portfolio:proposal", proposal.pk),
        caption=str(proposal),
    )


@login_required
@require_http_methods(["GET", "POST"])
def benefit_measure(request, council_slug, pk, benefit_pk):
    council, proposal = _editable(request, council_slug, pk)
    benefit = proposal.benefits.filter(pk=benefit_pk).first()
    if benefit is None:
        raise Http404("No benefit with that number.")
    form = forms.MeasurementForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.benefit_measure(actor=request.user, benefit=benefit, **form.cleaned_data))
    ):
        messages.success(request, "The measurement has been saved.")
        return redirect("portfolio:proposal", council.slug, proposal.pk)
    return _form_page(
        request,
        council,
        form,
        title=f"Record a measurement of {benefit.number}",
        button="Save the measurement",
        back=("portfolio:proposal", proposal.pk),
        caption=str(proposal),
        intro=f"Measure: {benefit.performance_measure}.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_new(request, council_slug, pk):
    council, proposal = _editable(request, council_slug, pk)
    form = forms.MilestoneForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.milestone_add(actor=request.user, proposal=proposal, **form.cleaned_data))
    ):
        messages.success(request, "The milestone has been added.")
        return redirect("portfolio:proposal", council.slug, proposal.pk)
    return _form_page(
        request,
        council,
        form,
        title="Add a milestone",
        button="Save the milestone",
        back=("portfolio:proposal", proposal.pk),
        caption=str(proposal),
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_ask(request, council_slug, pk):
    council, proposal = _readable(request, council_slug, pk)
    if not rules.can_challenge(request.user, proposal):
        raise PermissionDenied("Only scrutiny members and councillors can ask questions here.")
    form = forms.QuestionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            challenge := _save(
                form,
                lambda: services.challenge_ask(
                    actor=request.user, proposal=proposal, question=form.cleaned_data["question"]
                ),
            )
        )
    ):
        due = f"{selectors.question_due(challenge):%-d %B %Y}"
        if challenge.notified:
            messages.success(
                request,
                f"Your question has been emailed to {challenge.notified}, who looks after this proposal, "
                f"with a request to answer by {due}.",
            )
        else:
            messages.success(
                request,
                "Your question has been saved. The proposal has nobody named to send it to, so it waits on the "
                f"council's list of unanswered questions; the answer is due by {due}.",
            )
        return redirect("portfolio:proposal", council.slug, proposal.pk)
    return _form_page(
        request,
        council,
        form,
        title="Ask a question",
        button="Send the question",
        back=("portfolio:proposal", proposal.pk),
        caption=str(proposal),
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_answer(request, council_slug, pk, challenge_pk):
    council, proposal = _editable(request, council_slug, pk)
    challenge = selectors.challenge_get(proposal=proposal, pk=challenge_pk)
    form = forms.AnswerForm(request.POST or None, initial={"answer": challenge.answer})
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form,
            lambda: services.challenge_answer(
                actor=request.user, challenge=challenge, answer=form.cleaned_data["answer"]
            ),
        )
    ):
        messages.success(request, "Your answer has been published with the question.")
        return redirect("portfolio:proposal", council.slug, proposal.pk)
    return _form_page(
        request,
        council,
        form,
        title="Answer the question",
        button="Publish the answer",
        back=("portfolio:proposal", proposal.pk),
        caption=str(proposal),
        intro=f"{challenge.asked_by} asked: “{challenge.question}”",
    )


# Prioritisation


@login_required
def ranking(request, council_slug, fmt=None):
    council = _council(request, council_slug)
    rows, weight_set = selectors.ranking(user=request.user, council=council)
    name = f"{council.slug}-ranked-proposals-{timezone.localdate()}"
    if fmt == "csv":
        return exports.csv_response(name, exports.RANKING_COLUMNS, exports.ranking_rows(rows))
    if fmt == "xlsx":
        return exports.xlsx_response(name, "Ranked proposals", exports.RANKING_COLUMNS, exports.ranking_rows(rows))
    return render(
        request,
        "portfolio/ranking.html",
        {
            "council": council,
            "rows": rows,
            "weight_set": weight_set,
            "section": "ranking",
            "limit": CONSISTENCY_LIMIT,
        },
    )


def _selection(request, rows) -> dict:
    """The budget selection form and, once it is valid, the best set among `rows`."""
    candidates = [r for r in rows if r.proposal.stage not in (Stage.DELIVERY,)]
    choices = [(str(r.proposal.pk), str(r.proposal)) for r in candidates]
    form = forms.SelectionForm(request.GET or None, choices=choices)
    result = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        try:
            result = selectors.budget_selection(
                ranked=candidates,
                capital_limit=d["capital_limit"],
                revenue_limit=d["revenue_limit"],
                forced_in={int(k) for k in d["forced_in"]},
                forced_out={int(k) for k in d["forced_out"]},
            )
        except PrioritisationError as error:
            form.add_error(None, str(error))
    chosen = set(result.chosen) if result else set()
    return {
        "form": form,
        "result": result,
        "section": "selection",
        "rows": [(r, r.proposal.pk in chosen) for r in candidates],
    }


@login_required
def selection(request, council_slug):
    council = _council(request, council_slug)
    rows, weight_set = selectors.ranking(user=request.user, council=council)
    context = _selection(request, rows)
    context["council"] = council
    context["can_save"] = rules.can_edit_portfolio(request.user, council)
    return render(request, "portfolio/selection.html", context)


# Roadmap


def _roadmap(request, councils, council_choices, objectives):
    council_filter = objective = None
    slug = request.GET.get("council")
    if slug:
        council_filter = next((c for c in council_choices if c.slug == slug), None)
    code = request.GET.get("objective")
    if code:
        objective = next((o for o in objectives if o.code == code), None)
    projects = selectors.roadmap(
        user=request.user, councils=councils, council_filter=council_filter, objective=objective
    )
    bars = [(p, selectors.timeline_bar(p)) for p in projects]
    years = list(range(selectors.ROADMAP_FIRST_YEAR, selectors.ROADMAP_LAST_YEAR + 1))
    return projects, {
        "bars": bars,
        "years": years,
        "council_filter": council_filter,
        "objective": objective,
        "council_choices": council_choices,
        "objectives": objectives,
    }


@login_required
def roadmap(request, council_slug, fmt=None):
    council = _council(request, council_slug)
    objectives = list(selectors.objectives(council=council))
    projects, context = _roadmap(request, [council], [council], objectives)
    name = f"{council.slug}-roadmap-{timezone.localdate()}"
    if fmt == "csv":
        return exports.csv_response(name, exports.ROADMAP_COLUMNS, exports.roadmap_rows(projects))
    if fmt == "xlsx":
        return exports.xlsx_response(name, "Roadmap", exports.ROADMAP_COLUMNS, exports.roadmap_rows(projects))
    context.update({"council": council, "section": "roadmap", "projects": projects})
    return render(request, "portfolio/roadmap.html", context)


# Strategy


@login_required
def strategy(request, council_slug):
    council = _council(request, council_slug)
    weight_sets = services.WeightSet.objects.filter(**services.strategy_owner(council)).prefetch_related(
        "weights__objective", "created_by"
    )
    return render(
        request,
        "portfolio/strategy.html",
        {
            "council": council,
            "objectives": selectors.objectives(council=council),
            "all_objectives": selectors.all_objectives(user=request.user, council=council),
            "weight_sets": weight_sets,
            "can_manage": rules.can_manage_strategy(request.user, council),
            "route_limit": _route_limit(council),
            "section": "strategy",
            "limit": CONSISTENCY_LIMIT,
        },
    )


def _route_limit(council):
    from joinedup.portfolio.gates import single_case_limit

    return single_case_limit(council)


def _strategy_council(request, council_slug):
    council = _council(request, council_slug)
    if not rules.can_manage_strategy(request.user, council):
        raise PermissionDenied("Only partnership officers can change the objectives and weights.")
    return council


@login_required
@require_http_methods(["GET", "POST"])
def objective_new(request, council_slug):
    council = _strategy_council(request, council_slug)
    form = forms.ObjectiveForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.objective_create(actor=request.user, council=council, **form.cleaned_data))
    ):
        messages.success(request, "The objective has been added. Set the weights again to include it.")
        return redirect("portfolio:strategy", council.slug)
    return _form_page(
        request,
        council,
        form,
        title="Add a strategic objective",
        button="Save the objective",
        back=("portfolio:strategy",),
    )


def _objective_page(request, council, objective, form, *, title, button, intro):
    return render(
        request,
        "portfolio/objective_form.html",
        {
            "council": council,
            "objective": objective,
            "form": form,
            "title": title,
            "button": button,
            "intro": intro,
            "back_url": reverse("portfolio:strategy", args=[council.slug]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def objective_edit(request, council_slug, pk):
    council = _strategy_council(request, council_slug)
    objective = selectors.objective_get(user=request.user, council=council, pk=pk)
    if not objective.is_active:
        messages.info(request, f"{objective.code} has been retired, so it cannot be changed.")
        return redirect("portfolio:strategy", council.slug)
    initial = {"code": objective.code, "title": objective.title, "description": objective.description}
    form = forms.ObjectiveEditForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form,
            lambda: services.objective_update(
                actor=request.user, council=council, objective=objective, **form.cleaned_data
            ),
        )
    ):
        messages.success(request, "The objective has been changed. Its earlier wording is kept as a version.")
        return redirect("portfolio:strategy", council.slug)
    return _objective_page(
        request,
        council,
        objective,
        form,
        title=f"Change objective {objective.code}",
        button="Save the change",
        intro="The earlier wording is kept. Scores already given keep the wording and the weights they were made with.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def objective_retire(request, council_slug, pk):
    council = _strategy_council(request, council_slug)
    objective = selectors.objective_get(user=request.user, council=council, pk=pk)
    if not objective.is_active:
        messages.info(request, f"{objective.code} has already been retired.")
        return redirect("portfolio:strategy", council.slug)
    remaining = [o for o in selectors.objectives(council=council) if o.pk != objective.pk]
    if not remaining:
        messages.warning(
            request,
            "Add another objective before retiring the last one: proposals need something to be scored against.",
        )
        return redirect("portfolio:strategy", council.slug)
    form = forms.retire_form_class(remaining)(request.POST or None, initial=_weights_without(council, objective))
    if request.method == "POST" and form.is_valid():
        weights = {o: form.cleaned_data[f"weight_{o.pk}"] / 100 for o in remaining}
        weight_set = _save(
            form,
            lambda: services.objective_retire(
                actor=request.user,
                council=council,
                objective=objective,
                weights=weights,
                note=form.cleaned_data["note"],
            ),
        )
        if weight_set:
            messages.success(request, f"{objective.code} has been retired and the weights saved as {weight_set}.")
            return redirect("portfolio:strategy", council.slug)
    return _objective_page(
        request,
        council,
        objective,
        form,
        title=f"Retire objective {objective.code}",
        button="Retire the objective and save the weights",
        intro=f"'{objective.title}' will no longer be scored or counted in the ranking. Scores already "
        "given against it stay in each proposal's history. Give the objectives that remain new "
        "weights that add up to 100%; we have shared out its weight in proportion as a start.",
    )


def _weights_without(council, objective) -> dict:
    """The current weights of the other objectives, scaled up to make 100% again, as a starting point."""
    current = services.current_weight_set(council)
    if not current:
        return {}
    others = {w.objective_id: w.weight for w in current.weights.all() if w.objective_id != objective.pk}
    total = sum(others.values())
    if not total:
        return {}
    return {f"weight_{pk}": round(weight / total * 100, 2) for pk, weight in others.items()}


@login_required
@require_http_methods(["GET", "POST"])
def weights_direct(request, council_slug):
    council = _strategy_council(request, council_slug)
    objectives = list(selectors.objectives(council=council))
    current = services.current_weight_set(council)
    initial = {f"weight_{w.objective_id}": w.weight * 100 for w in current.weights.all()} if current else {}
    form = forms.direct_weights_form_class(objectives)(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        weights = {o: form.cleaned_data[f"weight_{o.pk}"] / 100 for o in objectives}
        if _save(
            form,
            lambda: services.weights_set_direct(
                actor=request.user, council=council, weights=weights, note=form.cleaned_data["note"]
            ),
        ):
            messages.success(request, "The new weights have been saved as a new version.")
            return redirect("portfolio:strategy", council.slug)
    return _form_page(
        request,
        council,
        form,
        title="Set the weights directly",
        button="Save the weights",
        back=("portfolio:strategy",),
        intro="Give each objective a percentage; together they must "
        "add up to 100%. Scores already given keep the weights they were made with.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def weights_ahp(request, council_slug):
    council = _strategy_council(request, council_slug)
    objectives = sorted(selectors.objectives(council=council), key=lambda o: o.code)
    if len(objectives) > MAX_AHP_CRITERIA:
        # Say so before anyone fills in the pairs, not after (issue 16, defect 10).
        messages.warning(
            request,
            f"There are {len(objectives)} objectives. Pairwise comparison works with at most "
            f"{MAX_AHP_CRITERIA}: set the weights directly, or retire some objectives first.",
        )
        return redirect("portfolio:strategy", council.slug)
    form = forms.ahp_form_class(objectives)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        judgements = {}
        for i, a in enumerate(objectives):
            for b in objectives[i + 1 :]:
                judgements[(a, b)] = form.cleaned_data[f"pair_{a.pk}_{b.pk}"]
        weight_set = _save(
            form,
            lambda: services.weights_set_ahp(
                actor=request.user, council=council, judgements=judgements, note=form.cleaned_data["note"]
            ),
        )
        if weight_set:
            if weight_set.consistency_ratio > CONSISTENCY_LIMIT:
                messages.warning(
                    request,
                    f"The consistency ratio is {weight_set.consistency_ratio:.2f}, above "
                    f"{CONSISTENCY_LIMIT:.2f}: the judgements contradict each other. Review them.",
                )
            else:
                messages.success(
                    request,
                    f"The new weights have been saved. Consistency ratio "
                    f"{weight_set.consistency_ratio:.2f} (below {CONSISTENCY_LIMIT:.2f} is acceptable).",
                )
            return redirect("portfolio:strategy", council.slug)
    return _form_page(
        request,
        council,
        form,
        title="Set the weights by comparing pairs",
        button="Work out the weights",
        back=("portfolio:strategy",),
        intro="Compare each pair of objectives on Saaty's scale from 1/9 "
        "to 9. We work out the weights and check the judgements are consistent.",
    )


# The partnership


def _partnership(request, partnership_slug):
    try:
        partnership = Partnership.objects.get(slug=partnership_slug)
    except Partnership.DoesNotExist:
        raise Http404("No partnership with that address.") from None
    councils = list(partnership.councils.filter(is_active=True).order_by("name"))
    allowed = permissions.can_manage_council(request.user, councils[0]) if councils else False
    if not allowed:
        raise PermissionDenied("Only the partnership's officers can see the whole partnership's portfolio.")
    return partnership, councils


@login_required
def partnership_roadmap(request, partnership_slug, fmt=None):
    partnership, councils = _partnership(request, partnership_slug)
    objectives = list(selectors.objectives(council=councils[0]))
    projects, context = _roadmap(request, councils, councils, objectives)
    name = f"{partnership.slug}-roadmap-{timezone.localdate()}"
    if fmt == "csv":
        return exports.csv_response(name, exports.ROADMAP_COLUMNS, exports.roadmap_rows(projects))
    if fmt == "xlsx":
        return exports.xlsx_response(name, "Roadmap", exports.ROADMAP_COLUMNS, exports.roadmap_rows(projects))
    context.update({"partnership": partnership, "projects": projects, "section": "roadmap"})
    return render(request, "portfolio/partnership_roadmap.html", context)


@login_required
def partnership_ranking(request, partnership_slug, fmt=None):
    """Every council's open proposals ranked together with the partnership's weights."""
    partnership, councils = _partnership(request, partnership_slug)
    proposals = Proposal.objects.filter(council__in=councils).exclude(stage__in=[Stage.REJECTED, Stage.CLOSED])
    rows, weight_set = selectors.ranking(user=request.user, council=councils[0], proposals=proposals)
    name = f"{partnership.slug}-ranked-proposals-{timezone.localdate()}"
    if fmt == "csv":
        return exports.csv_response(name, exports.RANKING_COLUMNS, exports.ranking_rows(rows))
    if fmt == "xlsx":
        return exports.xlsx_response(name, "Ranked proposals", exports.RANKING_COLUMNS, exports.ranking_rows(rows))
    return render(
        request,
        "portfolio/partnership_ranking.html",
        {
            "partnership": partnership,
            "rows": rows,
            "weight_set": weight_set,
            "limit": CONSISTENCY_LIMIT,
            "section": "ranking",
        },
    )


@login_required
def partnership_selection(request, partnership_slug):
    """The best set of every council's open proposals within one partnership-wide budget."""
    partnership, councils = _partnership(request, partnership_slug)
    proposals = Proposal.objects.filter(council__in=councils).exclude(stage__in=[Stage.REJECTED, Stage.CLOSED])
    rows, weight_set = selectors.ranking(user=request.user, council=councils[0], proposals=proposals)
    context = _selection(request, rows)
    context["partnership"] = partnership
    return render(request, "portfolio/partnership_selection.html", context)
