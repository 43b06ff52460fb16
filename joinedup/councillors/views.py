"""
Councillors' pages: the public ward profiles, a councillor's home, ward dashboards, a request
seen by a councillor (escalate, follow), member enquiries, and the staff pages (the list of
councillors and its import, settings, enquiries to answer, escalations to answer).

Views collect input and show results: selectors check who may see what (PermissionDenied or
404) and services make every change.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from joinedup.accounts import permissions
from joinedup.core.validation import add_to_form
from joinedup.councillors import access, selectors, services
from joinedup.councillors.forms import (
    AnswerForm,
    ConfirmImportForm,
    DashboardFilterForm,
    DigestForm,
    EnquiryForm,
    EscalateForm,
    ImportForm,
    ReplyForm,
    SettingsForm,
)
from joinedup.councillors.models import DigestChoice
from joinedup.councils import selectors as council_selectors
from joinedup.councils.views import council_from_path, staff_council_from_path
from joinedup.service_requests.models import ServiceRequest
from joinedup.service_requests.selectors import category_list, is_overdue
from joinedup.service_requests.views_staff import STATUS_TAGS


def _councillor_council(request, council_slug):
    """The council in the path, if the user is one of its councillors or may see its staff pages."""
    council = council_from_path(request, council_slug)
    if not (access.is_councillor(request.user, council) or permissions.can_view_staff_pages(request.user, council)):
        raise PermissionDenied("Only this council's councillors can see this page.")
    return council


# Public pages


def ward_list(request, council_slug):
    council = council_from_path(request, council_slug)
    return render(
        request,
        "councillors/ward_list.html",
        {"council": council, "wards": selectors.wards_with_councillors(council=council)},
    )


def ward_profile(request, council_slug, gss_code):
    council = council_from_path(request, council_slug)
    ward = selectors.ward_by_code(council=council, gss_code=gss_code)
    return render(
        request,
        "councillors/ward_profile.html",
        {"council": council, "ward": ward, "councillors": selectors.ward_councillors(ward=ward)},
    )


# A councillor's pages


@login_required
def home(request, council_slug):
    council = _councillor_council(request, council_slug)
    user = request.user
    return render(
        request,
        "councillors/home.html",
        {
            "council": council,
            "wards": selectors.dashboard_wards(user=user, council=council),
            "is_councillor": access.is_councillor(user, council),
            "enquiries": selectors.enquiries_of_councillor(user=user, council=council)[:20],
            "follows": selectors.follows_of(user=user, council=council)[:50],
            "wants_digest": services.wants_digest(user, council),
        },
    )


@login_required
def dashboard(request, council_slug, gss_code):
    council = _councillor_council(request, council_slug)
    ward = selectors.ward_for_dashboard(user=request.user, council=council, gss_code=gss_code)
    categories = category_list(council=council, include_inactive=True)
    form = DashboardFilterForm(request.GET or None, categories=categories)
    filters = selectors.DashboardFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.DashboardFilters(
            category=form.cleaned_data["category"],
            status=form.cleaned_data["status"],
            period=form.cleaned_data["period"] or 30,
        )
    elif not form.is_bound:
        form = DashboardFilterForm(initial={"status": "open", "period": 30}, categories=categories)
    rows = selectors.ward_requests(user=request.user, council=council, wards=[ward], filters=filters)
    for row in rows:
        row["tag"] = STATUS_TAGS.get(row["request"].status, "")
    map_data = {
        "boundary": ward.boundary,
        "points": [
            {"reference": row["request"].reference, "lat": row["point"][0], "lon": row["point"][1]}
            for row in rows
            if row["point"]
        ],
    }
    return render(
        request,
        "councillors/dashboard.html",
        {
            "council": council,
            "ward": ward,
            "form": form,
            "filters": filters,
            "period_label": selectors.PERIODS.get(filters.period, ""),
            "figures": selectors.ward_figures(council=council, wards=[ward], filters=filters),
            "rows": rows,
            "limit": selectors.TABLE_LIMIT,
            "map_data": map_data,
        },
    )


@login_required
def request_detail(request, council_slug, reference):
    council = _councillor_council(request, council_slug)
    service_request = selectors.request_for_councillor(user=request.user, council=council, reference=reference)
    return _request_page(request, council, service_request, EscalateForm())


def _request_page(request, council, service_request: ServiceRequest, escalate_form, status=200):
    user = request.user
    return render(
        request,
        "councillors/request.html",
        {
            "council": council,
            "sr": service_request,
            "tag": STATUS_TAGS.get(service_request.status, ""),
            "overdue": is_overdue(service_request),
            "show_reporter": access.can_see_reporter(user, service_request),
            "can_escalate": access.represents(user, service_request.ward),
            "can_follow": access.is_councillor(user, council),
            "following": selectors.is_following(user=user, request=service_request),
            "escalations": selectors.escalations_for_request(request=service_request).filter(councillor=user),
            "form": escalate_form,
        },
        status=status,
    )


@login_required
@require_POST
def escalate(request, council_slug, reference):
    council = _councillor_council(request, council_slug)
    service_request = selectors.request_for_councillor(user=request.user, council=council, reference=reference)
    form = EscalateForm(request.POST)
    if form.is_valid():
        try:
            services.escalation_create(actor=request.user, request=service_request, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"You have escalated {service_request.reference}. The lead officer is told.")
            return redirect("councillors:request", council_slug=council.slug, reference=service_request.reference)
    return _request_page(request, council, service_request, form, status=400)


@login_required
@require_POST
def follow(request, council_slug, reference):
    council = _councillor_council(request, council_slug)
    service_request = selectors.request_for_councillor(user=request.user, council=council, reference=reference)
    if request.POST.get("action") == "stop":
        services.follow_stop(actor=request.user, request=service_request)
        messages.success(request, f"You no longer follow {service_request.reference}.")
    else:
        services.follow_start(actor=request.user, request=service_request)
        messages.success(request, f"You now follow {service_request.reference}.")
    return redirect("councillors:request", council_slug=council.slug, reference=service_request.reference)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request, council_slug):
    council = _councillor_council(request, council_slug)
    current = DigestChoice.WEEKLY if services.wants_digest(request.user, council) else DigestChoice.EACH
    form = DigestForm(request.POST or None, initial={"digest": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.councillor_digest_choose(actor=request.user, council=council, digest=form.cleaned_data["digest"])
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, "Your choice has been saved.")
            return redirect("councillors:home", council_slug=council.slug)
    return render(
        request,
        "councillors/form.html",
        {"council": council, "form": form, "title": "How you hear about updates", "button": "Save", "back": "home"},
    )


# Member enquiries


@login_required
@require_http_methods(["GET", "POST"])
def enquiry_create(request, council_slug):
    council = council_from_path(request, council_slug)
    if not access.is_councillor(request.user, council):
        raise PermissionDenied("Only this council's councillors can raise member enquiries.")
    form = EnquiryForm(
        request.POST or None,
        service_areas=council_selectors.service_area_list(council=council),
        wards=permissions.councillor_wards(request.user, council).defer("boundary"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            enquiry = services.enquiry_create(actor=request.user, council=council, **form.cleaned_data)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request, f"Your enquiry {enquiry.reference} has been sent. It is due by {enquiry.due_by:%-d %B %Y}."
            )
            return redirect("councillors:enquiry", council_slug=council.slug, reference=enquiry.reference)
    return render(
        request,
        "councillors/form.html",
        {
            "council": council,
            "form": form,
            "title": "Raise a member enquiry",
            "button": "Send the enquiry",
            "back": "home",
            "intro": (
                f"The service area must answer within {services.settings_for(council).enquiry_target_days} "
                "working days. "
                "Only you, the service area's officers and the resident can see the enquiry."
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enquiry_detail(request, council_slug, reference):
    council = council_from_path(request, council_slug)
    enquiry, role = selectors.enquiry_for_user(user=request.user, council=council, reference=reference)
    form = ReplyForm(request.POST or None) if role in ("councillor", "officer") else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only the councillor and the service area can reply.")
        if form.is_valid():
            try:
                services.enquiry_reply(
                    actor=request.user,
                    enquiry=enquiry,
                    body=form.cleaned_data["body"],
                    close=request.POST.get("action") == "close",
                )
            except ValidationError as error:
                add_to_form(form, error)
            else:
                messages.success(request, "Your reply has been added.")
                return redirect("councillors:enquiry", council_slug=council.slug, reference=enquiry.reference)
    return render(
        request,
        "councillors/enquiry.html",
        {
            "council": council,
            "enquiry": enquiry,
            "role": role,
            "thread": enquiry.messages.select_related("author"),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def resident_enquiries(request, council_slug):
    council = council_from_path(request, council_slug)
    return render(
        request,
        "councillors/resident_enquiries.html",
        {"council": council, "enquiries": selectors.enquiries_of_resident(user=request.user).filter(council=council)},
    )


# Staff pages


@login_required
def staff_list(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    return render(
        request,
        "councillors/staff/list.html",
        {
            "council": council,
            "councillors": selectors.councillor_list_for_staff(user=request.user, council=council),
            "settings": services.settings_for(council),
            "can_manage": permissions.can_manage_council(request.user, council),
        },
    )


IMPORT_SALT = "councillors.import"


def _import_summary(result) -> str:
    summary = (
        f"Imported {result.rows} rows: {result.created} councillors added, {result.updated} changed, "
        f"{result.unchanged} unchanged"
    )
    if result.ended:
        summary += f", {result.ended} term{'s' if result.ended != 1 else ''} ended"
    return summary + "."


def _import_failed(form, result):
    form.add_error(
        "file",
        f"The file has {len(result.errors)} problem{'s' if len(result.errors) != 1 else ''}. "
        "Nothing has been imported. Correct the file and upload it again.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_import(request, council_slug):
    """Upload the list. If it is correct and every current councillor is in it, it is imported at
    once; if some are not, the next page names them and asks whether to end their terms."""
    council = staff_council_from_path(request, council_slug)
    if not permissions.can_manage_council(request.user, council):
        raise PermissionDenied("Only an administrator or a partnership officer can import councillors.")
    if request.method == "POST" and "checked_file" in request.POST:
        return _staff_import_confirm(request, council)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        result = services.councillors_check(council=council, data=data)
        if result.ok and result.missing:
            checked = signing.dumps(
                {"csv": data.decode("utf-8-sig"), "missing": [c.pk for c in result.missing]},
                salt=IMPORT_SALT,
                compress=True,
            )
            confirm = ConfirmImportForm(initial={"checked_file": checked}, missing_count=len(result.missing))
            return render(
                request,
                "councillors/staff/import_confirm.html",
                {"council": council, "form": confirm, "result": result},
            )
        try:
            if result.ok:
                result = services.councillors_import(actor=request.user, council=council, data=data)
        except services.ImportFailed as failure:
            result = failure.result
        if result.ok:
            messages.success(request, _import_summary(result))
            return redirect("councillors:staff-list", council_slug=council.slug)
        _import_failed(form, result)
    return render(request, "councillors/staff/import.html", {"council": council, "form": form, "result": result})


def _staff_import_confirm(request, council):
    """The second step: import the checked file, ending the missing councillors' terms if chosen."""
    try:
        checked = signing.loads(request.POST["checked_file"], salt=IMPORT_SALT)
    except signing.BadSignature:
        messages.error(request, "The checked file could not be read. Upload it again.")
        return redirect("councillors:staff-import", council_slug=council.slug)
    data = checked["csv"].encode()
    form = ConfirmImportForm(request.POST, missing_count=len(checked["missing"]))
    if form.is_valid():
        try:
            result = services.councillors_import(
                actor=request.user,
                council=council,
                data=data,
                end_missing=form.cleaned_data["end_terms"] == "yes",
                expected_missing=checked["missing"],
            )
        except services.ImportFailed as failure:
            # The file was correct when checked, so the council's list or wards have changed since.
            problems = " ".join(problem.message.rstrip(".") + "." for problem in failure.result.shown_errors)
            messages.error(request, f"Nothing has been imported. {problems}")
            return redirect("councillors:staff-import", council_slug=council.slug)
        else:
            messages.success(request, _import_summary(result))
            return redirect("councillors:staff-list", council_slug=council.slug)
    result = services.councillors_check(council=council, data=data)
    return render(
        request,
        "councillors/staff/import_confirm.html",
        {"council": council, "form": form, "result": result},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_settings(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    if not permissions.can_manage_council(request.user, council):
        raise PermissionDenied("Only an administrator or a partnership officer can change these settings.")
    current = services.settings_for(council)
    form = SettingsForm(request.POST or None, initial={"enquiry_target_days": current.enquiry_target_days})
    if request.method == "POST" and form.is_valid():
        try:
            services.councillor_settings_save(actor=request.user, council=council, **form.cleaned_data)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, "The member enquiry target has been saved.")
            return redirect("councillors:staff-list", council_slug=council.slug)
    return render(
        request,
        "councillors/form.html",
        {
            "council": council,
            "form": form,
            "title": "Member enquiry target",
            "button": "Save",
            "back": "staff-list",
        },
    )


@login_required
def staff_enquiries(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    return render(
        request,
        "councillors/staff/enquiries.html",
        {
            "council": council,
            "enquiries": selectors.enquiries_for_officer(user=request.user, council=council),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_escalation_answer(request, council_slug, pk):
    council = staff_council_from_path(request, council_slug)
    escalation = selectors.escalation_for_staff(user=request.user, council=council, pk=pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_answer(actor=request.user, escalation=escalation, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, "Your answer has been sent to the councillor.")
            return redirect(
                "service_requests:staff-detail", council_slug=council.slug, reference=escalation.request.reference
            )
    return render(
        request,
        "councillors/staff/escalation_answer.html",
        {"council": council, "escalation": escalation, "form": form},
        status=400 if form.errors else 200,
    )
