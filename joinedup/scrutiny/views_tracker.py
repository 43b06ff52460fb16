"""The recommendations tracker: reports, their recommendations, the executive's response (with
its s.9FE due date), progress updates and sign-off; downloads; and the public view of published
reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from joinedup.core import exports
from joinedup.scrutiny import forms, rules, selectors
from joinedup.scrutiny import services_tracker as tracker
from joinedup.scrutiny.scope import scope_for, workspace_scope
from joinedup.scrutiny.views import _context, _editable, _save, form_page


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    committee = _editable(request, scope, pk)
    form = forms.ReportForm(request.POST or None, meetings=committee.meetings.all())
    if request.method == "POST" and form.is_valid():
        report = _save(
            form, lambda: tracker.report_create(actor=request.user, committee=committee, **form.cleaned_data)
        )
        if report:
            messages.success(request, f"The report has been saved as {report.reference}. Now add its recommendations.")
            return redirect(scope.url("report", report.pk))
    return form_page(
        request,
        scope,
        form,
        title="Add a report",
        button="Save the report",
        back_url=scope.url("committee", committee.pk),
        caption=committee.name,
    )


def _report(request, scope, pk):
    return selectors.report_get(user=request.user, owner=scope.owner, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    report = _report(request, scope, pk)
    can_edit = rules.can_edit_committee(request.user, report.committee)
    publish_form = forms.PublishForm(request.POST or None, initial={"published_on": timezone.localdate()})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Only the committee's members and its scrutiny officer can publish its reports.")
        if publish_form.is_valid() and _save(
            publish_form,
            lambda: tracker.report_publish(actor=request.user, report=report, **publish_form.cleaned_data),
        ):
            messages.success(request, "The report is published: its recommendations and responses are public.")
            return redirect(scope.url("report", report.pk))
    rows = selectors.recommendations(user=request.user, owner=scope.owner, committee=report.committee)
    return render(
        request,
        "scrutiny/report.html",
        _context(
            scope,
            report=report,
            committee=report.committee,
            rows=[r for r in rows if r.report_id == report.pk],
            can_edit=can_edit,
            publish_form=publish_form,
            published=report.is_published(timezone.localdate()),
        ),
    )


def _recommendation_form(request, scope, data=None, initial=None):
    from joinedup.portfolio.models import Proposal
    from joinedup.software.models import Application

    councils = rules.councils_of(scope.owner)
    return forms.RecommendationForm(
        data,
        initial=initial,
        proposals=Proposal.objects.filter(council__in=councils).order_by("reference"),
        applications=Application.objects.filter(council__in=councils).select_related("council").order_by("name"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_new(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    report = _report(request, scope, pk)
    if not rules.can_edit_committee(request.user, report.committee):
        raise PermissionDenied("Only the committee's members and its scrutiny officer can add recommendations.")
    form = _recommendation_form(request, scope, request.POST or None)
    if request.method == "POST" and form.is_valid():
        rec = _save(form, lambda: tracker.recommendation_add(actor=request.user, report=report, **form.cleaned_data))
        if rec:
            due = f" The executive's response is due by {rec.response_due_on:%-d %B %Y}." if rec.response_due_on else ""
            messages.success(request, f"Recommendation {rec.reference} has been added.{due}")
            return redirect(scope.url("recommendation", rec.pk))
    return form_page(
        request,
        scope,
        form,
        title="Add a recommendation",
        button="Add the recommendation",
        back_url=scope.url("report", report.pk),
        caption=f"{report.reference} {report.title}",
    )


def _recommendation(request, scope, pk):
    return selectors.recommendation_get(user=request.user, owner=scope.owner, pk=pk)


@login_required
def recommendation_detail(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    rec = _recommendation(request, scope, pk)
    committee = rec.report.committee
    return render(
        request,
        "scrutiny/recommendation.html",
        _context(
            scope,
            rec=rec,
            committee=committee,
            status=selectors.status(rec, timezone.localdate()),
            updates=list(rec.updates.all()),
            can_edit=rules.can_edit_committee(request.user, committee),
            can_manage=rules.can_manage(request.user, scope.owner),
            sign_off_form=forms.SignOffForm(initial={"signed_off_on": timezone.localdate()}),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_edit(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    rec = _recommendation(request, scope, pk)
    if not rules.can_edit_committee(request.user, rec.report.committee):
        raise PermissionDenied("Only the committee's members and its scrutiny officer can change recommendations.")
    initial = {
        "text": rec.text,
        "area": rec.area,
        "received_on": rec.received_on,
        "proposals": list(rec.proposals.all()),
        "applications": list(rec.applications.all()),
        "figures": rec.figures,
    }
    form = _recommendation_form(request, scope, request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form,
            lambda: tracker.recommendation_update(actor=request.user, recommendation=rec, **form.cleaned_data),
        )
    ):
        messages.success(request, "The recommendation has been saved.")
        return redirect(scope.url("recommendation", rec.pk))
    return form_page(
        request,
        scope,
        form,
        title=f"Change recommendation {rec.reference}",
        button="Save",
        back_url=scope.url("recommendation", rec.pk),
        caption=rec.report.title,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_respond(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    rec = _recommendation(request, scope, pk)
    if not rules.can_manage(request.user, scope.owner):
        raise PermissionDenied("Only a scrutiny officer can record the executive's response.")
    initial = {
        "response": rec.response,
        "response_text": rec.response_text,
        "responded_on": rec.responded_on or timezone.localdate(),
        "action": rec.action,
        "action_owner": rec.action_owner,
        "target_date": rec.target_date,
    }
    form = forms.ResponseForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form,
            lambda: tracker.recommendation_respond(actor=request.user, recommendation=rec, **form.cleaned_data),
        )
    ):
        messages.success(request, "The executive's response has been recorded.")
        return redirect(scope.url("recommendation", rec.pk))
    due = f"It was due by {rec.response_due_on:%-d %B %Y}." if rec.response_due_on else ""
    return form_page(
        request,
        scope,
        form,
        title=f"The executive's response to {rec.reference}",
        button="Save the response",
        back_url=scope.url("recommendation", rec.pk),
        caption=rec.report.title,
        intro=f"{rec.text} {due}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def update_new(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    rec = _recommendation(request, scope, pk)
    if not rules.can_manage(request.user, scope.owner):
        raise PermissionDenied("Only a scrutiny officer can record progress.")
    form = forms.UpdateForm(
        request.POST or None,
        meetings=rec.report.committee.meetings.all(),
        initial={"reported_on": timezone.localdate()},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: tracker.update_add(actor=request.user, recommendation=rec, **form.cleaned_data))
    ):
        messages.success(request, "The progress update has been recorded.")
        return redirect(scope.url("recommendation", rec.pk))
    return form_page(
        request,
        scope,
        form,
        title=f"Progress on {rec.reference}",
        button="Save the update",
        back_url=scope.url("recommendation", rec.pk),
        caption=rec.report.title,
        intro=rec.text,
    )


@login_required
@require_http_methods(["POST"])
def sign_off(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    rec = _recommendation(request, scope, pk)
    if not rules.can_edit_committee(request.user, rec.report.committee):
        raise PermissionDenied("Only the committee's members and its scrutiny officer can sign it off.")
    form = forms.SignOffForm(request.POST)
    if form.is_valid() and _save(
        form,
        lambda: tracker.recommendation_sign_off(actor=request.user, recommendation=rec, **form.cleaned_data),
    ):
        messages.success(request, "The recommendation is signed off as complete.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(scope.url("recommendation", rec.pk))


@login_required
def tracker_page(request, council_slug=None, partnership_slug=None, fmt=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    rows = selectors.recommendations(user=request.user, owner=scope.owner)
    status_filter = request.GET.get("status", "")
    if status_filter:
        rows = [r for r in rows if r.status.key == status_filter]
    name = f"{scope.slug}-scrutiny-recommendations-{timezone.localdate()}"
    if fmt == "csv":
        return exports.csv_response(name, selectors.TRACKER_COLUMNS, selectors.tracker_rows(rows))
    if fmt == "xlsx":
        return exports.xlsx_response(name, "Recommendations", selectors.TRACKER_COLUMNS, selectors.tracker_rows(rows))
    return render(
        request,
        "scrutiny/tracker.html",
        _context(scope, rows=rows, status_filter=status_filter, section="tracker", statuses=STATUS_FILTERS),
    )


STATUS_FILTERS = [("", "All"), *selectors.STATUS_NAMES.items()]


# Public


def public(request, council_slug=None, partnership_slug=None, fmt=None):
    """Recommendations of published reports and the executive's responses: no sign-in, no names."""
    scope = scope_for(request, council_slug, partnership_slug)
    rows = selectors.published_recommendations(owner=scope.owner)
    name = f"{scope.slug}-scrutiny-recommendations-published-{timezone.localdate()}"
    if fmt == "csv":
        return exports.csv_response(name, selectors.PUBLIC_COLUMNS, selectors.public_rows(rows))
    if fmt == "xlsx":
        return exports.xlsx_response(name, "Recommendations", selectors.PUBLIC_COLUMNS, selectors.public_rows(rows))
    reports = selectors.published_reports(owner=scope.owner)
    grouped = [(report, [r for r in rows if r.report_id == report.pk]) for report in reports]
    return render(request, "scrutiny/public.html", _context(scope, grouped=grouped))
