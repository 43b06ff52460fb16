from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from joinedup.accounts import permissions
from joinedup.accounts.selectors import council_staff_users
from joinedup.core.selectors import audit_history, audit_recent, record_for_history
from joinedup.core.validation import add_to_form
from joinedup.councils import selectors, services
from joinedup.councils.forms import CouncilSettingsForm, ServiceAreaForm


def council_from_path(request, council_slug):
    """Return the council named in the path, and make it the council of this request.

    On a council's own host name only that council's pages are served.
    """
    council = selectors.council_by_slug(council_slug)
    host_council = getattr(request, "host_council", None)
    if host_council is not None and host_council != council:
        raise Http404("That council is not served at this address.")
    request.council = council
    return council


def staff_council_from_path(request, council_slug):
    """The council in the path, if the user may see its staff pages (403 otherwise)."""
    council = council_from_path(request, council_slug)
    if not permissions.can_view_staff_pages(request.user, council):
        raise PermissionDenied("Only this council's staff can see this page.")
    return council


# Public pages


def council_home(request, council_slug):
    council = council_from_path(request, council_slug)
    return render(request, "councils/home.html", {"council": council})


def _info_page(template):
    def view(request, council_slug=None):
        council = council_from_path(request, council_slug) if council_slug else getattr(request, "council", None)
        return render(request, template, {"council": council})

    view.__name__ = template.rsplit("/", 1)[-1].removesuffix(".html")
    return view


accessibility_statement = _info_page("councils/accessibility.html")
privacy_notice = _info_page("councils/privacy.html")
cookies_page = _info_page("councils/cookies.html")
feedback_page = _info_page("councils/feedback.html")


# Staff pages


@login_required
def staff_home(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    return render(
        request,
        "councils/staff/home.html",
        {
            "council": council,
            "service_areas": selectors.service_area_list(council=council),
            "ward_count": selectors.ward_list(council=council).count(),
            "recent_changes": audit_recent(user=request.user, council=council),
            "can_manage": permissions.can_manage_council(request.user, council),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def council_settings(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    if not permissions.can_manage_council(request.user, council):
        raise PermissionDenied("Only an administrator or a partnership officer can change these settings.")
    # The form gets its own copy: validating a model form changes its instance, and the service
    # compares the council as it was with the new values to record what changed.
    form = CouncilSettingsForm(request.POST or None, instance=selectors.council_by_slug(council_slug))
    if request.method == "POST" and form.is_valid():
        try:
            services.council_update(
                actor=request.user, council=council, **{name: form.cleaned_data[name] for name in form.Meta.fields}
            )
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, "The council's details have been saved.")
            return redirect("councils:staff-home", council_slug=council.slug)
    return render(request, "councils/staff/settings.html", {"council": council, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def service_area_edit(request, council_slug, pk=None):
    council = staff_council_from_path(request, council_slug)
    area = selectors.service_area_for_staff(user=request.user, council=council, pk=pk) if pk else None
    if not permissions.can_manage_council(request.user, council):
        raise PermissionDenied("Only an administrator or a partnership officer can change service areas.")
    form_copy = selectors.service_area_for_staff(user=request.user, council=council, pk=pk) if pk else None
    form = ServiceAreaForm(
        request.POST or None, instance=form_copy, lead_officer_choices=council_staff_users(council=council)
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields}
        try:
            if area is None:
                area = services.service_area_create(actor=request.user, council=council, **values)
            else:
                services.service_area_update(actor=request.user, service_area=area, **values)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, f"{area.name} has been saved.")
            return redirect("councils:staff-home", council_slug=council.slug)
    return render(
        request, "councils/staff/service_area_form.html", {"council": council, "form": form, "service_area": area}
    )


@login_required
def staff_ward_list(request, council_slug):
    council = staff_council_from_path(request, council_slug)
    return render(
        request,
        "councils/staff/wards.html",
        {
            "council": council,
            "wards": selectors.ward_list(council=council),
        },
    )


@login_required
def record_history(request, council_slug, model_label, pk):
    council = staff_council_from_path(request, council_slug)
    instance = record_for_history(user=request.user, council=council, model_label=model_label, pk=pk)
    return render(
        request,
        "councils/staff/history.html",
        {
            "council": council,
            "record": instance,
            "record_type": instance._meta.verbose_name,
            "entries": audit_history(user=request.user, council=council, instance=instance),
        },
    )
