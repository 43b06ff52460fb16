"""
Every write in scrutiny: <entity>_<action>(*, actor, ...) inside transaction.atomic. Each checks
`rules`, validates, writes, records an audit entry, and queues any message in the same transaction.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from joinedup.accounts import permissions
from joinedup.accounts.models import Role, RoleAssignment, User
from joinedup.core.audit import audit_record, field_changes
from joinedup.councils.models import Council, Partnership
from joinedup.scrutiny import rules
from joinedup.scrutiny.models import (
    EVIDENCE_FOLDER,
    AgendaItem,
    Committee,
    CommitteeKind,
    Evidence,
    EvidenceDocument,
    Meeting,
    Membership,
    RecurringTopic,
    ScoringScheme,
    TermsOfReference,
    Topic,
    TopicSource,
    TopicStatus,
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
    instance.full_clean()


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


def orphan_files_clean() -> int:
    """Delete evidence documents and report PDFs in the private store that no row names (left by a
    save whose transaction rolled back after the file was written), once they are an hour old."""
    from joinedup.core.files import orphan_files_remove
    from joinedup.scrutiny.models import REPORTS_FOLDER, DataReport

    storage = EvidenceDocument._meta.get_field("file").storage
    removed = orphan_files_remove(storage=storage, folder=EVIDENCE_FOLDER, model=EvidenceDocument, fields=["file"])
    return removed + orphan_files_remove(storage=storage, folder=REPORTS_FOLDER, model=DataReport, fields=["pdf"])


# Scoring schemes


def parse_criteria(text: str) -> list[dict]:
    """Criteria written one a line as 'code | label | hint' (the hint may be left out)."""
    criteria, codes = [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or not parts[0] or not parts[1] or len(parts) > 3:
            raise ValidationError({"criteria": [f"Line {number}: write the code, a | and the name, like 'T | Timely'"]})
        code = parts[0].upper()
        if len(code) > 3 or not code.isalnum():
            raise ValidationError({"criteria": [f"Line {number}: the code must be 1 to 3 letters or numbers"]})
        if code in codes:
            raise ValidationError({"criteria": [f"Line {number}: the code {code} is used twice"]})
        codes.add(code)
        criteria.append({"code": code, "label": parts[1][:100], "hint": parts[2][:300] if len(parts) == 3 else ""})
    if not 2 <= len(criteria) <= 10:
        raise ValidationError({"criteria": ["Give from 2 to 10 criteria, one a line"]})
    return criteria


@transaction.atomic
def scoring_scheme_create(
    *, actor, owner, name: str, criteria_text: str, max_score: int, threshold: int
) -> ScoringScheme:
    """A council's (or partnership's) own way of scoring topics, to use instead of TOPIC."""
    _require_manage(actor, owner)
    criteria = parse_criteria(criteria_text)
    if not 1 <= max_score <= 10:
        raise ValidationError({"max_score": ["The highest score must be from 1 to 10"]})
    if not 1 <= threshold <= max_score * len(criteria):
        raise ValidationError(
            {"threshold": [f"The score worth taking on must be from 1 to {max_score * len(criteria)}"]}
        )
    is_partnership = isinstance(owner, Partnership)
    scheme = ScoringScheme(
        council=None if is_partnership else owner,
        partnership=owner if is_partnership else None,
        name=_text(name, "name", "the scheme's name", 100),
        criteria=criteria,
        max_score=max_score,
        threshold=threshold,
    )
    _clean(scheme)
    scheme.save()
    audit_record(
        actor=actor,
        action="scrutiny.scoring_scheme.create",
        instance=scheme,
        council=scheme.council,
        changes={"name": scheme.name, "criteria": [c["code"] for c in criteria]},
    )
    return scheme


@transaction.atomic
def committee_scheme_set(*, actor, committee: Committee, scheme: ScoringScheme | None) -> Committee:
    """Score the committee's topics with this scheme from now on (None: TOPIC). Topics already
    scored keep their scores and the name of the scheme they were scored with."""
    _require_manage(actor, committee.owner)
    if scheme is not None and (scheme.council_id, scheme.partnership_id) != (
        committee.council_id,
        committee.partnership_id,
    ):
        raise ValidationError({"scheme": ["Choose one of this council's schemes"]})
    changes = field_changes(committee, {"scoring_scheme": scheme})
    committee.scoring_scheme = scheme
    committee.save(update_fields=["scoring_scheme", "updated_at"])
    _audit(actor, "committee.scheme_set", committee, committee, changes)
    return committee
