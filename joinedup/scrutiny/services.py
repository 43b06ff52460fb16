"""
Every write in scrutiny: <entity>_<action>(*, actor, ...) inside transaction.atomic. Each checks
`rules`, validates, writes, records an audit entry, and queues any message in the same transaction.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.accounts.models import Role, RoleAssignment, User
from joinedup.core.audit import audit_record, field_changes
from joinedup.core.files import files_delete_after_commit
from joinedup.councils.models import Council, Partnership
from joinedup.scrutiny import rules
from joinedup.scrutiny.models import (
    REMINDER_WEEKS,
    AgendaItem,
    Committee,
    CommitteeKind,
    Evidence,
    EvidenceDocument,
    Meeting,
    Membership,
    Rag,
    Recommendation,
    RecurringTopic,
    Report,
    Response,
    ScoringScheme,
    TermsOfReference,
    Topic,
    TopicSource,
    TopicStatus,
    Update,
    response_due,
)
from joinedup.scrutiny.scoring import scheme_for, score_topic

# The largest evidence document accepted, in MB.
EVIDENCE_MAX_MB = 20
EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".csv": "text/csv",
    ".txt": "text/plain",
}


def _audit(actor, action, instance, committee, changes=None, source=""):
    audit_record(
        actor=actor,
        action=f"scrutiny.{action}",
        instance=instance,
        council=committee.council,
        changes=changes,
        source=source,
    )


def _require_manage(actor, owner):
    permissions.require(rules.can_manage(actor, owner), "Only a scrutiny officer can do that.")


def _require_edit(actor, committee):
    permissions.require(
        rules.can_edit_committee(actor, committee),
        "Only the committee's members and its scrutiny officer can change its work.",
    )


def _text(value, field, label, max_length=None, required=True):
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: [f"Enter {label}"]})
    if max_length and len(value) > max_length:
        raise ValidationError({field: [f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer"]})
    return value


def _clean(instance):
    try:
        instance.full_clean()
    except ValidationError as error:
        raise error from None


# Committees


@transaction.atomic
def committee_create(
    *,
    actor,
    owner,
    name: str,
    code: str,
    kind: str,
    parent: Committee | None = None,
    scrutiny_officer: User | None = None,
    takes_public_suggestions: bool = False,
    scoring_scheme: ScoringScheme | None = None,
    source: str = "",
) -> Committee:
    if actor is not None:
        _require_manage(actor, owner)
    is_partnership = isinstance(owner, Partnership)
    if is_partnership != (kind == CommitteeKind.JOINT_PANEL):
        raise ValidationError(
            {"kind": ["A joint partnership panel belongs to the partnership; other committees to one council"]}
        )
    if parent is not None and parent.owner != owner:
        raise ValidationError({"parent": ["Choose a committee of the same council"]})
    if (
        scrutiny_officer is not None
        and not RoleAssignment.objects.filter(
            user=scrutiny_officer, role=Role.SCRUTINY_OFFICER, council__in=rules.councils_of(owner)
        ).exists()
    ):
        raise ValidationError({"scrutiny_officer": ["Choose someone with the scrutiny officer role"]})
    committee = Committee(
        council=None if is_partnership else owner,
        partnership=owner if is_partnership else None,
        name=_text(name, "name", "the committee's name", 200),
        code=_text(code, "code", "a short code", 12).upper(),
        kind=kind,
        parent=parent,
        scrutiny_officer=scrutiny_officer,
        takes_public_suggestions=takes_public_suggestions,
        scoring_scheme=scoring_scheme,
    )
    _clean(committee)
    if takes_public_suggestions:
        Committee.objects.filter(council=committee.council, partnership=committee.partnership).update(
            takes_public_suggestions=False
        )
    committee.save()
    _audit(actor, "committee.create", committee, committee, {"name": committee.name, "kind": kind}, source)
    return committee


@transaction.atomic
def membership_add(
    *,
    actor,
    committee: Committee,
    name: str = "",
    user: User | None = None,
    council: Council | None = None,
    role: str = "member",
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    source: str = "",
) -> Membership:
    if actor is not None:
        _require_manage(actor, committee.owner)
    if user is not None:
        name = name or user.full_name or user.email
        if not RoleAssignment.objects.filter(
            user=user, role=Role.SCRUTINY_MEMBER, council__in=rules.councils_of(committee.owner)
        ).exists():
            raise ValidationError(
                {"user": ["Only someone with the scrutiny member role at this council can sit on it"]}
            )
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": ["The end date must be on or after the start date"]})
    membership = Membership(
        committee=committee,
        user=user,
        name=_text(name, "name", "the member's name", 200),
        council=council,
        role=role,
        start_date=start_date,
        end_date=end_date,
    )
    _clean(membership)
    membership.save()
    _audit(actor, "membership.add", membership, committee, {"name": membership.name, "role": role}, source)
    return membership


@transaction.atomic
def membership_end(*, actor, membership: Membership, end_date: datetime.date) -> Membership:
    _require_manage(actor, membership.committee.owner)
    if end_date < membership.start_date:
        raise ValidationError({"end_date": ["The end date must be on or after the start date"]})
    changes = field_changes(membership, {"end_date": end_date})
    membership.end_date = end_date
    membership.save(update_fields=["end_date", "updated_at"])
    _audit(actor, "membership.end", membership, membership.committee, changes)
    return membership


@transaction.atomic
def terms_add(
    *, actor, committee: Committee, text: str, endorsed_on: datetime.date, endorsed_by: str, source: str = ""
) -> TermsOfReference:
    """A new version of the terms of reference; earlier versions are kept as they were."""
    if actor is not None:
        _require_manage(actor, committee.owner)
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    latest = committee.terms.aggregate(v=Max("version"))["v"] or 0
    terms = TermsOfReference(
        committee=committee,
        version=latest + 1,
        text=_text(text, "text", "the terms of reference"),
        endorsed_on=endorsed_on,
        endorsed_by=_text(endorsed_by, "endorsed_by", "who endorsed them", 200),
        created_by=actor,
    )
    _clean(terms)
    terms.save()
    _audit(actor, "terms.add", terms, committee, {"version": terms.version, "endorsed_on": endorsed_on}, source)
    return terms


# Meetings and evidence


@transaction.atomic
def meeting_create(
    *, actor, committee: Committee, date, start_time=None, location: str = "", source: str = ""
) -> Meeting:
    if actor is not None:
        _require_edit(actor, committee)
    meeting = Meeting(committee=committee, date=date, start_time=start_time, location=(location or "").strip())
    _clean(meeting)
    meeting.save()
    _audit(actor, "meeting.create", meeting, committee, {"date": date}, source)
    return meeting


@transaction.atomic
def agenda_item_add(
    *, actor, meeting: Meeting, title: str, description: str = "", topic: Topic | None = None, source: str = ""
) -> AgendaItem:
    committee = meeting.committee
    if actor is not None:
        _require_edit(actor, committee)
    if topic is not None and topic.committee_id != committee.pk:
        raise ValidationError({"topic": ["Choose a topic from this committee's work programme"]})
    position = (meeting.items.aggregate(p=Max("position"))["p"] or 0) + 1
    item = AgendaItem(
        meeting=meeting,
        position=position,
        title=_text(title, "title", "the agenda item's title", 200),
        description=(description or "").strip(),
        topic=topic,
    )
    _clean(item)
    item.save()
    if topic is not None and topic.meeting_id is None:
        topic.meeting = meeting
        topic.status = TopicStatus.SCHEDULED
        topic.save(update_fields=["meeting", "status", "updated_at"])
    _audit(actor, "agenda_item.add", item, committee, {"title": item.title}, source)
    return item


def _document_type(upload) -> str:
    import os

    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in EVIDENCE_TYPES:
        allowed = ", ".join(sorted(EVIDENCE_TYPES))
        raise ValidationError({"documents": [f"{upload.name} must be one of these kinds of file: {allowed}"]})
    if upload.size > EVIDENCE_MAX_MB * 1024 * 1024:
        raise ValidationError({"documents": [f"{upload.name} must be smaller than {EVIDENCE_MAX_MB} MB"]})
    if upload.size == 0:
        raise ValidationError({"documents": [f"{upload.name} is empty"]})
    return EVIDENCE_TYPES[extension]


@transaction.atomic
def evidence_add(
    *, actor, item: AgendaItem, witness: str, witness_role: str = "", summary: str, documents=(), source: str = ""
) -> Evidence:
    """Record evidence heard at an agenda item, with its documents in the private file store.

    A file is written before its row; if anything fails afterwards the transaction rolls back
    and the files already written are deleted, so nothing is half-saved.
    """
    committee = item.meeting.committee
    if actor is not None:
        _require_edit(actor, committee)
    kinds = [_document_type(upload) for upload in documents]
    evidence = Evidence(
        item=item,
        witness=_text(witness, "witness", "who gave the evidence", 200),
        witness_role=_text(witness_role, "witness_role", "their role", 200, required=False),
        summary=_text(summary, "summary", "a summary of the evidence"),
    )
    _clean(evidence)
    evidence.save()
    written = []
    try:
        for upload, kind in zip(documents, kinds, strict=True):
            document = EvidenceDocument(
                evidence=evidence,
                original_name=(upload.name or "document")[-200:],
                content_type=kind,
                size=upload.size,
                uploaded_by=actor,
            )
            document.file.save(upload.name or "document", upload, save=False)
            written.append(document.file.name)
            document.save()
    except Exception:
        from joinedup.core.files import files_delete

        files_delete(EvidenceDocument._meta.get_field("file").storage, written)
        raise
    _audit(
        actor,
        "evidence.add",
        evidence,
        committee,
        {"witness": evidence.witness, "documents": [u.name for u in documents]},
        source,
    )
    return evidence


@transaction.atomic
def evidence_document_delete(*, actor, document: EvidenceDocument) -> None:
    committee = document.evidence.item.meeting.committee
    _require_edit(actor, committee)
    name = document.file.name
    _audit(actor, "evidence_document.delete", document, committee, {"name": document.original_name})
    document.delete()
    files_delete_after_commit(EvidenceDocument._meta.get_field("file").storage, [name])


# Work programme


@transaction.atomic
def topic_suggest(
    *, actor, committee: Committee, title: str, description: str, source: str = TopicSource.MEMBER, audit_source=""
) -> Topic:
    """A member or officer suggests a topic for the committee's work programme."""
    if actor is not None:
        _require_edit(actor, committee)
    if source not in (TopicSource.MEMBER, TopicSource.OFFICER):
        raise ValidationError({"source": ["Choose who suggested it"]})
    topic = Topic(
        committee=committee,
        title=_text(title, "title", "the topic", 200),
        description=_text(description, "description", "what the committee should look at and why"),
        source=source,
        suggested_by=actor,
    )
    _clean(topic)
    topic.save()
    _audit(actor, "topic.suggest", topic, committee, {"title": topic.title, "source": source}, audit_source)
    return topic


