"""Scrutiny workspace pages: committees, members, terms of reference, meetings, evidence and the
work programme. Thin: find the scope, call selectors and services, render. The same views serve a
council's workspace and a partnership's joint scrutiny (see scope.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from joinedup.accounts.models import Role, User
from joinedup.core.ratelimit import limit_posts
from joinedup.core.validation import add_to_form
from joinedup.councils.models import Council
from joinedup.scrutiny import forms, rules, selectors, services
from joinedup.scrutiny.models import ScoringScheme
from joinedup.scrutiny.scope import scope_for, workspace_scope
from joinedup.scrutiny.scoring import scheme_for


def _save(form, call):
    """Run a service; show its ValidationError on the form. Returns the result or None."""
    try:
        return call()
    except ValidationError as error:
        add_to_form(form, error)
        return None


def form_page(request, scope, form, *, title, button, back_url, caption="", intro="", files=False):
    return render(
        request,
        "scrutiny/form.html",
        {
            "scope": scope,
            "council": scope.council,
            "form": form,
            "title": title,
            "button": button,
            "back_url": back_url,
            "caption": caption or scope.name,
            "intro": intro,
            "files": files,
        },
    )


def _context(scope, **extra):
    return {"scope": scope, "council": scope.council, **extra}


def committee_from(request, scope, pk):
    return selectors.committee_get(user=request.user, owner=scope.owner, pk=pk)


def _editable(request, scope, pk):
    committee = committee_from(request, scope, pk)
    if not rules.can_edit_committee(request.user, committee):
        raise PermissionDenied("Only the committee's members and its scrutiny officer can change its work.")
    return committee


def _managed(request, scope):
    if not rules.can_manage(request.user, scope.owner):
        raise PermissionDenied("Only a scrutiny officer can do that.")


@login_required
def home(request, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    summary = selectors.workspace_summary(user=request.user, owner=scope.owner)
    return render(
        request,
        "scrutiny/home.html",
        _context(scope, **summary, can_manage=rules.can_manage(request.user, scope.owner), section="home"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_new(request, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    _managed(request, scope)
    councils = rules.councils_of(scope.owner)
    form = forms.CommitteeForm(
        request.POST or None,
        committees=selectors.committee_list(user=request.user, owner=scope.owner).exclude(kind="task_group"),
        officers=User.objects.filter(
            role_assignments__role=Role.SCRUTINY_OFFICER, role_assignments__council__in=councils
        ).distinct(),
        joint=scope.partnership is not None,
    )
    if request.method == "POST" and form.is_valid():
        committee = _save(
            form, lambda: services.committee_create(actor=request.user, owner=scope.owner, **form.cleaned_data)
        )
        if committee:
            messages.success(request, f"{committee.name} has been set up.")
            return redirect(scope.url("committee", committee.pk))
    return form_page(
        request, scope, form, title="Set up a committee or task group", button="Set it up", back_url=scope.url("home")
    )


@login_required
def committee_detail(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    committee = committee_from(request, scope, pk)
    current, past = selectors.members_of(committee)
    return render(
        request,
        "scrutiny/committee.html",
        _context(
            scope,
            committee=committee,
            current=current,
            past=past,
            terms=list(committee.terms.select_related("created_by")),
            meetings=list(committee.meetings.all()),
            task_groups=list(committee.task_groups.all()),
            reports=list(committee.reports.all()),
            can_manage=rules.can_manage(request.user, scope.owner),
            can_edit=rules.can_edit_committee(request.user, committee),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_new(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    _managed(request, scope)
    committee = committee_from(request, scope, pk)
    councils = rules.councils_of(scope.owner)
    form = forms.MembershipForm(
        request.POST or None,
        users=User.objects.filter(
            role_assignments__role=Role.SCRUTINY_MEMBER, role_assignments__council__in=councils
        ).distinct(),
        councils=Council.objects.filter(pk__in=[c.pk for c in councils]).order_by("name"),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.membership_add(actor=request.user, committee=committee, **form.cleaned_data))
    ):
        messages.success(request, "The member has been added.")
        return redirect(scope.url("committee", committee.pk))
    return form_page(
        request,
        scope,
        form,
        title="Add a member",
        button="Add the member",
        back_url=scope.url("committee", committee.pk),
        caption=committee.name,
    )


@login_required
@require_http_methods(["GET", "POST"])
def terms_new(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    _managed(request, scope)
    committee = committee_from(request, scope, pk)
    latest = committee.terms.first()
    form = forms.TermsForm(request.POST or None, initial={"text": latest.text if latest else ""})
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.terms_add(actor=request.user, committee=committee, **form.cleaned_data))
    ):
        messages.success(request, "The new terms of reference have been saved. Earlier versions are kept.")
        return redirect(scope.url("committee", committee.pk))
    return form_page(
        request,
        scope,
        form,
        title="New version of the terms of reference",
        button="Save this version",
        back_url=scope.url("committee", committee.pk),
        caption=committee.name,
        intro="Earlier versions stay on the committee's page with the date each was endorsed.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def scheme_new(request, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    _managed(request, scope)
    form = forms.SchemeForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form, lambda: services.scoring_scheme_create(actor=request.user, owner=scope.owner, **form.cleaned_data)
        )
    ):
        messages.success(request, "The scoring scheme has been saved. Choose it on a committee's page to use it.")
        return redirect(scope.url("home"))
    return form_page(
        request,
        scope,
        form,
        title="Set up a scoring scheme for topics",
        button="Save the scheme",
        back_url=scope.url("home"),
        intro="Committees score work programme topics with TOPIC unless you give them a scheme of your own.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_scheme(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    _managed(request, scope)
    committee = committee_from(request, scope, pk)
    schemes = ScoringScheme.objects.filter(council=scope.council, partnership=scope.partnership)
    form = forms.SchemeChoiceForm(request.POST or None, schemes=schemes, initial={"scheme": committee.scoring_scheme})
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form, lambda: services.committee_scheme_set(actor=request.user, committee=committee, **form.cleaned_data)
        )
    ):
        messages.success(request, "The committee's scoring scheme has been saved.")
        return redirect(scope.url("programme", committee.pk))
    return form_page(
        request,
        scope,
        form,
        title="Choose how topics are scored",
        button="Save",
        back_url=scope.url("programme", committee.pk),
        caption=committee.name,
        intro="Topics already scored keep their scores and the scheme they were scored with.",
    )


# Meetings and evidence


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    committee = _editable(request, scope, pk)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = _save(
            form, lambda: services.meeting_create(actor=request.user, committee=committee, **form.cleaned_data)
        )
        if meeting:
            messages.success(request, "The meeting has been added.")
            return redirect(scope.url("meeting", committee.pk, meeting.pk))
    return form_page(
        request,
        scope,
        form,
        title="Add a meeting",
        button="Add the meeting",
        back_url=scope.url("committee", committee.pk),
        caption=committee.name,
    )


@login_required
def meeting_detail(request, pk, meeting_pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    committee = committee_from(request, scope, pk)
    meeting = selectors.meeting_get(committee=committee, pk=meeting_pk)
    return render(
        request,
        "scrutiny/meeting.html",
        _context(
            scope,
            committee=committee,
            meeting=meeting,
            items=selectors.meeting_detail(meeting),
            topics=list(meeting.topics.all()),
            can_edit=rules.can_edit_committee(request.user, committee),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request, pk, meeting_pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    committee = _editable(request, scope, pk)
    meeting = selectors.meeting_get(committee=committee, pk=meeting_pk)
    form = forms.AgendaItemForm(request.POST or None, topics=committee.topics.exclude(status="declined"))
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data))
    ):
        messages.success(request, "The agenda item has been added.")
        return redirect(scope.url("meeting", committee.pk, meeting.pk))
    return form_page(
        request,
        scope,
        form,
        title="Add an agenda item",
        button="Add the item",
        back_url=scope.url("meeting", committee.pk, meeting.pk),
        caption=str(meeting),
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_new(request, pk, meeting_pk, item_pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    committee = _editable(request, scope, pk)
    meeting = selectors.meeting_get(committee=committee, pk=meeting_pk)
    item = selectors.agenda_item_get(meeting=meeting, pk=item_pk)
    form = forms.EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _save(
            form,
            lambda: services.evidence_add(
                actor=request.user,
                item=item,
                witness=data["witness"],
                witness_role=data["witness_role"],
                summary=data["summary"],
                documents=data["documents"],
            ),
        ):
            messages.success(request, "The evidence has been recorded.")
            return redirect(scope.url("meeting", committee.pk, meeting.pk))
    return form_page(
        request,
        scope,
        form,
        title=f"Evidence heard: {item.title}",
        button="Save the evidence",
        back_url=scope.url("meeting", committee.pk, meeting.pk),
        caption=str(meeting),
        files=True,
    )


@login_required
def document_download(request, pk, council_slug=None, partnership_slug=None):
    """An evidence document, for someone who may see the workspace. Never cached."""
    scope = workspace_scope(request, council_slug, partnership_slug)
    document = selectors.document_get(user=request.user, owner=scope.owner, pk=pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Work programme


@login_required
def programme(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    committee = committee_from(request, scope, pk)
    return render(
        request,
        "scrutiny/programme.html",
        _context(
            scope,
            committee=committee,
            topics=selectors.programme(committee),
            scheme=scheme_for(committee),
            recurring=list(committee.recurring_topics.all()),
            can_edit=rules.can_edit_committee(request.user, committee),
            can_manage=rules.can_manage(request.user, scope.owner),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def topic_new(request, pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    committee = _editable(request, scope, pk)
    form = forms.TopicForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: services.topic_suggest(actor=request.user, committee=committee, **form.cleaned_data))
    ):
        messages.success(request, "The topic has been added to the work programme's suggestions.")
        return redirect(scope.url("programme", committee.pk))
    return form_page(
        request,
        scope,
        form,
        title="Suggest a topic",
        button="Add the topic",
        back_url=scope.url("programme", committee.pk),
        caption=committee.name,
    )


@login_required
@require_http_methods(["GET", "POST"])
def topic_detail(request, pk, topic_pk, council_slug=None, partnership_slug=None):
    scope = workspace_scope(request, council_slug, partnership_slug)
    committee = committee_from(request, scope, pk)
    topic = selectors.topic_get(committee=committee, pk=topic_pk)
    can_edit = rules.can_edit_committee(request.user, committee)
    scheme = scheme_for(committee)
    meetings = committee.meetings.all()
    score_form = forms.ScoreForm(scheme=scheme, initial_scores=topic.scores, prefix="score")
    decide_form = forms.DecideForm(meetings=meetings, initial={"status": topic.status, "meeting": topic.meeting})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Only the committee's members and its scrutiny officer can change its work.")
        if "score" in request.POST:
            score_form = forms.ScoreForm(request.POST, scheme=scheme, prefix="score")
            if score_form.is_valid():
                values = {k.removeprefix("score_"): v for k, v in score_form.cleaned_data.items()}
                if _save(score_form, lambda: services.topic_score(actor=request.user, topic=topic, scores=values)):
                    messages.success(request, f"The topic scores {topic.score_total} out of {scheme.total_max}.")
                    return redirect(scope.url("topic", committee.pk, topic.pk))
        else:
            decide_form = forms.DecideForm(request.POST, meetings=meetings)
            if decide_form.is_valid() and _save(
                decide_form,
                lambda: services.topic_decide(actor=request.user, topic=topic, **decide_form.cleaned_data),
            ):
                messages.success(request, f"The topic is now: {topic.get_status_display().lower()}.")
                return redirect(scope.url("programme", committee.pk))
    return render(
        request,
        "scrutiny/topic.html",
        _context(
            scope,
            committee=committee,
            topic=topic,
            scheme=scheme,
            score_form=score_form,
            decide_form=decide_form,
            can_edit=can_edit,
            can_see_suggesters=rules.can_manage(request.user, scope.owner),
        ),
    )


# The public's suggestion form (no sign-in)


@require_http_methods(["GET", "POST"])
@limit_posts("scrutiny-suggestion", per_ip=5, period_seconds=3600)
def suggest(request, council_slug):
    scope = scope_for(request, council_slug)
    committee = services.public_committee(scope.council)
    form = forms.PublicSuggestionForm(request.POST or None)
    if (
        request.method == "POST"
        and committee is not None
        and form.is_valid()
        and _save(form, lambda: services.topic_suggest_public(council=scope.council, **form.cleaned_data))
    ):
        return redirect(scope.url("suggest-done"))
    return render(request, "scrutiny/suggest.html", _context(scope, form=form, committee=committee))


def suggest_done(request, council_slug):
    scope = scope_for(request, council_slug)
    return render(request, "scrutiny/suggest_done.html", _context(scope))
