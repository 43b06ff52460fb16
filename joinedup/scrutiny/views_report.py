"""The scrutiny report for a meeting: built live for a chosen date, saved as dated versions with
their PDF, which members can open again later."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from joinedup.scrutiny import forms, report, rules, selectors
from joinedup.scrutiny import services_tracker as tracker
from joinedup.scrutiny.scope import workspace_scope
from joinedup.scrutiny.views import _context, _save, committee_from


@login_required
@require_http_methods(["GET", "POST"])
def data_report(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    committee = committee_from(request, scope, pk)
    can_edit = rules.can_edit_committee(request.user, committee)
    meetings = committee.meetings.all()
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else (request.GET if "as_of" in request.GET else None)
    form = forms.AsOfForm(data, meetings=meetings, initial={"as_of": today})
    as_of, meeting = today, None
    if data is not None and form.is_valid():
        as_of, meeting = form.cleaned_data["as_of"], form.cleaned_data["meeting"]
        if as_of > today:
            form.add_error("as_of", "The date must be today or in the past")
            as_of = today
    if request.method == "POST" and not form.errors:
        if not can_edit:
            raise PermissionDenied("Only the committee's members and its scrutiny officer can save a version.")
        saved = _save(
            form,
            lambda: tracker.data_report_save(actor=request.user, committee=committee, as_of=as_of, meeting=meeting),
        )
        if saved:
            messages.success(request, f"Version {saved.version} has been saved with its PDF.")
            return redirect(scope.url("data-report-version", committee.pk, saved.pk))
    return render(
        request,
        "scrutiny/data_report.html",
        _context(
            scope,
            committee=committee,
            form=form,
            report=report.build(committee, as_of, meeting),
            versions=list(selectors.data_reports(committee)),
            can_edit=can_edit,
            saved=None,
        ),
    )


@login_required
def data_report_version(request, pk, version_pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    committee = committee_from(request, scope, pk)
    saved = selectors.data_report_get(committee=committee, pk=version_pk)
    return render(
        request,
        "scrutiny/data_report.html",
        _context(scope, committee=committee, report=saved.data, saved=saved, versions=[], can_edit=False, form=None),
    )


@login_required
def data_report_pdf(request, pk, version_pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    committee = committee_from(request, scope, pk)
    saved = selectors.data_report_get(committee=committee, pk=version_pk)
    name = f"scrutiny-report-{committee.code.lower()}-v{saved.version}-{saved.as_of:%Y-%m-%d}.pdf"
    response = FileResponse(saved.pdf.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def holder_pack(request, council_slug):
    """A portfolio holder's own pack: the figures for their service areas, for a month."""
    from joinedup.scrutiny import pack

    scope = workspace_scope(request, council_slug)
    if pack.holder_assignment(request.user, scope.council) is None:
        raise PermissionDenied("Only portfolio holders have a portfolio holder pack.")
    months = [pack.last_month(timezone.localdate())]
    for _ in range(11):
        months.append(pack.last_month(months[-1]))
    chosen = request.GET.get("month", "")
    month = next((m for m in months if f"{m:%Y-%m}" == chosen), months[0])
    return render(
        request,
        "scrutiny/holder_pack.html",
        _context(
            scope,
            pack=pack.pack(user=request.user, council=scope.council, month=month),
            month=month,
            months=months,
        ),
    )