def public_committee(council) -> Committee | None:
    """The committee that receives the public's suggestions for the council, if any."""
    return (
        Committee.objects.filter(council=council, is_active=True, takes_public_suggestions=True).first()
        or Committee.objects.filter(council=council, is_active=True, kind=CommitteeKind.COMMITTEE).first()
    )


@transaction.atomic
def topic_suggest_public(*, council, title: str, description: str, name: str = "", email: str = "") -> Topic:
    """A member of the public suggests a topic. It waits, as a suggestion, for the committee."""
    committee = public_committee(council)
    if committee is None:
        raise ValidationError("This council is not taking suggestions for scrutiny at the moment.")
    topic = Topic(
        committee=committee,
        title=_text(title, "title", "the topic", 200),
        description=_text(description, "description", "what the committee should look at and why", 3000),
        source=TopicSource.PUBLIC,
        suggester_name=_text(name, "name", "your name", 200, required=False),
        suggester_email=(email or "").strip().lower(),
    )
    _clean(topic)
    topic.save()
    _audit(None, "topic.suggest_public", topic, committee, {"title": topic.title}, "public suggestion form")
    return topic


@transaction.atomic
def topic_score(*, actor, topic: Topic, scores: dict) -> Topic:
    committee = topic.committee
    if actor is not None:
        _require_edit(actor, committee)
    scheme = scheme_for(committee)
    clean, total = score_topic(scheme, scores)
    changes = field_changes(topic, {"scores": clean, "score_total": total})
    topic.scores, topic.score_total, topic.scheme_name = clean, total, scheme.name
    topic.save(update_fields=["scores", "score_total", "scheme_name", "updated_at"])
    _audit(actor, "topic.score", topic, committee, changes)
    return topic


