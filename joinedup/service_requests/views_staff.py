"""
The staff back office: the queue, a request's page and its actions, the contact centre's form,
and categories, questions and response templates.

Views only collect input and show results: every read goes through a selector that checks the
user may see the council's staff pages (PermissionDenied, so 403), and every write goes through
a service. A record of another council asked for under this council's address is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joinedup.accounts import permissions
from joinedup.accounts.selectors import council_staff_users
from joinedup.core.pagination import pagination
from joinedup.core.validation import add_to_form
from joinedup.councils import selectors as council_selectors
from joinedup.councils.views import council_from_path, staff_council_from_path
from joinedup.notifications.selectors import messages_for
from joinedup.service_requests import exports, services
from joinedup.service_requests import services_categories as category_services
from joinedup.service_requests.forms_staff import (
    AssignForm,
    BulkStatusForm,
    CategoryForm,
    ChaserForm,
    ChooseCategoryForm,
    InternalNoteForm,
    LogRequestForm,
    MergeForm,
    PublicUpdateForm,
    QuestionForm,
    QueueFilterForm,
    RecategoriseForm,
    ResponseTemplateForm,
    StatusChangeForm,
    choices_as_text,
    question_field_name,
)
from joinedup.service_requests.models import (
    Category,
    CategoryQuestion,
    EventKind,
    QuestionKind,
    Status,
)
from joinedup.service_requests.selectors import (
    category_for_staff,
    category_list,
    is_overdue,
    request_for_staff,
    response_template_for_staff,
    response_templates_for,
    staff_queue,
    working_days_open,
)
from joinedup.service_requests.services_categories import PLACEHOLDERS, render_response

PAGE_SIZE = 50
COUNT_LIMIT = 10_000  # the queue counts up to this many matching requests, then says "more than"
STATUS_TAGS = {
    Status.SUBMITTED: "govuk-tag--light-blue",
    Status.ACKNOWLEDGED: "govuk-tag--blue",
    Status.INVESTIGATING: "govuk-tag--purple",
    Status.ACTION_SCHEDULED: "govuk-tag--turquoise",
    Status.IN_PROGRESS: "govuk-tag--yellow",
    Status.FIXED: "govuk-tag--green",
    Status.CLOSED: "govuk-tag--grey",
    Status.NOT_OURS: "govuk-tag--grey",
    Status.DUPLICATE: "govuk-tag--grey",
    Status.CANCELLED: "govuk-tag--grey",
}
RESIDENT_EVENTS = {EventKind.CREATED, EventKind.SUPPORTED, EventKind.RESIDENT_UPDATE, EventKind.DISPUTED}


def _require_manager(request, council):
    if not permissions.can_manage_council(request.user, council):
        raise PermissionDenied("Only an administrator or a partnership officer can change categories.")


def _url(name, council, *args, query: str = ""):
    url = reverse(f"service_requests:{name}", args=[council.slug, *args])
    return f"{url}?{query}" if query else url


def _decorate(request_obj, today):
    """Add what the templates show about a request (its status tag and whether it is late)."""
    request_obj.status_tag = STATUS_TAGS.get(request_obj.status, "")
    request_obj.overdue = is_overdue(request_obj, today)
    return request_obj


# Reads the back office needs that selectors.py does not have yet.


def _question_for_staff(category, pk) -> CategoryQuestion:
    try:
        return category.questions.get(pk=pk)
    except CategoryQuestion.DoesNotExist:
        raise Http404 from None


# The queue


def _filter_form(request, council):
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = "open"  # the queue starts with the work still to do
    return QueueFilterForm(
        data,
        categories=category_list(council=council, include_inactive=True),
        service_areas=council_selectors.service_area_list(council=council),
        wards=council_selectors.ward_list(council=council),
        officers=council_staff_users(council=council),
    )


class BoundedPaginator(Paginator):
    """
    Counts no more than COUNT_LIMIT rows, so a page of a very large queue does not count them all.

    Past the limit the page says "more than 10,000" and pages through the first 10,000, in the
    order chosen; filters or another sort order reach the rest, and the CSV download has them all.
    """

    @cached_property
    def _bounded_count(self) -> int:
        return self.object_list[: COUNT_LIMIT + 1].count()

    @property
    def capped(self) -> bool:
        return self._bounded_count > COUNT_LIMIT

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, COUNT_LIMIT)


# Only the columns the queue's table shows, so a page of 50 rows reads and builds no more than it needs.
QUEUE_COLUMNS = (
    "council",
    "number",
    "category__name",
    "location_text",
    "postcode",
    "ward__name",
    "status",
    "priority",
    "expected_by",
    "assigned_to__full_name",
    "assigned_to__email",
    "channel",
    "supporter_count",
)


def _queue_context(request, council, *, bulk_form=None):
    form = _filter_form(request, council)
    requests = staff_queue(user=request.user, council=council, filters=form.filters(request.user))
    requests = requests.select_related(None).select_related("category", "ward", "assigned_to")
    page = BoundedPaginator(requests.only(*QUEUE_COLUMNS), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [_decorate(r, today) for r in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    selected = set(bulk_form.data.getlist("bulk-references")) if bulk_form is not None and bulk_form.is_bound else ()
    # One reverse() for the page rather than one per row: only the reference changes.
    before, after = _url("staff-detail", council, "REFERENCE").rsplit("REFERENCE", 1)
    for row in rows:
        row.council = council  # every row is this council's: no need to read it 50 times
        row.selected = row.reference in selected
        row.detail_url = f"{before}{row.reference}{after}"
    return {
        "council": council,
        "form": form,
        "page": page,
        "rows": rows,
        "pagination": pagination(page, query),
        "query": query.urlencode(),
        "bulk_form": bulk_form or BulkStatusForm(prefix="bulk"),
        "placeholders": PLACEHOLDERS,
        "count_limit": f"{COUNT_LIMIT:,}",
    }


@login_required
@require_GET
def queue(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    return render(request, "service_requests/staff/queue.html", _queue_context(request, council))


@login_required
@require_GET
def queue_export(request, council_slug):
    """The filtered queue as CSV, streamed, in the same order as on screen."""
    council = staff_council_from_path(request, council_slug)
    form = _filter_form(request, council)
    requests = staff_queue(user=request.user, council=council, filters=form.filters(request.user))
    response = StreamingHttpResponse(exports.queue_csv_lines(requests), content_type="text/csv; charset=utf-8")
    filename = f"{council.slug}-requests-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def queue_bulk_status(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    form = BulkStatusForm(request.POST, prefix="bulk")
    if form.is_valid():
        data = form.cleaned_data
        duplicate_of = None
        if data["duplicate_of"].strip():
            try:
                duplicate_of = request_for_staff(user=request.user, council=council, reference=data["duplicate_of"])
            except Http404:
                form.add_error("duplicate_of", f"There is no request {data['duplicate_of'].strip()} at this council")
        if form.is_valid():
            failures = services.request_bulk_status_change(
                actor=request.user,
                council=council,
                references=data["references"],
                to_status=data["status"],
                public_message=data["public_message"],
                internal_note=data["internal_note"],
                referred_to=data["referred_to"],
                duplicate_of=duplicate_of,
            )
            if not failures:
                count = len(set(data["references"]))
                messages.success(
                    request, f"{count} request{'s' if count != 1 else ''} changed to '{Status(data['status']).label}'."
                )
                return redirect(_url("staff-queue", council, query=request.GET.urlencode()))
            form.add_error(None, "No requests have been changed, because these changes are not allowed:")
            for reference, reasons in failures:
                for reason in reasons:
                    form.add_error(None, f"{reference}: {reason}")
    context = _queue_context(request, council, bulk_form=form)
    return render(request, "service_requests/staff/queue.html", context)


# A request's page


def _answers(request_obj):
    """The answers to the category's questions, as (question, answer) in the order they are asked."""
    questions = {q.code: q for q in request_obj.category.questions.all()}
    rows = []
    for code, value in request_obj.answers.items():
        question = questions.get(code)
        values = value if isinstance(value, list) else [value]
        if question is not None and question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            labels = {c["value"]: c["label"] for c in question.choices}
            values = [labels.get(v, v) for v in values]
        rows.append(
            {
                "question": question.prompt if question else code,
                "answer": ", ".join(str(v) for v in values),
                "order": (question.order, question.pk) if question else (10_000, 0),
            }
        )
    return sorted(rows, key=lambda row: row["order"])


