"""
Every write of the recommendations tracker and the scrutiny report: reports, recommendations (with
the s.9FE response due date), the executive's response, progress, sign-off, the messages to the
scrutiny officer, and saved versions of the scrutiny report. Like services.py, each checks
`rules`, validates, writes, records an audit entry and queues any message in the same transaction.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import Role, RoleAssignment, User
from joinedup.core.audit import field_changes
from joinedup.councils.models import Council
from joinedup.scrutiny import rules
from joinedup.scrutiny.models import (
    REMINDER_WEEKS,
    Committee,
    Meeting,
    Rag,
    Recommendation,
    RecurringTopic,
    Report,
    Response,
    Topic,
    TopicSource,
    TopicStatus,
    Update,
    response_due,
)
from joinedup.scrutiny.services import _audit, _clean, _require_edit, _require_manage, _text

# Reports and recommendations


def municipal_year(day: datetime.date) -> str:
    """Councils count their year from the annual meeting in May: 'yy/yy'."""
    start = day.year if day.month >= 5 else day.year - 1
    return f"{start % 100:02d}/{(start + 1) % 100:02d}"


@transaction.atomic
def report_create(
    *,
    actor,
    committee: Committee,
    title: str,
    agreed_on: datetime.date,
    summary: str = "",
    meeting: Meeting | None = None,
    published_on: datetime.date | None = None,
    source: str = "",
) -> Report:
    if actor is not None:
        _require_edit(actor, committee)
    if meeting is not None and meeting.committee_id != committee.pk:
        raise ValidationError({"meeting": ["Choose one of this committee's meetings"]})
    if published_on is not None and published_on < agreed_on:
        raise ValidationError({"published_on": ["A report cannot be published before the committee agreed it"]})
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    year = municipal_year(agreed_on)
    prefix = f"{committee.code} ({year}) "
    count = committee.reports.filter(reference__startswith=prefix).count()
    report = Report(
        committee=committee,
        reference=f"{prefix}{count + 1:02d}",
        title=_text(title, "title", "the report's title", 200),
        summary=(summary or "").strip(),
        meeting=meeting,
        agreed_on=agreed_on,
        published_on=published_on,
    )
    _clean(report)
    report.save()
    _audit(actor, "report.create", report, committee, {"title": report.title}, source)
    return report


@transaction.atomic
def report_publish(*, actor, report: Report, published_on: datetime.date) -> Report:
    _require_edit(actor, report.committee)
    if published_on < report.agreed_on:
        raise ValidationError({"published_on": ["A report cannot be published before the committee agreed it"]})
    changes = field_changes(report, {"published_on": published_on})
    report.published_on = published_on
    report.save(update_fields=["published_on", "updated_at"])
    _audit(actor, "report.publish", report, report.committee, changes)
    return report


def _check_links(committee, proposals, applications, figures):
    from joinedup.scrutiny.selectors import FIGURE_MEASURES

    councils = rules.councils_of(committee.owner)
    if any(p.council not in councils for p in proposals):
        raise ValidationError({"proposals": ["Choose projects of this council"]})
    if any(a.council not in councils for a in applications):
        raise ValidationError({"applications": ["Choose software records of this council"]})
    unknown = [f for f in figures if f not in FIGURE_MEASURES]
    if unknown:
        raise ValidationError({"figures": [f"There is no measure called {unknown[0]}"]})


@transaction.atomic
def recommendation_add(
    *,
    actor,
    report: Report,
    text: str,
    area: str = "",
    received_on: datetime.date | None = None,
    proposals=(),
    applications=(),
    figures=(),
    source: str = "",
) -> Recommendation:
    committee = report.committee
    if actor is not None:
        _require_edit(actor, committee)
    proposals, applications, figures = list(proposals), list(applications), list(figures)
    _check_links(committee, proposals, applications, figures)
    if received_on is not None and received_on < report.agreed_on:
        raise ValidationError({"received_on": ["The executive cannot receive it before the committee agreed it"]})
    Report.objects.select_for_update().filter(pk=report.pk).first()
    number = (report.recommendations.aggregate(n=Max("number"))["n"] or 0) + 1
    recommendation = Recommendation(
        report=report,
        number=number,
        text=_text(text, "text", "the recommendation"),
        area=_text(area, "area", "the area", 200, required=False),
        received_on=received_on,
        response_due_on=response_due(received_on) if received_on else None,
        figures=figures,
    )
    _clean(recommendation)
    recommendation.save()
    recommendation.proposals.set(proposals)
    recommendation.applications.set(applications)
    _audit(
        actor,
        "recommendation.add",
        recommendation,
        committee,
        {"text": recommendation.text, "received_on": received_on, "response_due_on": recommendation.response_due_on},
        source,
    )
    return recommendation


@transaction.atomic
def recommendation_update(
    *,
    actor,
    recommendation: Recommendation,
    text: str,
    area: str,
    received_on: datetime.date | None,
    proposals=(),
    applications=(),
    figures=(),
) -> Recommendation:
    """Change a recommendation's wording, the date the executive received it (which sets the
    response due date), and what it concerns."""
    committee = recommendation.report.committee
    _require_edit(actor, committee)
    proposals, applications, figures = list(proposals), list(applications), list(figures)
    _check_links(committee, proposals, applications, figures)
    if received_on is not None and received_on < recommendation.report.agreed_on:
        raise ValidationError({"received_on": ["The executive cannot receive it before the committee agreed it"]})
    new = {
        "text": _text(text, "text", "the recommendation"),
        "area": _text(area, "area", "the area", 200, required=False),
        "received_on": received_on,
        "response_due_on": response_due(received_on) if received_on else None,
        "figures": figures,
    }
    changes = field_changes(recommendation, new)
    for name, value in new.items():
        setattr(recommendation, name, value)
    if "received_on" in changes:
        recommendation.overdue_notified_on = None
    recommendation.save()
    recommendation.proposals.set(proposals)
    recommendation.applications.set(applications)
    _audit(actor, "recommendation.update", recommendation, committee, changes)
    return recommendation


@transaction.atomic
def recommendation_respond(
    *,
    actor,
    recommendation: Recommendation,
    response: str,
    response_text: str,
    responded_on: datetime.date,
    action: str = "",
    action_owner: str = "",
    target_date: datetime.date | None = None,
    source: str = "",
) -> Recommendation:
    """Record the executive's response (the scrutiny officer logs it)."""
    committee = recommendation.report.committee
    if actor is not None:
        _require_manage(actor, committee.owner)
    if recommendation.received_on is None:
        raise ValidationError("Record when the executive received the recommendation first.")
    if response not in Response.values:
        raise ValidationError({"response": ["Choose the executive's response"]})
    if responded_on < recommendation.received_on:
        raise ValidationError({"responded_on": ["The response cannot come before the executive received it"]})
    errors = {}
    if response != Response.NOT_ACCEPTED:
        if not (action or "").strip():
            errors["action"] = ["Enter the action the executive will take"]
        if not (action_owner or "").strip():
            errors["action_owner"] = ["Enter who owns the action"]
        if target_date is None:
            errors["target_date"] = ["Enter the target date for the action"]
    if errors:
        raise ValidationError(errors)
    new = {
        "response": response,
        "response_text": _text(response_text, "response_text", "the executive's response (and reasons)"),
        "responded_on": responded_on,
        "action": (action or "").strip(),
        "action_owner": (action_owner or "").strip()[:200],
        "target_date": target_date,
    }
    changes = field_changes(recommendation, new)
    for name, value in new.items():
        setattr(recommendation, name, value)
    recommendation.save()
    _audit(actor, "recommendation.respond", recommendation, committee, changes, source)
    return recommendation