@transaction.atomic
def topic_decide(*, actor, topic: Topic, status: str, meeting: Meeting | None = None) -> Topic:
    """Take a topic on (optionally scheduling it to a meeting), decline it, or mark it done."""
    committee = topic.committee
    _require_edit(actor, committee)
    if status not in TopicStatus.values:
        raise ValidationError({"status": ["Choose what happens to the topic"]})
    if meeting is not None and meeting.committee_id != committee.pk:
        raise ValidationError({"meeting": ["Choose one of this committee's meetings"]})
    if status == TopicStatus.SCHEDULED and meeting is None:
        raise ValidationError({"meeting": ["Choose the meeting it is scheduled to"]})
    if status in (TopicStatus.SUGGESTED, TopicStatus.DECLINED):
        meeting = None
    elif status == TopicStatus.DONE and meeting is None:
        meeting = topic.meeting
    elif status == TopicStatus.ACCEPTED and meeting is not None:
        status = TopicStatus.SCHEDULED
    new = {"status": status, "meeting": meeting}
    changes = field_changes(topic, new)
    topic.status, topic.meeting = new["status"], new["meeting"]
    topic.save(update_fields=["status", "meeting", "updated_at"])
    _audit(actor, "topic.decide", topic, committee, changes)
    return topic


@transaction.atomic
def recurring_topic_create(
    *,
    actor,
    committee: Committee,
    title: str,
    description: str,
    interim_title: str,
    interim_description: str,
    first_due: datetime.date,
    cycle_years: int = 2,
    source: str = "",
) -> RecurringTopic:
    if actor is not None:
        _require_edit(actor, committee)
    recurring = RecurringTopic(
        committee=committee,
        title=_text(title, "title", "the topic", 200),
        description=_text(description, "description", "what the topic covers"),
        interim_title=_text(interim_title, "interim_title", "the item in the years between", 200),
        interim_description=_text(interim_description, "interim_description", "what that item covers"),
        first_due=first_due,
        cycle_years=cycle_years,
    )
    _clean(recurring)
    recurring.save()
    _audit(actor, "recurring_topic.create", recurring, committee, {"title": recurring.title}, source)
    return recurring


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