def _photo_url(photo, *, thumbnail):
    name = "staff-photo-thumb" if thumbnail else "staff-photo"
    return _url(name, photo.request.council, photo.request.reference, photo.pk)


def _actor_label(event, request_obj):
    if event.actor is not None:
        return str(event.actor)
    if event.kind in RESIDENT_EVENTS:
        return "Another system" if request_obj.channel == "api" and event.kind == EventKind.CREATED else "Resident"
    return "System"


def _detail_forms(request_obj, council):
    templates = list(response_templates_for(council=council, category=request_obj.category))
    categories = list(category_list(council=council))
    if request_obj.category not in categories:
        categories.append(request_obj.category)
    return {
        "status_form": StatusChangeForm(current_status=request_obj.status, templates=templates),
        "update_form": PublicUpdateForm(),
        "note_form": InternalNoteForm(),
        "assign_form": AssignForm(
            initial={"assigned_to": request_obj.assigned_to_id or ""}, officers=council_staff_users(council=council)
        ),
        "recategorise_form": RecategoriseForm(
            initial={"category": request_obj.category_id, "priority": request_obj.priority}, categories=categories
        ),
        "merge_form": MergeForm(),
        "chaser_form": ChaserForm(),
    }


def _render_detail(request, council, request_obj, *, preview=None, **forms):
    today = timezone.localdate()
    _decorate(request_obj, today)
    context = {
        "council": council,
        "sr": request_obj,
        "days_open": working_days_open(request_obj, today),
        "answers": _answers(request_obj),
        "photos": [
            {"photo": p, "url": _photo_url(p, thumbnail=False), "thumbnail": _photo_url(p, thumbnail=True)}
            for p in request_obj.photos.select_related("request__council", "request__category")
        ],
        "events": [
            {"event": e, "actor": _actor_label(e, request_obj)}
            for e in request_obj.events.select_related("actor").order_by("created_at", "id")
        ],
        "notifications": messages_for(user=request.user, council=council, obj=request_obj),
        "follower_count": request_obj.subscriptions.count(),
        "placeholders": PLACEHOLDERS,
        "preview": preview,
        **_detail_forms(request_obj, council),
        **forms,
    }
    context["has_errors"] = any(
        f.is_bound and f.errors for f in context.values() if hasattr(f, "is_bound") and hasattr(f, "errors")
    )
    return render(request, "service_requests/staff/detail.html", context)