@transaction.atomic
def update_add(
    *,
    actor,
    recommendation: Recommendation,
    reported_on,
    progress: str,
    rag: str,
    meeting: Meeting | None = None,
    source: str = "",
) -> Update:
    committee = recommendation.report.committee
    if actor is not None:
        _require_manage(actor, committee.owner)
    if recommendation.response not in (Response.ACCEPTED, Response.PARTLY):
        raise ValidationError("Progress is tracked only on recommendations the executive accepted or partly accepted.")
    if recommendation.signed_off_on is not None:
        raise ValidationError("This recommendation has been signed off as complete.")
    if rag not in Rag.values:
        raise ValidationError({"rag": ["Choose a progress rating"]})
    if meeting is not None and meeting.committee_id != committee.pk:
        raise ValidationError({"meeting": ["Choose one of this committee's meetings"]})
    update = Update(
        recommendation=recommendation,
        reported_on=reported_on,
        progress=_text(progress, "progress", "the progress made"),
        rag=rag,
        meeting=meeting,
        created_by=actor,
    )
    _clean(update)
    update.save()
    latest = recommendation.updates.order_by("-reported_on", "-id").first()
    recommendation.rag = latest.rag
    recommendation.save(update_fields=["rag", "updated_at"])
    _audit(actor, "recommendation.update_add", update, committee, {"rag": rag, "progress": update.progress}, source)
    return update


