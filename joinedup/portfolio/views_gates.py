"""Portfolio pages for gates and their audit trail: recording a gate decision, the business case
route and its threshold, frozen case versions and what changed between two, and the list of
members' questions waiting for an answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from joinedup.councils.views import council_from_path
from joinedup.portfolio import forms, gates, rules, selectors, versions
from joinedup.portfolio.models import FIVE_CASES, CaseRoute, CaseVersion, GateOutcome, Stage
from joinedup.portfolio.views import _council, _form_page, _readable, _save


def approved_summary(proposal) -> dict | None:
    """The approved figures of the proposal's current case, for its page, or None."""
    case = gates.current_case(proposal)
    approved = versions.approved_version(case) if case else None
    if approved is None:
        return None
    return {
        "version": approved,
        "gate": approved.gates.order_by("-decided_on", "-id").first(),
        "option": versions.preferred(approved.snapshot),
        "draft_changed": gates.draft_changed(case),
    }


def _case(proposal, case_pk):
    return selectors.case_get(user=None, proposal=proposal, pk=case_pk)


@login_required
@require_http_methods(["GET", "POST"])
def gate_new(request, council_slug, pk, case_pk):
    council, proposal = _readable(request, council_slug, pk)
    if not rules.can_decide_gate(request.user, proposal):
        raise PermissionDenied("Only the lead council's portfolio board members can record gate decisions.")
    case = _case(proposal, case_pk)
    form = forms.GateForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: gates.gate_record(actor=request.user, case=case, **form.cleaned_data))
    ):
        proposal.refresh_from_db()
        messages.success(
            request,
            f"The gate decision has been recorded and the case frozen as version {case.versions.count()}. "
            f"{proposal.reference} is now: {proposal.get_stage_display()}.",
        )
        return redirect("portfolio:proposal", council.slug, proposal.pk)
    missing = gates.missing_for_go(case)
    intro = (
        "'Go' on the full or business justification case approves the project for the roadmap. Your name is "
        "recorded as the board member who decided, and the case is frozen as a new version."
    )
    if missing:
        intro += " A 'go' is not possible yet: " + " ".join(missing)
    return _form_page(
        request,
        council,
        form,
        title=f"Record the gate decision on the {case.get_stage_display().lower()}",
        button="Record the decision",
        back=("portfolio:case", proposal.pk, case.pk),
        caption=str(proposal),
        intro=intro,
    )


@login_required
@require_http_methods(["GET", "POST"])
def route_switch(request, council_slug, pk):
    council, proposal = _readable(request, council_slug, pk)
    if not rules.can_decide_gate(request.user, proposal):
        raise PermissionDenied("Only the lead council's portfolio board members can choose the route.")
    form = forms.RouteSwitchForm(request.POST or None, initial={"route": proposal.case_route})
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form,
            lambda: gates.proposal_route_switch(
                actor=request.user,
                proposal=proposal,
                route=form.cleaned_data["route"],
                reason=form.cleaned_data["reason"],
            ),
        )
    ):
        messages.success(request, f"The route is now: {proposal.get_case_route_display()}. Your reason is recorded.")
        return redirect("portfolio:proposal", council.slug, proposal.pk)
    by_threshold = CaseRoute(gates.route_by_threshold(proposal)).label
    return _form_page(
        request,
        council,
        form,
        title="Choose the business case route",
        button="Save the route",
        back=("portfolio:proposal", proposal.pk),
        caption=str(proposal),
        intro=f"The partnership's threshold gives: {by_threshold} (rough one-off cost plus five years' running "
        f"cost £{gates.estimated_cost(proposal):,.0f}; threshold £{gates.single_case_limit(council):,.0f}). "
        "The route can change only before the first business case starts.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def route_limit(request, council_slug):
    council = _council(request, council_slug)
    if not rules.can_manage_strategy(request.user, council):
        raise PermissionDenied("Only partnership officers can set the route threshold.")
    form = forms.RouteLimitForm(request.POST or None, initial={"single_case_limit": gates.single_case_limit(council)})
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form,
            lambda: gates.route_limit_set(
                actor=request.user, council=council, limit=form.cleaned_data["single_case_limit"]
            ),
        )
    ):
        messages.success(
            request,
            "The threshold has been saved. New proposals, and those with no business case started, follow it.",
        )
        return redirect("portfolio:strategy", council.slug)
    return _form_page(
        request,
        council,
        form,
        title="Set the business case route threshold",
        button="Save the threshold",
        back=("portfolio:strategy",),
    )


def _version(case, number) -> CaseVersion:
    try:
        return case.versions.get(number=number)
    except (CaseVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No version with that number.") from None


@login_required
def case_version(request, council_slug, pk, case_pk, number):
    """One frozen version of a case, exactly as the gate saw it."""
    council, proposal = _readable(request, council_slug, pk)
    case = _case(proposal, case_pk)
    version = _version(case, number)
    snapshot = version.snapshot
    return render(
        request,
        "portfolio/case_version.html",
        {
            "council": council,
            "proposal": proposal,
            "case": case,
            "version": version,
            "gate": version.gates.select_related("decided_by").first(),
            "approved": versions.approved_version(case),
            "sections": [(label, snapshot["sections"].get(name, "")) for name, label, _ in FIVE_CASES],
            "s": snapshot,
            "go": GateOutcome.GO,
        },
    )


@login_required
def case_compare(request, council_slug, pk, case_pk):
    """What changed between two versions of a case, or between a version and the draft."""
    council, proposal = _readable(request, council_slug, pk)
    case = _case(proposal, case_pk)
    numbers = list(case.versions.values_list("number", flat=True))
    if not numbers:
        raise Http404("This case has no versions yet: one is made at each gate decision.")
    first = request.GET.get("from") or str(numbers[-1])
    second = request.GET.get("to") or "draft"
    before = _version(case, first)
    if second == "draft":
        after_snapshot, after_label = versions.case_snapshot(case), "the draft (the case as it is now)"
    else:
        after = _version(case, second)
        after_snapshot, after_label = after.snapshot, f"version {after.number}"
    choices = [(str(n), f"Version {n}") for n in numbers] + [("draft", "The draft (the case as it is now)")]
    return render(
        request,
        "portfolio/case_compare.html",
        {
            "council": council,
            "proposal": proposal,
            "case": case,
            "before": before,
            "after_label": after_label,
            "changes": versions.compare(before.snapshot, after_snapshot),
            "choices": choices,
            "first": str(before.number),
            "second": second,
        },
    )


@login_required
def questions(request, council_slug):
    """Members' questions on the council's proposals that are waiting for an answer."""
    council = council_from_path(request, council_slug)
    if not rules.can_view_portfolio(request.user, council):
        raise PermissionDenied("Only this council's staff and members can see its portfolio.")
    items = selectors.unanswered_questions(user=request.user, council=council)
    return render(
        request,
        "portfolio/questions.html",
        {
            "council": council,
            "questions": items,
            "overdue": sum(1 for q in items if q.is_overdue),
            "days": selectors.QUESTION_ANSWER_DAYS,
            "section": "questions",
            "closed_stages": (Stage.CLOSED, Stage.REJECTED),
        },
    )


@login_required
def proposal_history(request, council_slug, pk):
    """Everything that happened to a proposal, from the audit trail."""
    council = _council(request, council_slug)
    proposal = selectors.proposal_get(user=request.user, council=council, pk=pk)
    return render(
        request,
        "portfolio/proposal_history.html",
        {
            "council": council,
            "proposal": proposal,
            "entries": selectors.proposal_history(user=request.user, proposal=proposal),
        },
    )