@login_required
@require_GET
def request_detail(request, council_slug, reference):
    council = council_from_path(request, council_slug)
    request_obj = request_for_staff(user=request.user, council=council, reference=reference)
    return _render_detail(request, council, request_obj)


def _stream_photo(request, council_slug, reference, pk, field):
    """A request's photo for its staff: hidden ones too, so not cached by shared caches."""
    council = council_from_path(request, council_slug)
    request_obj = request_for_staff(user=request.user, council=council, reference=reference)
    photo = request_obj.photos.filter(pk=pk).first()
    if photo is None:
        raise Http404
    try:
        handle = getattr(photo, field).open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def photo(request, council_slug, reference, pk):
    return _stream_photo(request, council_slug, reference, pk, "image")


@login_required
@require_GET
def photo_thumbnail(request, council_slug, reference, pk):
    return _stream_photo(request, council_slug, reference, pk, "thumbnail")


def _request_action(handler):
    """A POST-only action on one request: the handler gets the council and the request."""

    @login_required
    @require_POST
    def view(request, council_slug, reference):
        council = council_from_path(request, council_slug)
        request_obj = request_for_staff(user=request.user, council=council, reference=reference)
        return handler(request, council, request_obj)

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return view


def _back_to(request, request_obj, message):
    messages.success(request, message)
    return redirect(_url("staff-detail", request_obj.council, request_obj.reference))