@transaction.atomic
def recommendation_sign_off(
    *, actor, recommendation: Recommendation, signed_off_on: datetime.date, source: str = ""
) -> Recommendation:
    """The committee agrees the recommendation is complete and stops monitoring it."""
    committee = recommendation.report.committee
    if actor is not None:
        _require_edit(actor, committee)
    if recommendation.signed_off_on is not None:
        raise ValidationError("This recommendation is already signed off.")
    if not recommendation.response:
        raise ValidationError("The executive has not responded yet, so it cannot be signed off.")
    recommendation.signed_off_on = signed_off_on
    recommendation.signed_off_by = actor
    recommendation.save(update_fields=["signed_off_on", "signed_off_by", "updated_at"])
    _audit(actor, "recommendation.sign_off", recommendation, committee, {"signed_off_on": signed_off_on}, source)
    return recommendation


# Messages to the scrutiny officer


def officers_of(committee: Committee) -> list[tuple[User, Council]]:
    """Who hears about the committee: its named scrutiny officer, or every scrutiny officer of its council(s)."""
    assignments = RoleAssignment.objects.filter(
        role=Role.SCRUTINY_OFFICER, council__in=rules.councils_of(committee.owner), user__is_active=True
    ).select_related("user", "council")
    if committee.scrutiny_officer_id:
        assignments = assignments.filter(user_id=committee.scrutiny_officer_id)
    seen, out = set(), []
    for assignment in assignments.order_by("user__email", "council__name"):
        if assignment.user_id not in seen:
            seen.add(assignment.user_id)
            out.append((assignment.user, assignment.council))
    return out


def _workspace_url(committee: Committee, name: str, *args) -> str:
    if committee.council_id:
        path = reverse(f"scrutiny:{name}", args=[committee.council.slug, *args])
    else:
        path = reverse(f"scrutiny_partnership:{name}", args=[committee.partnership.slug, *args])
    return settings.SITE_URL + path


@transaction.atomic
def overdue_responses_notify(*, today: datetime.date | None = None) -> int:
    """Tell the scrutiny officer about each recommendation whose executive response is overdue
    (received, not answered, past its due date). Each is told once; return how many messages."""
    from joinedup.notifications.services import message_queue

    today = today or timezone.localdate()
    overdue = (
        Recommendation.objects.select_for_update(of=("self",))
        .filter(received_on__isnull=False, response="", response_due_on__lt=today, overdue_notified_on__isnull=True)
        .select_related("report__committee__council", "report__committee__partnership")
    )
    queued = 0
    for recommendation in overdue:
        committee = recommendation.report.committee
        for officer, council in officers_of(committee):
            message = message_queue(
                council=council,
                event="scrutiny.response_overdue",
                channel="email",
                recipient=officer.email,
                context={
                    "recipient_name": officer.get_short_name(),
                    "council_name": committee.owner.name,
                    "reference": recommendation.reference,
                    "category": committee.name,
                    "expected_by": f"{recommendation.response_due_on:%-d %B %Y}",
                    "message": recommendation.text,
                    "tracking_url": _workspace_url(committee, "recommendation", recommendation.pk),
                },
                obj=recommendation,
                dedupe_key=f"scrutiny.response_overdue:{recommendation.pk}:{officer.pk}:{recommendation.received_on}",
            )
            queued += message is not None
        recommendation.overdue_notified_on = today
        recommendation.save(update_fields=["overdue_notified_on", "updated_at"])
        _audit(None, "recommendation.overdue_notified", recommendation, committee, {}, "overdue responses task")
    return queued


