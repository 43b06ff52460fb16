"""Figures pages for signed-in staff: feedback comments, and the cost of each channel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.accounts import permissions
from joinedup.core.validation import add_to_form
from joinedup.councils.views import council_from_path, staff_council_from_path
from joinedup.figures import forms, services
from joinedup.figures.models import ChannelCost
from joinedup.figures.selectors import SATISFACTION_LABELS
from joinedup.service_requests.models import Feedback

LATEST_COMMENTS = 30


@login_required
@require_GET
def feedback_comments(request, council_slug):
    """Counts of every answer and the latest comments (which may hold anything residents wrote: staff only)."""
    council = staff_council_from_path(request, council_slug)
    answers = Feedback.objects.filter(request__council=council)
    counts = dict(answers.values_list("rating").annotate(n=Count("id")))
    comments = (
        answers.exclude(comment="")
        .select_related("request", "request__category")
        .order_by("-created_at", "-id")[:LATEST_COMMENTS]
    )
    return render(
        request,
        "figures/feedback.html",
        {
            "council": council,
            "counts": [(SATISFACTION_LABELS[p], counts.get(p, 0)) for p in (5, 4, 3, 2, 1)],
            "comments": comments,
            "total": sum(counts.values()),
            "with_comment": answers.exclude(comment="").count(),
            "labels": SATISFACTION_LABELS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def channel_costs(request, council_slug):
    council = council_from_path(request, council_slug)
    if not permissions.can_manage_council(request.user, council):
        raise PermissionDenied("Only administrators and the partnership's officers can enter channel costs.")
    form = forms.ChannelCostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_cost_save(actor=request.user, council=council, **form.cleaned_data)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, "The cost has been saved. The figures use it straight away.")
            return redirect("figures:costs", council_slug=council.slug)
    return render(
        request,
        "figures/costs.html",
        {"council": council, "form": form, "costs": ChannelCost.objects.filter(council=council)},
    )