@_request_action
def status_change(request, council, request_obj):
    """Change the status: fill from a template, preview the exact message, then send."""
    templates = list(response_templates_for(council=council, category=request_obj.category))
    action = request.POST.get("action", "preview")
    form = StatusChangeForm(request.POST, current_status=request_obj.status, templates=templates)
    if action in ("template", "edit"):
        # Show the form again to change, without checking it: nothing is sent yet.
        initial = {name: form[name].value() for name in form.fields}
        if action == "template":
            raw = request.POST.get("status-template", "")
            template = form.templates.get(int(raw)) if raw.isdigit() else None
            if template is None:
                form.is_valid()
                form.errors.clear()
                form.add_error("template" if "template" in form.fields else None, "Choose a response template")
                return _render_detail(request, council, request_obj, status_form=form)
            initial["public_message"] = render_response(template.text, request_obj)
            if template.status in dict(form.fields["status"].choices):
                initial["status"] = template.status
        form = StatusChangeForm(initial=initial, current_status=request_obj.status, templates=templates)
        return _render_detail(request, council, request_obj, status_form=form)
    if not form.is_valid():
        return _render_detail(request, council, request_obj, status_form=form)
    data = form.cleaned_data
    duplicate_of = None
    if data["duplicate_of"].strip():
        try:
            duplicate_of = request_for_staff(user=request.user, council=council, reference=data["duplicate_of"])
        except Http404:
            form.add_error("duplicate_of", f"There is no request {data['duplicate_of'].strip()} at {council.name}")
            return _render_detail(request, council, request_obj, status_form=form)
    values = {
        "actor": request.user,
        "request": request_obj,
        "to_status": data["status"],
        "public_message": render_response(data["public_message"], request_obj),
        "internal_note": data["internal_note"],
        "referred_to": data["referred_to"],
        "duplicate_of": duplicate_of,
    }
    try:
        if action != "send":
            # Check the change without making it, so the preview says whether sending will work.
            services.request_status_check(**{k: v for k, v in values.items() if k != "internal_note"})
            preview = {**values, "status_label": Status(data["status"]).label}
            return _render_detail(request, council, request_obj, status_form=form, preview=preview)
        services.request_status_change(**values)
    except ValidationError as error:
        add_to_form(form, error)
        return _render_detail(request, council, request_obj, status_form=form)
    return _back_to(
        request,
        request_obj,
        f"Status changed to '{Status(data['status']).label}'. Everyone following the request has been told.",
    )


@_request_action
def public_update(request, council, request_obj):
    form = PublicUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.request_public_update(
                actor=request.user,
                request=request_obj,
                message=render_response(form.cleaned_data["public_message"], request_obj),
            )
        except ValidationError as error:
            add_to_form(form, error)
        else:
            return _back_to(request, request_obj, "Update sent to everyone following the request.")
    return _render_detail(request, council, request_obj, update_form=form)


@_request_action
def internal_note(request, council, request_obj):
    form = InternalNoteForm(request.POST)
    if form.is_valid():
        try:
            services.request_internal_note(
                actor=request.user, request=request_obj, note=form.cleaned_data["internal_note"]
            )
        except ValidationError as error:
            add_to_form(form, error)
        else:
            return _back_to(request, request_obj, "Internal note added.")
    return _render_detail(request, council, request_obj, note_form=form)


@_request_action
def assign(request, council, request_obj):
    form = AssignForm(request.POST, officers=council_staff_users(council=council))
    if form.is_valid():
        try:
            services.request_assign(actor=request.user, request=request_obj, officer=form.officer)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            officer = form.officer
            return _back_to(request, request_obj, f"Assigned to {officer}." if officer else "Nobody is assigned now.")
    return _render_detail(request, council, request_obj, assign_form=form)


@_request_action
def recategorise(request, council, request_obj):
    categories = list(category_list(council=council))
    if request_obj.category not in categories:
        categories.append(request_obj.category)
    form = RecategoriseForm(request.POST, categories=categories)
    if form.is_valid():
        try:
            updated = services.request_recategorise(
                actor=request.user,
                request=request_obj,
                category=form.categories[form.cleaned_data["category"]],
                priority=form.cleaned_data["priority"],
            )
        except ValidationError as error:
            add_to_form(form, error)
        else:
            return _back_to(
                request,
                request_obj,
                f"Category and priority saved. It should now be dealt with by {updated.expected_by:%-d %B %Y}.",
            )
    return _render_detail(request, council, request_obj, recategorise_form=form)


@_request_action
def merge(request, council, request_obj):
    """Close this request as a duplicate of another, moving its followers and supporters across."""
    form = MergeForm(request.POST)
    if form.is_valid():
        reference = form.cleaned_data["duplicate_of"].strip()
        try:
            into = request_for_staff(user=request.user, council=council, reference=reference)
        except Http404:
            form.add_error("duplicate_of", f"There is no request {reference} at {council.name}")
        else:
            try:
                services.request_merge(
                    actor=request.user,
                    request=request_obj,
                    into=into,
                    public_message=render_response(form.cleaned_data["public_message"], request_obj),
                )
            except ValidationError as error:
                add_to_form(form, error)
            else:
                return _back_to(request, request_obj, f"Merged into {into.reference}. Its followers have moved across.")
    return _render_detail(request, council, request_obj, merge_form=form)


