"""
Every read of scrutiny. Each selector takes the owner (a council, or a partnership for joint
scrutiny) and gives 404 for anything of another owner, so no page can show another council's work.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.councils.models import Partnership
from joinedup.scrutiny import rules
from joinedup.scrutiny.models import (
    RAG_TAGS,
    AgendaItem,
    Committee,
    DataReport,
    EvidenceDocument,
    Meeting,
    Recommendation,
    Report,
    Topic,
    TopicStatus,
)

# The performance measures a recommendation can concern (the figures pages' measures).
FIGURE_MEASURES = [
    "Digital take-up",
    "Completion rate",
    "User satisfaction",
    "Cost per transaction",
    "Reporters told of each change",
    "Repeat contacts and chasers",
    "Disputes and reopenings",
    "Time to resolve",
    "Overdue requests",
    "Member enquiries answered on time",
]


def _owner_filter(owner) -> dict:
    return {"partnership": owner} if isinstance(owner, Partnership) else {"council": owner}


def require_view(user, owner):
    if not rules.can_view(user, owner):
        raise PermissionDenied("Only scrutiny members and officers, portfolio holders and staff can see this.")


def committee_list(*, user, owner) -> QuerySet[Committee]:
    require_view(user, owner)
    return Committee.objects.filter(**_owner_filter(owner)).select_related("parent", "scrutiny_officer")


def committee_get(*, user, owner, pk) -> Committee:
    require_view(user, owner)
    try:
        return Committee.objects.select_related("council", "partnership", "parent", "scrutiny_officer").get(
            pk=pk, **_owner_filter(owner)
        )
    except Committee.DoesNotExist:
        raise Http404("No committee with that number.") from None


def meeting_get(*, committee, pk) -> Meeting:
    try:
        return committee.meetings.get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404("No meeting with that number.") from None


def meeting_detail(meeting) -> list[AgendaItem]:
    return list(meeting.items.select_related("topic").prefetch_related("evidence__documents"))


def agenda_item_get(*, meeting, pk) -> AgendaItem:
    try:
        return meeting.items.get(pk=pk)
    except AgendaItem.DoesNotExist:
        raise Http404("No agenda item with that number.") from None


def document_get(*, user, owner, pk) -> EvidenceDocument:
    """An evidence document of one of the owner's committees, for someone who may see them."""
    require_view(user, owner)
    try:
        return EvidenceDocument.objects.select_related("evidence__item__meeting__committee").get(
            pk=pk, **{f"evidence__item__meeting__committee__{k}": v for k, v in _owner_filter(owner).items()}
        )
    except EvidenceDocument.DoesNotExist:
        raise Http404("No document with that number.") from None


def topic_get(*, committee, pk) -> Topic:
    try:
        return committee.topics.select_related("meeting").get(pk=pk)
    except Topic.DoesNotExist:
        raise Http404("No topic with that number.") from None


def programme(committee) -> dict:
    """The work programme: suggestions waiting, topics taken on (scheduled or not), done and declined."""
    topics = list(committee.topics.select_related("meeting", "suggested_by"))
    by_status = {status: [t for t in topics if t.status == status] for status in TopicStatus.values}
    by_status[TopicStatus.SCHEDULED].sort(key=lambda t: (t.meeting.date, t.title))
    return by_status


def report_get(*, user, owner, pk) -> Report:
    require_view(user, owner)
    try:
        return Report.objects.select_related("committee", "meeting").get(
            pk=pk, **{f"committee__{k}": v for k, v in _owner_filter(owner).items()}
        )
    except Report.DoesNotExist:
        raise Http404("No report with that number.") from None


def recommendation_get(*, user, owner, pk) -> Recommendation:
    require_view(user, owner)
    try:
        return (
            Recommendation.objects.select_related("report__committee", "signed_off_by")
            .prefetch_related("proposals__council", "applications__council", "updates__meeting")
            .get(pk=pk, **{f"report__committee__{k}": v for k, v in _owner_filter(owner).items()})
        )
    except Recommendation.DoesNotExist:
        raise Http404("No recommendation with that number.") from None


# The tracker


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    tag: str  # GOV.UK tag colour


def status(recommendation: Recommendation, today: datetime.date) -> Status:
    """Where a recommendation stood on `today` (so a report for an earlier date shows it as it was)."""
    rec = recommendation
    if rec.signed_off_on is not None and rec.signed_off_on <= today:
        return Status("complete", "Complete: signed off", "green")
    if rec.received_on is None or rec.received_on > today:
        return Status("not_sent", "Not yet with the executive", "grey")
    if not rec.response or (rec.responded_on and rec.responded_on > today):
        if today > rec.response_due_on:
            return Status("overdue", f"Response overdue (due {rec.response_due_on:%-d %B %Y})", "red")
        return Status("awaiting", f"Response due by {rec.response_due_on:%-d %B %Y}", "blue")
    label = rec.get_response_display()
    if rec.response == "not_accepted":
        return Status("not_accepted", label, "orange")
    rag = next((u.rag for u in rec.updates.all() if u.reported_on <= today), "")
    if rag:
        return Status(rag, f"{label}: {dict(rec._meta.get_field('rag').choices)[rag]}", RAG_TAGS[rag])
    return Status("responded", f"{label}: no progress reported yet", "purple")


