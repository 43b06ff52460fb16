"""Saved budget selection scenarios and their side-by-side comparison."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from joinedup.portfolio import forms, rules, scenarios
from joinedup.portfolio.models import SelectionScenario
from joinedup.portfolio.views import _council


@login_required
@require_POST
def scenario_save(request, council_slug):
    council = _council(request, council_slug)
    if not rules.can_edit_portfolio(request.user, council):
        raise PermissionDenied("Only this council's staff can save scenarios.")
    ranked, _ = scenarios.candidates(user=request.user, council=council)
    choices = [(str(r.proposal.pk), str(r.proposal)) for r in ranked]
    form = forms.SelectionForm(request.POST, choices=choices)
    back = reverse("portfolio:selection", args=[council.slug])
    if not form.is_valid():
        messages.error(request, "The scenario could not be saved: work the selection out again first.")
        return redirect(back)
    d = form.cleaned_data
    try:
        scenario = scenarios.scenario_save(
            actor=request.user,
            council=council,
            name=request.POST.get("name", ""),
            capital_limit=d["capital_limit"],
            revenue_limit=d["revenue_limit"],
            forced_in=d["forced_in"],
            forced_out=d["forced_out"],
        )
    except ValidationError as error:
        messages.error(request, "The scenario could not be saved: " + " ".join(error.messages))
        keep = [k for k in request.POST if k not in ("csrfmiddlewaretoken", "name")]
        params = urlencode([(k, v) for k in keep for v in request.POST.getlist(k)])
        return redirect(f"{back}?{params}")
    messages.success(request, f"The scenario “{scenario.name}” has been saved. Compare it with another below.")
    return redirect("portfolio:scenarios", council.slug)


@login_required
def scenario_list(request, council_slug):
    council = _council(request, council_slug)
    saved = list(SelectionScenario.objects.filter(council=council).select_related("created_by"))
    by_pk = {str(s.pk): s for s in saved}
    first, second = by_pk.get(request.GET.get("a", "")), by_pk.get(request.GET.get("b", ""))
    if request.GET.get("a") and (first is None or second is None):
        raise Http404("No such scenario.")
    return render(
        request,
        "portfolio/scenarios.html",
        {
            "council": council,
            "scenarios": saved,
            "first": first,
            "second": second,
            "rows": scenarios.compare(first, second) if first and second else [],
            "section": "selection",
        },
    )