@transaction.atomic
def recurring_reminders_send(*, today: datetime.date | None = None) -> int:
    """For each recurring topic due within the next 8 weeks: put its occurrence on the work
    programme (once) and remind the scrutiny officer (once). Return how many messages."""
    from joinedup.notifications.services import message_queue

    today = today or timezone.localdate()
    queued = 0
    for recurring in RecurringTopic.objects.filter(is_active=True, committee__is_active=True).select_related(
        "committee__council", "committee__partnership"
    ):
        _index, due, full = recurring.next_occurrence(today)
        if today < due - datetime.timedelta(weeks=REMINDER_WEEKS):
            continue
        committee = recurring.committee
        topic, created = Topic.objects.get_or_create(
            recurring=recurring,
            due_on=due,
            defaults={
                "committee": committee,
                "title": recurring.title if full else recurring.interim_title,
                "description": recurring.description if full else recurring.interim_description,
                "source": TopicSource.RECURRING,
                "status": TopicStatus.ACCEPTED,
            },
        )
        if created:
            _audit(None, "topic.recurring_due", topic, committee, {"due_on": due}, "recurring topics task")
        for officer, council in officers_of(committee):
            message = message_queue(
                council=council,
                event="scrutiny.topic_reminder",
                channel="email",
                recipient=officer.email,
                context={
                    "recipient_name": officer.get_short_name(),
                    "council_name": committee.owner.name,
                    "reference": topic.title,
                    "category": committee.name,
                    "expected_by": f"{due:%-d %B %Y}",
                    "message": topic.description,
                    "tracking_url": _workspace_url(committee, "programme", committee.pk),
                },
                obj=topic,
                dedupe_key=f"scrutiny.topic_reminder:{recurring.pk}:{due}:{officer.pk}",
            )
            queued += message is not None
    return queued


@transaction.atomic
def holder_packs_send(*, today: datetime.date | None = None) -> int:
    """Email each portfolio holder their pack for last month, with a link to the page. Each
    holder gets one a month per council, however often this runs. Return how many were queued."""
    from joinedup.notifications.models import Message
    from joinedup.notifications.services import message_queue
    from joinedup.scrutiny import pack

    today = today or timezone.localdate()
    month = pack.last_month(today)
    queued = 0
    for assignment in RoleAssignment.objects.filter(role=Role.PORTFOLIO_HOLDER, user__is_active=True).select_related(
        "user", "council"
    ):
        user, council = assignment.user, assignment.council
        key = f"scrutiny.holder_pack:{user.pk}:{council.pk}:{month:%Y-%m}"
        if Message.objects.filter(dedupe_key=key).exists():
            continue  # this month's pack has gone already: do not work it out again
        data = pack.pack(user=user, council=council, month=month)
        path = reverse("scrutiny:holder-pack", args=[council.slug]) + f"?month={month:%Y-%m}"
        message = message_queue(
            council=council,
            event="scrutiny.holder_pack",
            channel="email",
            recipient=user.email,
            context={
                "recipient_name": user.get_short_name(),
                "council_name": council.name,
                "expected_by": data["month"],
                "overdue_list": pack.pack_text(data),
                "tracking_url": settings.SITE_URL + path,
            },
            obj=assignment,
            dedupe_key=key,
        )
        queued += message is not None
    return queued


# Saved scrutiny reports


@transaction.atomic
def data_report_save(*, actor, committee: Committee, as_of: datetime.date, meeting: Meeting | None = None):
    """Build the scrutiny report from live data as it stood on `as_of`, and keep it (its data and
    its PDF) as the next dated version, so members can see later exactly what they were shown."""
    from django.core.files.base import ContentFile

    from joinedup.scrutiny import report
    from joinedup.scrutiny.models import DataReport

    _require_edit(actor, committee)
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": ["The date must be today or in the past"]})
    if meeting is not None and meeting.committee_id != committee.pk:
        raise ValidationError({"meeting": ["Choose one of this committee's meetings"]})
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    data = report.build(committee, as_of, meeting)
    pdf = report.render_pdf(data)
    version = (committee.data_reports.aggregate(v=Max("version"))["v"] or 0) + 1
    saved = DataReport(committee=committee, meeting=meeting, version=version, as_of=as_of, data=data, created_by=actor)
    saved.pdf.save(f"v{version}.pdf", ContentFile(pdf), save=False)
    try:
        saved.save()
    except Exception:
        from joinedup.core.files import files_delete

        files_delete(DataReport._meta.get_field("pdf").storage, [saved.pdf.name])
        raise
    _audit(actor, "data_report.save", saved, committee, {"version": version, "as_of": as_of})
    return saved
