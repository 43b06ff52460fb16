from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from joinedup.accounts import permissions
from joinedup.core.selectors import audit_history
from joinedup.core.validation import add_to_form
from joinedup.councils.models import Partnership
from joinedup.councils.views import council_from_path, staff_council_from_path
from joinedup.software import exports, selectors, services
from joinedup.software.forms import (
    AliasForm,
    ApplicationForm,
    CommitmentForm,
    ContractForm,
    EntitlementForm,
    ProductForm,
)
from joinedup.software.models import CalendarFeedToken


def _form_page(request, council, form, *, title: str, button: str, back: str):
    """One question page of the software pages: the form, its heading, its button and a back link."""
    return render(
        request,
        "software/form.html",
        {"council": council, "form": form, "title": title, "button": button, "back": back},
    )


@login_required
def register(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    return render(
        request,
        "software/register.html",
        {
            "council": council,
            "applications": selectors.application_list(council=council),
            "section": "register",
        },
    )


@login_required
def register_csv(request, council_slug):
    """The register's long-standing CSV address; the same file as the applications download."""
    council = staff_council_from_path(request, council_slug)
    return _download(exports.COUNCIL_TABLES["applications"](council), "csv", f"{council.slug}-applications")


@login_required
def application_detail(request, council_slug, pk):
    council = staff_council_from_path(request, council_slug)
    application = selectors.application_get(council=council, pk=pk)
    return render(
        request,
        "software/application_detail.html",
        {
            "council": council,
            "application": application,
            "section": "register",
            "history": audit_history(user=request.user, council=council, instance=application),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, council_slug, pk=None):
    council = staff_council_from_path(request, council_slug)
    application = selectors.application_get(council=council, pk=pk) if pk else None
    # The form gets its own copy, so the service can compare the old values with the new.
    form = ApplicationForm(
        request.POST or None,
        instance=selectors.application_get(council=council, pk=pk) if pk else None,
        council=council,
        products=selectors.product_dictionary(council=council),
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if application is None:
                application = services.application_create(actor=request.user, council=council, **values)
            else:
                services.application_update(actor=request.user, application=application, **values)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"{application.name} has been saved.")
            return redirect("software:application", council_slug=council.slug, pk=application.pk)
    return render(
        request,
        "software/application_form.html",
        {
            "council": council,
            "form": form,
            "application": application,
            "section": "register",
        },
    )


@login_required
def products(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    return render(
        request,
        "software/products.html",
        {
            "council": council,
            "products": selectors.product_dictionary(council=council).prefetch_related(
                "aliases", "functions", "services"
            ),
            "section": "products",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a new publisher is not kept if the product cannot be added
                publisher = services.publisher_get_or_create(
                    actor=request.user, council=council, name=data["publisher"]
                )
                product = services.product_create(
                    actor=request.user,
                    council=council,
                    publisher=publisher,
                    name=data["name"],
                    aliases=data["aliases"],
                    functions=data["functions"],
                    services=data["services"],
                    activity_days=data["activity_days"],
                )
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"{product.name} has been added to the product dictionary.")
            return redirect("software:products", council_slug=council.slug)
    return _form_page(request, council, form, title="Add a product", button="Save product", back="software:products")


@login_required
@require_http_methods(["GET", "POST"])
def product_alias_add(request, council_slug, pk):
    council = staff_council_from_path(request, council_slug)
    product = selectors.product_get(council=council, pk=pk)
    form = AliasForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_alias_add(
                actor=request.user, council=council, product=product, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_to_form(form, ValidationError({"name": error.messages}))
        else:
            messages.success(request, f"'{form.cleaned_data['name']}' now means {product.name}.")
            return redirect("software:products", council_slug=council.slug)
    return _form_page(
        request,
        council,
        form,
        title=f"Add another name for {product.name}",
        button="Save name",
        back="software:products",
    )


@login_required
def contracts(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    return render(
        request,
        "software/contracts.html",
        {
            "council": council,
            "contracts": selectors.contract_list(council=council),
            "section": "contracts",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request, council_slug, pk=None):
    council = staff_council_from_path(request, council_slug)
    contract = selectors.contract_get(council=council, pk=pk) if pk else None
    form = ContractForm(
        request.POST or None,
        instance=selectors.contract_get(council=council, pk=pk) if pk else None,
        council=council,
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields if name != "applications"}
        applications = list(form.cleaned_data["applications"])
        try:
            if contract is None:
                contract = services.contract_create(
                    actor=request.user, council=council, applications=applications, **values
                )
            else:
                services.contract_update(actor=request.user, contract=contract, applications=applications, **values)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"Contract {contract.reference} has been saved.")
            return redirect("software:contracts", council_slug=council.slug)
    return _form_page(
        request,
        council,
        form,
        title=f"Change contract {contract.reference}" if contract else "Add a contract",
        button="Save contract",
        back="software:contracts",
    )


@login_required
def commitments(request, council_slug, pk):
    council = staff_council_from_path(request, council_slug)
    contract = selectors.contract_get(council=council, pk=pk)
    return render(
        request,
        "software/commitments.html",
        {
            "council": council,
            "contract": contract,
            "commitments": contract.commitments.all(),
            "section": "contracts",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_edit(request, council_slug, pk, commitment_pk=None):
    council = staff_council_from_path(request, council_slug)
    contract = selectors.contract_get(council=council, pk=pk)
    commitment = (
        selectors.commitment_get(council=council, contract=contract, pk=commitment_pk) if commitment_pk else None
    )
    form = CommitmentForm(
        request.POST or None,
        instance=selectors.commitment_get(council=council, contract=contract, pk=commitment_pk)
        if commitment_pk
        else None,
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if commitment is None:
                services.commitment_create(actor=request.user, contract=contract, **values)
            else:
                services.commitment_update(actor=request.user, commitment=commitment, **values)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"The commitment in contract {contract.reference} has been saved.")
            return redirect("software:commitments", council_slug=council.slug, pk=contract.pk)
    return render(
        request,
        "software/commitment_form.html",
        {"council": council, "contract": contract, "form": form, "commitment": commitment},
    )


@login_required
@require_http_methods(["GET", "POST"])
def entitlement_create(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    form = EntitlementForm(
        request.POST or None, council=council, products=selectors.product_dictionary(council=council)
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.entitlement_create(actor=request.user, council=council, **values)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"{values['quantity']} {values['product']} licences have been recorded.")
            return redirect("software:licences", council_slug=council.slug)
    return _form_page(
        request,
        council,
        form,
        title="Record licences the council owns",
        button="Save licences",
        back="software:licences",
    )


@login_required
def entitlements(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    return render(
        request,
        "software/entitlements.html",
        {"council": council, "entitlements": selectors.entitlements(council=council)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def entitlement_edit(request, council_slug, pk):
    council = staff_council_from_path(request, council_slug)
    entitlement = selectors.entitlement_get(council=council, pk=pk)
    # The form gets its own copy: validating it changes its instance, and the service compares
    # the new values with the saved ones for the audit trail.
    form = EntitlementForm(
        request.POST or None,
        instance=selectors.entitlement_get(council=council, pk=pk),
        council=council,
        products=selectors.product_dictionary(council=council),
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.entitlement_update(actor=request.user, entitlement=entitlement, **values)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"The {entitlement.product} licences have been changed.")
            return redirect("software:entitlements", council_slug=council.slug)
    return _form_page(
        request,
        council,
        form,
        title=f"Change the {entitlement.product} licences",
        button="Save licences",
        back="software:entitlements",
    )


def _activity_days(request):
    try:
        days = int(request.GET.get("days", ""))
    except ValueError:
        return None
    return days if 1 <= days <= 730 else None


@login_required
def licences(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    days = _activity_days(request)
    positions = selectors.licence_position(council=council, activity_days=days)
    return render(
        request,
        "software/licences.html",
        {
            "council": council,
            "positions": positions,
            "days": days,
            "section": "licences",
            "total_saving": sum(p.yearly_saving for p in positions),
            "total_cost": sum(p.yearly_cost for p in positions),
            "unknown_saving": [p.product.name for p in positions if p.per_person and not p.saving_known],
        },
    )


@login_required
def renewals(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    return render(
        request,
        "software/renewals.html",
        {
            "council": council,
            "events": selectors.renewal_calendar(councils=council),
            "section": "renewals",
        },
    )


@login_required
def risks(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    return render(
        request,
        "software/risks.html",
        {"council": council, "risk": selectors.cyber_risk(council=council), "section": "risks"},
    )


# Downloads and the calendar feed


def _download(table, fmt, filename):
    title, columns, rows = table
    if fmt == "xlsx":
        response = HttpResponse(
            exports.xlsx_bytes(title, columns, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.csv_bytes(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localdate()}.{fmt}"'
    return response


@login_required
def export(request, council_slug, table, fmt):
    council = staff_council_from_path(request, council_slug)
    if table not in exports.COUNCIL_TABLES or fmt not in ("csv", "xlsx"):
        raise Http404("There is no such download.")
    return _download(exports.COUNCIL_TABLES[table](council), fmt, f"{council.slug}-{table}")


def _feed_user(request):
    """The signed-in person, or the owner of the secret feed address (calendar programs cannot sign in)."""
    if request.user.is_authenticated:
        return request.user
    user = exports.feed_token_user(request.GET.get("token", ""))
    if user is None:
        return None
    # The address was made after two-factor sign-in, and is secret: it stands in for the second factor.
    user.is_verified = lambda: True
    return user


def _ical_response(body):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


def renewals_ical(request, council_slug):
    council = council_from_path(request, council_slug)
    user = _feed_user(request)
    if user is None:
        return HttpResponse("Sign in, or use your secret calendar address.", status=401, content_type="text/plain")
    if not permissions.can_view_staff_pages(user, council):
        raise PermissionDenied("Only this council's staff can see its renewals.")
    events = selectors.renewal_calendar(councils=council)
    return _ical_response(exports.renewal_ical(events=events, name=f"{council.name}: software renewals"))


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            if exports.feed_token_remove(user=request.user):
                messages.success(request, "Your calendar address has been removed. Calendars using it stop updating.")
            return redirect("software:calendar-feed", council_slug=council.slug)
        token = exports.feed_token_create(user=request.user)
    has_token = token is not None or CalendarFeedToken.objects.filter(user=request.user).exists()
    address = settings.SITE_URL + reverse("software:renewals-ical", kwargs={"council_slug": council.slug})
    partnership_address = (
        settings.SITE_URL
        + reverse("software_partnership:renewals-ical", kwargs={"partnership_slug": council.partnership.slug})
        if council.partnership and permissions.can_manage_council(request.user, council)
        else None
    )
    return render(
        request,
        "software/calendar_feed.html",
        {
            "council": council,
            "section": "renewals",
            "token": token,
            "has_token": has_token,
            "address": address,
            "partnership_address": partnership_address,
        },
    )


# The partnership's pages


def _partnership_for_officer(request, partnership_slug):
    try:
        partnership = Partnership.objects.get(slug=partnership_slug)
    except Partnership.DoesNotExist:
        raise Http404("No partnership with that address.") from None
    councils = list(partnership.councils.filter(is_active=True).order_by("name"))
    allowed = (
        permissions.can_manage_council(request.user, councils[0])
        if councils
        else permissions.is_administrator(request.user)
    )
    if not allowed:
        raise PermissionDenied("Only the partnership's officers can see the partnership's software estate.")
    return partnership, councils


@login_required
def partnership_overview(request, partnership_slug):
    partnership, councils = _partnership_for_officer(request, partnership_slug)
    by = "service" if request.GET.get("by") == "service" else "function"
    groups = selectors.partnership_duplication(partnership=partnership, by=by)
    return render(
        request,
        "software/partnership.html",
        {
            "partnership": partnership,
            "councils": councils,
            "groups": groups,
            "by": by,
            "duplicated": [group for group in groups if group.duplicated],
            "events": selectors.renewal_calendar(councils=councils),
        },
    )


@login_required
def partnership_export(request, partnership_slug, table, fmt):
    partnership, councils = _partnership_for_officer(request, partnership_slug)
    if table not in exports.PARTNERSHIP_TABLES or fmt not in ("csv", "xlsx"):
        raise Http404("There is no such download.")
    if table == "duplication":
        by = "service" if request.GET.get("by") == "service" else "function"
        data = exports.duplication_table(partnership, councils, by=by)
    else:
        data = exports.PARTNERSHIP_TABLES[table](partnership, councils)
    return _download(data, fmt, f"{partnership.slug}-{table}")


def partnership_renewals_ical(request, partnership_slug):
    try:
        partnership = Partnership.objects.get(slug=partnership_slug)
    except Partnership.DoesNotExist:
        raise Http404("No partnership with that address.") from None
    user = _feed_user(request)
    if user is None:
        return HttpResponse("Sign in, or use your secret calendar address.", status=401, content_type="text/plain")
    request.user = user
    partnership, councils = _partnership_for_officer(request, partnership_slug)
    events = selectors.renewal_calendar(councils=councils)
    return _ical_response(exports.renewal_ical(events=events, name=f"{partnership.name}: software renewals"))


@login_required
def partnership_dashboard(request, partnership_slug):
    partnership, councils = _partnership_for_officer(request, partnership_slug)
    return render(
        request,
        "software/dashboard.html",
        {
            "partnership": partnership,
            "councils": councils,
            "dashboard": selectors.partnership_dashboard(partnership=partnership, councils=councils),
        },
    )