@_request_action
def chaser(request, council, request_obj):
    """Record that the resident phoned or wrote to chase the request."""
    form = ChaserForm(request.POST)
    if form.is_valid():
        try:
            services.request_chaser_record(actor=request.user, request=request_obj, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_to_form(form, error)
        else:
            return _back_to(request, request_obj, "Chaser recorded.")
    return _render_detail(request, council, request_obj, chaser_form=form)


# The contact centre


def _add_request_errors(form, error: ValidationError):
    """Show request_create's errors on the form; answers are keyed by question code there."""
    if hasattr(error, "error_dict"):
        error = ValidationError(
            {
                question_field_name(field) if question_field_name(field) in form.fields else field: messages_
                for field, messages_ in error.message_dict.items()
            }
        )
    add_to_form(form, error)


@login_required
@require_http_methods(["GET", "POST"])
def log_request(request, council_slug):
    """Log a request for a resident who phoned, visited or emailed: choose the category, then one form."""
    council = staff_council_from_path(request, council_slug)
    categories = category_list(council=council)
    slug = request.GET.get("category", "")
    category = categories.prefetch_related("questions").filter(slug=slug).first() if slug else None
    if category is None:
        choose = ChooseCategoryForm(request.GET if "category" in request.GET else None, categories=categories)
        if choose.is_bound and choose.is_valid():
            choose.add_error("category", "Choose the kind of problem")
        return render(request, "service_requests/staff/log_choose.html", {"council": council, "form": choose})
    form = LogRequestForm(request.POST or None, category=category)
    if request.method == "POST" and form.is_valid():
        try:
            request_obj = services.request_create(
                council=council, category=category, logged_by=request.user, **form.service_values()
            )
        except ValidationError as error:
            _add_request_errors(form, error)
        else:
            messages.success(
                request,
                f"Request logged. Give the resident the reference {request_obj.reference}. We aim to deal with it by "
                f"{request_obj.expected_by:%-d %B %Y}.",
            )
            return redirect(_url("staff-detail", council, request_obj.reference))
    return render(
        request, "service_requests/staff/log_form.html", {"council": council, "category": category, "form": form}
    )


# Categories and their questions


@login_required
@require_GET
def category_index(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    return render(
        request,
        "service_requests/staff/categories.html",
        {
            "council": council,
            "categories": category_list(council=council, include_inactive=True).prefetch_related("questions"),
            "can_manage": permissions.can_manage_council(request.user, council),
        },
    )


@login_required
@require_GET
def category_detail(request, council_slug, pk):
    council = staff_council_from_path(request, council_slug)
    category = category_for_staff(user=request.user, council=council, pk=pk)
    return render(
        request,
        "service_requests/staff/category.html",
        {
            "council": council,
            "category": category,
            "questions": category.questions.all(),
            "templates": response_templates_for(council=council).filter(category=category),
            "can_manage": permissions.can_manage_council(request.user, council),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request, council_slug, pk=None):
    council = staff_council_from_path(request, council_slug)
    category = category_for_staff(user=request.user, council=council, pk=pk) if pk else None
    _require_manager(request, council)
    # The form gets its own copy: validating a model form changes its instance.
    form = CategoryForm(
        request.POST or None,
        instance=category_for_staff(user=request.user, council=council, pk=pk) if pk else Category(council=council),
        service_areas=council_selectors.service_area_list(council=council),
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields}
        try:
            category = category_services.category_save(actor=request.user, council=council, category=category, **values)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"{category.name} has been saved.")
            return redirect(_url("staff-category", council, category.pk))
    return render(
        request, "service_requests/staff/category_form.html", {"council": council, "form": form, "category": category}
    )


@login_required
@require_POST
def category_active(request, council_slug, pk):
    """Stop using a category (residents can no longer choose it), or start using it again."""
    council = staff_council_from_path(request, council_slug)
    category = category_for_staff(user=request.user, council=council, pk=pk)
    _require_manager(request, council)
    active = request.POST.get("active") == "yes"
    category_services.category_save(actor=request.user, council=council, category=category, is_active=active)
    messages.success(request, f"Residents can {'now' if active else 'no longer'} choose {category.name}.")
    return redirect(_url("staff-category", council, category.pk))


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, council_slug, pk, question_pk=None):
    council = staff_council_from_path(request, council_slug)
    category = category_for_staff(user=request.user, council=council, pk=pk)
    question = _question_for_staff(category, question_pk) if question_pk else None
    _require_manager(request, council)
    initial = {}
    if question is not None:
        initial = {
            "prompt": question.prompt,
            "hint": question.hint,
            "kind": question.kind,
            "required": question.required,
            "choices": choices_as_text(question.choices),
        }
    form = QuestionForm(request.POST or None, initial=initial, editing=question is not None)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields}
        try:
            category_services.question_save(actor=request.user, category=category, question=question, **values)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"The question '{form.cleaned_data['prompt']}' has been saved.")
            return redirect(_url("staff-category", council, category.pk))
    return render(
        request,
        "service_requests/staff/question_form.html",
        {"council": council, "category": category, "question": question, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request, council_slug, pk, question_pk):
    council = staff_council_from_path(request, council_slug)
    category = category_for_staff(user=request.user, council=council, pk=pk)
    question = _question_for_staff(category, question_pk)
    _require_manager(request, council)
    if request.method == "POST":
        category_services.question_delete(actor=request.user, question=question)
        messages.success(request, f"The question '{question.prompt}' has been removed.")
        return redirect(_url("staff-category", council, category.pk))
    return render(
        request,
        "service_requests/staff/confirm_delete.html",
        {
            "council": council,
            "title": f"Remove the question '{question.prompt}'?",
            "explanation": "Residents will not be asked it any more. Answers already given stay on their requests.",
            "button": "Remove the question",
            "back_url": _url("staff-category", council, category.pk),
            "back_label": category.name,
        },
    )


@login_required
@require_POST
def question_move(request, council_slug, pk, question_pk):
    council = staff_council_from_path(request, council_slug)
    category = category_for_staff(user=request.user, council=council, pk=pk)
    question = _question_for_staff(category, question_pk)
    _require_manager(request, council)
    try:
        category_services.question_move(
            actor=request.user, question=question, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(_url("staff-category", council, category.pk) + f"#question-{question.pk}")


# Response templates


@login_required
@require_GET
def template_index(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    return render(
        request,
        "service_requests/staff/templates.html",
        {
            "council": council,
            "templates": response_templates_for(council=council),
            "can_manage": permissions.can_manage_council(request.user, council),
            "placeholders": PLACEHOLDERS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, council_slug, pk=None):
    council = staff_council_from_path(request, council_slug)
    template = response_template_for_staff(user=request.user, council=council, pk=pk) if pk else None
    _require_manager(request, council)
    categories = category_list(council=council, include_inactive=True)
    initial = ResponseTemplateForm.initial_for(template) if template else {}
    if template is None and request.GET.get("category", "").isdigit():
        initial["category"] = int(request.GET["category"])
    form = ResponseTemplateForm(request.POST or None, initial=initial, categories=categories)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template = category_services.response_template_save(
                actor=request.user,
                council=council,
                template=template,
                status=data["status"],
                title=data["title"],
                text=data["text"],
                category=form.categories.get(data["category"]),
            )
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"The response template '{template.title}' has been saved.")
            return redirect(_url("staff-templates", council))
    return render(
        request,
        "service_requests/staff/template_form.html",
        {
            "council": council,
            "form": form,
            "template": template,
            "placeholders": PLACEHOLDERS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_delete(request, council_slug, pk):
    council = staff_council_from_path(request, council_slug)
    template = response_template_for_staff(user=request.user, council=council, pk=pk)
    _require_manager(request, council)
    if request.method == "POST":
        category_services.response_template_delete(actor=request.user, template=template)
        messages.success(request, f"The response template '{template.title}' has been removed.")
        return redirect(_url("staff-templates", council))
    return render(
        request,
        "service_requests/staff/confirm_delete.html",
        {
            "council": council,
            "title": f"Remove the response template '{template.title}'?",
            "explanation": "Staff will not be offered this wording any more. Messages already sent are not changed.",
            "button": "Remove the template",
            "back_url": _url("staff-templates", council),
            "back_label": "Response templates",
        },
    )