# Each status's name without its dates, for counting and filtering.
STATUS_NAMES = {
    "not_sent": "Not yet with the executive",
    "awaiting": "Response due",
    "overdue": "Response overdue",
    "not_accepted": "Not accepted",
    "responded": "No progress reported yet",
    "red": "Red: progress not acceptable",
    "amber": "Amber: acceptable progress",
    "green": "Green: achieved",
    "complete": "Complete: signed off",
}


def _recommendation_rows(owner, *, committee=None, published_only=False, today=None) -> list[Recommendation]:
    today = today or timezone.localdate()
    qs = (
        Recommendation.objects.filter(**{f"report__committee__{k}": v for k, v in _owner_filter(owner).items()})
        .select_related("report__committee")
        .prefetch_related("proposals", "applications", Prefetch("updates"))
        .order_by("-report__agreed_on", "report__reference", "number")
    )
    if committee is not None:
        qs = qs.filter(report__committee=committee)
    if published_only:
        qs = qs.filter(report__published_on__isnull=False, report__published_on__lte=today)
    rows = list(qs)
    for rec in rows:
        rec.status = status(rec, today)
    return rows


def recommendations(*, user, owner, committee=None, today=None) -> list[Recommendation]:
    """The owner's recommendations (one committee's if given), each with `.status` as of today."""
    require_view(user, owner)
    return _recommendation_rows(owner, committee=committee, today=today)


def published_recommendations(*, owner, today=None) -> list[Recommendation]:
    """Recommendations of published reports, for the public page (no sign-in)."""
    return _recommendation_rows(owner, published_only=True, today=today)


def responses_owed(*, owner, today=None) -> list[Recommendation]:
    """Recommendations with the executive, not yet answered (due or overdue): for the holder pack."""
    return [r for r in _recommendation_rows(owner, today=today) if r.status.key in ("awaiting", "overdue")]


def published_reports(*, owner, today=None) -> list[Report]:
    """Reports the committee has published, for the public page (no sign-in)."""
    today = today or timezone.localdate()
    return list(
        Report.objects.filter(**{f"committee__{k}": v for k, v in _owner_filter(owner).items()})
        .filter(published_on__isnull=False, published_on__lte=today)
        .select_related("committee")
    )


TRACKER_COLUMNS = [
    "Reference",
    "Committee",
    "Report",
    "Agreed on",
    "Recommendation",
    "Area",
    "Received by the executive",
    "Response due by (s.9FE)",
    "Status",
    "Response",
    "Responded on",
    "Response text",
    "Action",
    "Action owner",
    "Target date",
    "Progress (latest RAG)",
    "Signed off on",
    "Projects",
    "Software",
    "Figures",
]


def tracker_rows(rows: list[Recommendation]):
    for rec in rows:
        yield [
            rec.reference,
            rec.report.committee.name,
            rec.report.title,
            rec.report.agreed_on,
            rec.text,
            rec.area,
            rec.received_on,
            rec.response_due_on,
            rec.status.label,
            rec.get_response_display() if rec.response else "",
            rec.responded_on,
            rec.response_text,
            rec.action,
            rec.action_owner,
            rec.target_date,
            rec.get_rag_display() if rec.rag else "",
            rec.signed_off_on,
            "; ".join(f"{p.reference} {p.title}" for p in rec.proposals.all()),
            "; ".join(a.name for a in rec.applications.all()),
            "; ".join(rec.figures),
        ]


PUBLIC_COLUMNS = [
    "Reference",
    "Report",
    "Recommendation",
    "Received by the executive",
    "Response due by",
    "Response",
    "Response text",
    "Action",
    "Target date",
    "Status",
]


def public_rows(rows: list[Recommendation]):
    for rec in rows:
        yield [
            rec.reference,
            rec.report.title,
            rec.text,
            rec.received_on,
            rec.response_due_on,
            rec.get_response_display() if rec.response else "",
            rec.response_text,
            rec.action,
            rec.target_date,
            rec.status.label,
        ]


def data_reports(committee) -> QuerySet[DataReport]:
    return committee.data_reports.select_related("meeting", "created_by")


def data_report_get(*, committee, pk) -> DataReport:
    try:
        return committee.data_reports.select_related("meeting").get(pk=pk)
    except DataReport.DoesNotExist:
        raise Http404("No saved report with that number.") from None


def workspace_summary(*, user, owner) -> dict:
    """The workspace's front page: committees, the next meetings and the tracker's counts."""
    today = timezone.localdate()
    committees = list(committee_list(user=user, owner=owner).filter(is_active=True))
    meetings = list(Meeting.objects.filter(committee__in=committees, date__gte=today).select_related("committee")[:5])
    rows = recommendations(user=user, owner=owner, today=today)
    counts = {}
    for rec in rows:
        counts[rec.status.key] = counts.get(rec.status.key, 0) + 1
    return {"committees": committees, "meetings": meetings, "counts": counts, "total": len(rows)}


def members_of(committee, today=None):
    today = today or timezone.localdate()
    current = committee.memberships.filter(start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    past = committee.memberships.exclude(pk__in=current.values("pk"))
    return current.select_related("council"), past.select_related("council")
