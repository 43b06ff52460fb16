"""The import pages: upload a file, choose a generic file's columns, check and confirm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from joinedup.councils.views import staff_council_from_path
from joinedup.software import selectors, services
from joinedup.software.forms import ImportForm, ImportMappingForm, import_size_limit
from joinedup.software.imports.readers import file_headers
from joinedup.software.models import ImportKind, ImportStatus
from joinedup.software.storage import local_path


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
