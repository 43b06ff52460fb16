from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from joinedup.accounts import permissions
from joinedup.core.selectors import audit_history
from joinedup.core.validation import add_to_form
from joinedup.councils.models import Partnership
from joinedup.councils.views import council_from_path, staff_council_from_path
from joinedup.software import exports, selectors, services, workflows
from joinedup.software.forms import (
    AliasForm,
    ApplicationForm,
    AttestationForm,
    CampaignForm,
    CommitmentForm,
    ContractForm,
    EntitlementForm,
    ImportForm,
    ImportMappingForm,
    ProductForm,
    ReclaimDecisionForm,
    ReclaimStartForm,
    import_size_limit,
)
from joinedup.software.imports.readers import file_headers
from joinedup.software.models import CalendarFeedToken, ImportKind, ImportStatus
from joinedup.software.storage import local_path


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


class ImportSizeLimitHandler(FileUploadHandler):
    """Stop reading an uploaded file as soon as it passes the import page's limit, so a file that
    is too big is never kept whole, even in a temporary file. The page then says it is too big."""

    def __init__(self, request):
        super().__init__(request)
        self.limit = import_size_limit()
        request.upload_too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, council_slug):
    # Who may upload is checked before the body is read, so nobody else can send a big file.
    council = staff_council_from_path(request, council_slug)
    # The size check must see the file before anything reads the form (the CSRF check does), so
    # CSRF is checked here instead, once the handler is in place (as Django's documentation shows).
    request.upload_handlers.insert(0, ImportSizeLimitHandler(request))
    return _import_upload(request, council)


@csrf_protect
def _import_upload(request, council):
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        products=selectors.product_dictionary(council=council),
        too_large=getattr(request, "upload_too_large", False),
    )
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Django keeps a large upload in a temporary file; the service moves it into the private
        # store without reading it into memory.
        batch, result = services.import_upload(
            actor=request.user,
            council=council,
            kind=form.cleaned_data["kind"],
            upload=upload,
            filename=upload.name,
            options=form.options(),
        )
        if batch is not None and batch.kind == ImportKind.GENERIC:
            return redirect("software:import-mapping", council_slug=council.slug, pk=batch.pk)
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


def _kept_file_headers(batch) -> list[str]:
    """The column names of a kept file, read from the private store (none if it has gone)."""
    try:
        with local_path(batch.file.name) as path:
            return file_headers(path)
    except FileNotFoundError:
        return []


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request, council_slug, pk):
    council = staff_council_from_path(request, council_slug)
    batch = selectors.import_batch_get(council=council, pk=pk)
    if batch.kind != ImportKind.GENERIC or batch.status == ImportStatus.IMPORTED:
        return redirect("software:import-preview", council_slug=council.slug, pk=batch.pk)
    initial = batch.mapping or {}
    form = ImportMappingForm(
        request.POST or None,
        initial=initial,
        headers=_kept_file_headers(batch),
        products=selectors.product_dictionary(council=council),
    )
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.import_map(actor=request.user, batch=batch, mapping=form.mapping())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("software:import", council_slug=council.slug)
        if result.ok:
            return redirect("software:import-preview", council_slug=council.slug, pk=batch.pk)
        form.add_error(
            None,
            f"The file has {len(result.errors) + result.more_errors} problems with these columns. "
            "Nothing has been imported. Choose the columns again, or correct the file and upload it again.",
        )
    return render(
        request,
        "software/import_mapping.html",
        {"council": council, "batch": batch, "form": form, "result": result, "section": "import"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, council_slug, pk):
    council = staff_council_from_path(request, council_slug)
    batch = selectors.import_batch_get(council=council, pk=pk)
    if batch.kind == ImportKind.GENERIC and not batch.mapping and batch.status != ImportStatus.IMPORTED:
        return redirect("software:import-mapping", council_slug=council.slug, pk=batch.pk)
    errors = []
    confirm_error = ""
    if request.method == "POST":
        if batch.status == ImportStatus.IMPORTED:
            messages.info(request, "That file has been imported already.")
            return redirect("software:import", council_slug=council.slug)
        try:
            services.import_confirm(
                actor=request.user, batch=batch, other_council_confirmed=request.POST.get("other_council") == "yes"
            )
        except services.ImportFailed as failure:
            errors = failure.result.errors
        except ValidationError as error:
            if hasattr(error, "error_dict") and "other_council" in error.error_dict:
                confirm_error = f"Confirm this is {council.name}'s file, or upload the right council's file"
                errors = [confirm_error]
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("software:import", council_slug=council.slug)
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
            "confirm_error": confirm_error,
            "section": "import",
        },
    )


# Reclaim and attestation


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
            "pagination": _pagination(items["reclaims"], request.GET),
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
    if request.method == "POST" and form.is_valid():
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
    context = {"council": council, "form": form, "section": "workflows"}
    if request.method == "GET" and form.is_bound and form.is_valid():
        product = form.cleaned_data["product"]
        candidates = workflows.reclaim_new_candidates(council=council, product=product)
        page = Paginator(candidates, workflows.RECLAIM_PAGE_SIZE).get_page(request.GET.get("page"))
        area, owner = workflows.reclaim_owner(council=council, product=product)
        context.update(
            product=product,
            candidates=page,
            pagination=_pagination(page, request.GET),
            owner=owner,
            area=area,
        )
    return render(request, "software/reclaim_start.html", context)


def _pagination(page, query):
    """Items for the GOV.UK pagination component: the first, the last and the pages next to this one."""
    if page.paginator.num_pages <= 1:
        return None

    def link(number):
        params = query.copy()
        params["page"] = number
        return f"?{params.urlencode()}"

    items, last = [], 0
    numbers = page.paginator.num_pages
    for number in sorted({1, numbers, *range(max(1, page.number - 1), min(numbers, page.number + 1) + 1)}):
        if last and number - last > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": link(number), "current": number == page.number})
        last = number
    return {
        "items": items,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "next": link(page.next_page_number()) if page.has_next() else None,
    }


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
