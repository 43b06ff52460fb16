import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from joinedup.accounts import permissions
from joinedup.core.selectors import audit_history
from joinedup.core.validation import add_to_form
from joinedup.councils.models import Partnership
from joinedup.councils.views import staff_council_from_path
from joinedup.software import selectors, services
from joinedup.software.forms import (
    AliasForm,
    ApplicationForm,
    ContractForm,
    EntitlementForm,
    ImportForm,
    ProductForm,
)
from joinedup.software.models import ImportStatus


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
    council = staff_council_from_path(request, council_slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{council.slug}-applications-{timezone.localdate()}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(selectors.REGISTER_COLUMNS)
    for row in selectors.register_rows(council=council):
        # A value starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow([f"'{value}" if value[:1] in ("=", "+", "-", "@") else value for value in row])
    return response


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
    return render(
        request,
        "software/form.html",
        {
            "council": council,
            "form": form,
            "title": "Add a product",
            "button": "Save product",
            "back": "software:products",
        },
    )


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
    return render(
        request,
        "software/form.html",
        {
            "council": council,
            "form": form,
            "title": f"Add another name for {product.name}",
            "button": "Save name",
            "back": "software:products",
        },
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
    return render(
        request,
        "software/form.html",
        {
            "council": council,
            "form": form,
            "title": f"Change contract {contract.reference}" if contract else "Add a contract",
            "button": "Save contract",
            "back": "software:contracts",
        },
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
    return render(
        request,
        "software/form.html",
        {
            "council": council,
            "form": form,
            "title": "Record licences the council owns",
            "button": "Save licences",
            "back": "software:licences",
        },
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


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch, result = services.import_upload(
            actor=request.user,
            council=council,
            kind=form.cleaned_data["kind"],
            data=upload.read(),
            filename=upload.name,
        )
        if batch is not None:
            return redirect("software:import-preview", council_slug=council.slug, pk=batch.pk)
        form.add_error(
            "file",
            f"The file has {len(result.errors) + result.more_errors} problems. "
            "Nothing has been imported. Correct the file and upload it again.",
        )
    return render(
        request,
        "software/import.html",
        {
            "council": council,
            "form": form,
            "result": result,
            "section": "import",
            "batches": selectors.import_batch_list(council=council),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, council_slug, pk):
    council = staff_council_from_path(request, council_slug)
    batch = selectors.import_batch_get(council=council, pk=pk)
    errors = []
    if request.method == "POST":
        if batch.status == ImportStatus.IMPORTED:
            messages.info(request, "That file has been imported already.")
            return redirect("software:import", council_slug=council.slug)
        try:
            services.import_confirm(actor=request.user, batch=batch)
        except services.ImportFailed as failure:
            errors = failure.result.errors
        else:
            messages.success(request, f"{batch.filename} has been imported.")
            return redirect("software:licences", council_slug=council.slug)
    return render(
        request,
        "software/import_preview.html",
        {
            "council": council,
            "batch": batch,
            "summary": batch.summary,
            "errors": errors,
            "section": "import",
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
