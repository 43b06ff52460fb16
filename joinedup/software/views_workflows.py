"""The reclaim and attestation pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from joinedup.core.pagination import pagination
from joinedup.core.validation import add_to_form
from joinedup.councils.views import staff_council_from_path
from joinedup.software import selectors, workflows
from joinedup.software.forms import (
    AttestationForm,
    CampaignForm,
    ReclaimDecisionForm,
    ReclaimStartForm,
)
from joinedup.software.views import _download, _form_page


@login_required
def workflow_list(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    mine = request.GET.get("mine") == "on"
    items = workflows.workflow_items(council=council, user=request.user if mine else None, page=request.GET.get("page"))
    return render(
        request,
        "software/workflows.html",
        {
            "council": council,
            "section": "workflows",
            "mine": mine,
            "pagination": pagination(items["reclaims"], request.GET),
            **items,
            "reclaim_form": ReclaimStartForm(products=selectors.product_dictionary(council=council)),
            "campaign_form": CampaignForm(initial={"year": timezone.localdate().year}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reclaim_start(request, council_slug):
    """Choose a product, see who would be asked about (a page at a time), then ask the owner."""
    council = staff_council_from_path(request, council_slug)
    form = ReclaimStartForm(request.POST or request.GET or None, products=selectors.product_dictionary(council=council))
    exclude_errors = {}
    if request.method == "POST" and form.is_valid() and request.POST.get("action") == "exclude":
        product = form.cleaned_data["product"]
        people = request.POST.getlist("person")
        try:
            added = workflows.reclaim_exclude(
                actor=request.user, council=council, product=product, people=people, reason=request.POST.get("reason")
            )
        except ValidationError as error:
            exclude_errors = {field: " ".join(messages_) for field, messages_ in error.message_dict.items()}
        else:
            messages.success(request, f"{added} people will not be asked about {product.name}.")
            return redirect(f"{request.path}?product={product.pk}")
    elif request.method == "POST" and form.is_valid():
        product = form.cleaned_data["product"]
        try:
            created = workflows.reclaim_requests_create(actor=request.user, council=council, product=product)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            if created and created[0].owner is not None:
                owner = created[0].owner
                who = owner.get_full_name() or owner.email
                messages.success(
                    request, f"{len(created)} unused {product.name} licences have been sent to {who} by email."
                )
            elif created:
                # Nobody was sent anything: say so, and how to fix it.
                messages.warning(
                    request,
                    f"{len(created)} requests about unused {product.name} licences have been made, but no message has "
                    f"been sent: no owner is recorded for {product.name}. Any of the council's staff can decide them "
                    "below. To send them to an owner, give its application a service area with a lead officer.",
                )
            else:
                messages.info(request, f"No {product.name} licences are unused, or their owner has been asked already.")
            return redirect("software:workflows", council_slug=council.slug)
    context = {"council": council, "form": form, "section": "workflows", "exclude_errors": exclude_errors}
    if form.is_bound and form.is_valid() and (request.method == "GET" or exclude_errors):
        product = form.cleaned_data["product"]
        candidates = workflows.reclaim_new_candidates(council=council, product=product)
        if request.GET.get("format") in ("csv", "xlsx"):
            rows = [[person, last_used] for person, last_used in candidates]
            table = (f"{product.name} not used", ["Person", "Last used (empty: never)"], rows)
            return _download(table, request.GET["format"], f"{council.slug}-reclaim-candidates")
        shown = request.GET.get("shown", "")
        search = request.GET.get("search", "").strip().casefold()
        listed = [
            (person, last_used)
            for person, last_used in candidates
            if (shown != "never" or last_used is None)
            and (shown != "before" or last_used is not None)
            and (not search or search in person)
        ]
        page = Paginator(listed, workflows.RECLAIM_PAGE_SIZE).get_page(request.GET.get("page"))
        area, owner = workflows.reclaim_owner(council=council, product=product)
        context.update(
            product=product,
            total=len(candidates),
            candidates=page,
            shown=shown,
            search=request.GET.get("search", "").strip(),
            pagination=pagination(page, request.GET),
            reason=request.POST.get("reason", ""),
            owner=owner,
            area=area,
        )
    return render(request, "software/reclaim_start.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reclaim_decide(request, council_slug, pk):
    council = staff_council_from_path(request, council_slug)
    item = workflows.reclaim_get(council=council, pk=pk)
    if not workflows.can_decide(request.user, item):
        raise PermissionDenied("Only the owner asked, or the partnership's officers, can answer this.")
    form = ReclaimDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflows.reclaim_decide(
                actor=request.user,
                request=item,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"Your decision on {item.product.name} for {item.person} has been saved.")
            return redirect("software:workflows", council_slug=council.slug)
    return render(
        request,
        "software/workflow_decide.html",
        {"council": council, "form": form, "item": item, "kind": "reclaim"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_start(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    form = CampaignForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = workflows.attestation_campaign_start(actor=request.user, council=council, **form.cleaned_data)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"The {campaign.year} attestation has started: owners have been asked.")
            return redirect("software:workflows", council_slug=council.slug)
    return _form_page(
        request, council, form, title="Start the yearly attestation", button="Ask the owners", back="software:workflows"
    )


@login_required
@require_http_methods(["GET", "POST"])
def attestation_answer(request, council_slug, pk):
    council = staff_council_from_path(request, council_slug)
    item = workflows.attestation_get(council=council, pk=pk)
    if not workflows.can_decide(request.user, item):
        raise PermissionDenied("Only the owner asked, or the partnership's officers, can answer this.")
    form = AttestationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workflows.attestation_answer(
                actor=request.user,
                attestation=item,
                still_needed=data["still_needed"] == "yes",
                owner_correct=data["owner_correct"] == "yes",
                users_correct=data["users_correct"] == "yes",
                comment=data["comment"],
            )
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"Your answer for {item.application.name} has been saved.")
            return redirect("software:workflows", council_slug=council.slug)
    return render(
        request,
        "software/workflow_decide.html",
        {"council": council, "form": form, "item": item, "kind": "attestation"},
    )
