"""
Every write about councillors: their list (CSV import), their preferences, escalations,
follows, member enquiries and the weekly digest. Each runs in one transaction, checks the
actor's permission and writes the audit trail; messages go through the notifications outbox.

`actor` is the signed-in person acting, or None for a trusted system process named by `source`.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts import permissions
from joinedup.accounts.models import Role, RoleAssignment, User
from joinedup.accounts.services import role_grant, role_revoke
from joinedup.core.audit import audit_record, field_changes
from joinedup.councillors import access
from joinedup.councillors.models import (
    Councillor,
    CouncillorSettings,
    DigestChoice,
    EnquiryMessage,
    EnquiryStatus,
    Escalation,
    Follow,
    MemberEnquiry,
)
from joinedup.councils.models import Ward
from joinedup.service_requests import notify
from joinedup.service_requests.working_days import add_working_days

# The councillors' CSV: these columns, in any order, with a header row.
CSV_COLUMNS = ("name", "email", "ward_code", "party", "term_start", "term_end")
REQUIRED_COLUMNS = ("name", "email", "ward_code", "term_start")
MAX_ERRORS_SHOWN = 50
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def _url(name: str, council, *args) -> str:
    return settings.SITE_URL + reverse(f"councillors:{name}", args=[council.slug, *args])


# The list of councillors


@dataclass
class ImportProblem:
    row: int | None  # the file's row number (the header is row 1); None for the whole file
    column: str
    message: str

    def __str__(self):
        where = f"Row {self.row}" if self.row else "The file"
        return f"{where}{', column ' + self.column if self.column else ''}: {self.message}"


@dataclass
class ImportResult:
    errors: list[ImportProblem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    # The council's current councillors who are not in the file, and how many terms were ended.
    missing: list[Councillor] = field(default_factory=list)
    ended: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def shown_errors(self) -> list[ImportProblem]:
        return self.errors[:MAX_ERRORS_SHOWN]

    @property
    def more_errors(self) -> int:
        return max(0, len(self.errors) - MAX_ERRORS_SHOWN)


class ImportFailed(Exception):
    def __init__(self, result: ImportResult):
        super().__init__(f"{len(result.errors)} problems in the file")
        self.result = result


def _column_key(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").split())


def _parse_date(text: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _read_rows(council, data: bytes, result: ImportResult) -> dict[str, dict]:
    """Check every row; return the councillors the file describes, keyed by email address."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(ImportProblem(None, "", "Save the file as CSV with UTF-8 encoding and upload it again"))
        return {}
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        result.errors.append(ImportProblem(None, "", "The file is empty: it needs a header row and a row a councillor"))
        return {}
    keys = [_column_key(h) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in keys]
    if missing:
        result.errors.append(
            ImportProblem(1, "", f"Add the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} to the header")
        )
        return {}
    wards = {w.gss_code: w for w in Ward.objects.filter(council=council).defer("boundary")}
    found: dict[str, dict] = {}
    for row_number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        result.rows += 1
        row = {key: (values[i].strip() if i < len(values) else "") for i, key in enumerate(keys)}
        errors = []
        if not row["name"]:
            errors.append(("name", "Enter the councillor's name"))
        elif len(row["name"]) > 200:
            errors.append(("name", "The name must be 200 characters or fewer"))
        email = row["email"].lower()
        try:
            validate_email(email)
        except ValidationError:
            errors.append(("email", "Enter an email address in the correct format, like name@example.com"))
        ward = wards.get(row["ward_code"].upper())
        if ward is None:
            errors.append(("ward_code", f"'{row['ward_code']}' is not the code of one of {council.name}'s wards"))
        start = _parse_date(row["term_start"])
        if start is None:
            errors.append(("term_start", "Enter the date the term started, like 2023-05-04 or 04/05/2023"))
        end = None
        if row.get("term_end"):
            end = _parse_date(row["term_end"])
            if end is None:
                errors.append(("term_end", "Enter the date the term ends, like 2027-05-06, or leave it empty"))
            elif start and end < start:
                errors.append(("term_end", "The term must end after it starts"))
        party = row.get("party", "")
        if len(party) > 100:
            errors.append(("party", "The party must be 100 characters or fewer"))
        for column, message in errors:
            result.errors.append(ImportProblem(row_number, column, message))
        if errors:
            continue
        details = {"name": row["name"], "party": party, "term_start": start, "term_end": end}
        if email in found:
            if found[email]["details"] != details:
                result.errors.append(
                    ImportProblem(
                        row_number, "email", "This councillor is on another row with a different name, party or term"
                    )
                )
                continue
            found[email]["wards"].add(ward)
        else:
            found[email] = {"details": details, "wards": {ward}}
    if not result.rows and not result.errors:
        result.errors.append(ImportProblem(None, "", "The file has a header row but no councillors"))
    return found


def _missing_from(council, found: dict[str, dict], today: datetime.date) -> list[Councillor]:
    """The council's councillors who are not in the file and whose term goes on after today.

    A term recorded as ending today (for example, ended by an earlier import) is not listed: it
    gives no access from tomorrow, whatever the file says."""
    return list(
        Councillor.objects.filter(council=council)
        .filter(Q(term_end__isnull=True) | Q(term_end__gt=today))
        .exclude(email__in=list(found))
        .prefetch_related("wards")
        .order_by("name", "pk")
    )


def councillors_check(*, council, data: bytes) -> ImportResult:
    """Check a councillors' CSV and say what is wrong with it, and who now listed is not in it.
    Changes nothing."""
    result = ImportResult()
    found = _read_rows(council, data, result)
    if result.ok:
        result.missing = _missing_from(council, found, timezone.localdate())
    return result


def _end_term(*, actor, council, councillor: Councillor, today: datetime.date, keep_users: set, source: str):
    """End a councillor's term today (or keep an earlier end) and remove their councillor role here."""
    end = min(councillor.term_end or today, today)
    end = max(end, councillor.term_start)  # a term that had not started yet ends the day it would have
    if end != councillor.term_end:
        audit_record(
            actor=actor,
            action="councillors.councillor.end_term",
            instance=councillor,
            council=council,
            source=source,
            changes={"term_end": {"from": councillor.term_end, "to": end}, "reason": "not in the imported list"},
        )
        councillor.term_end = end
        councillor.full_clean()
        councillor.save(update_fields=["term_end", "updated_at"])
    users = User.objects.filter(Q(email__iexact=councillor.email) | Q(pk=councillor.user_id)).exclude(pk__in=keep_users)
    # Only this council's councillor role goes: the account, and any role elsewhere, stay.
    for assignment in RoleAssignment.objects.select_for_update().filter(
        user__in=users, role=Role.COUNCILLOR, council=council
    ):
        role_revoke(actor=actor, assignment=assignment, source=source)


@transaction.atomic
def councillors_import(
    *,
    actor,
    council,
    data: bytes,
    source: str = "",
    end_missing: bool = False,
    expected_missing: list[int] | None = None,
) -> ImportResult:
    """Add or update the council's councillors from a CSV: every row, or none if any row is wrong.

    Columns: name, email, ward_code (the ward's ONS code), party, term_start, term_end. A councillor
    for several wards has a row for each. A councillor with an account is given the councillor role
    for their wards, so they can sign in to their ward pages.

    With `end_missing`, the file is the whole list: the council's current councillors not in it
    have their term ended today (an earlier end already recorded is kept) and lose the councillor
    role for this council; their accounts stay. `expected_missing` is the ids of the councillors
    the person was shown when they checked the file: if the list has changed since, nothing is
    imported and they are asked to check again.
    """
    if actor is not None:
        permissions.require(
            permissions.can_manage_council(actor, council),
            "Only an administrator or a partnership officer can import this council's councillors.",
        )
    result = ImportResult()
    found = _read_rows(council, data, result)
    if result.errors:
        raise ImportFailed(result)
    today = timezone.localdate()
    # Lock the council's list so that two imports at once cannot both end the same terms.
    list(Councillor.objects.select_for_update().filter(council=council).values_list("pk", flat=True))
    result.missing = _missing_from(council, found, today)
    if expected_missing is not None and sorted(expected_missing) != sorted(c.pk for c in result.missing):
        result.errors.append(
            ImportProblem(
                None,
                "",
                "The council's list of councillors has changed since you checked the file. Upload it again to check it",
            )
        )
        raise ImportFailed(result)
    kept_users = set()
    for email, item in found.items():
        details, wards = item["details"], item["wards"]
        user = User.objects.filter(email__iexact=email).first()
        councillor = Councillor.objects.select_for_update().filter(council=council, email=email).first()
        if councillor is None:
            councillor = Councillor(council=council, email=email, user=user, **details)
            councillor.full_clean()
            councillor.save()
            councillor.wards.set(wards)
            result.created += 1
            audit_record(
                actor=actor,
                action="councillors.councillor.create",
                instance=councillor,
                council=council,
                source=source,
                changes={**details, "email": email, "wards": sorted(w.gss_code for w in wards)},
            )
        else:
            changes = field_changes(councillor, {**details, "user": user or councillor.user})
            old_wards = sorted(councillor.wards.values_list("gss_code", flat=True))
            new_wards = sorted(w.gss_code for w in wards)
            if old_wards != new_wards:
                changes["wards"] = {"from": old_wards, "to": new_wards}
            if not changes:
                result.unchanged += 1
            else:
                for name, value in details.items():
                    setattr(councillor, name, value)
                councillor.user = user or councillor.user
                councillor.full_clean()
                councillor.save()
                councillor.wards.set(wards)
                result.updated += 1
                audit_record(
                    actor=actor,
                    action="councillors.councillor.update",
                    instance=councillor,
                    council=council,
                    source=source,
                    changes=changes,
                )
        if user is not None:
            kept_users.add(user.pk)
            assignment = role_grant(
                actor=None, user=user, role=Role.COUNCILLOR, council=council, wards=list(wards), source=source
            )
            # A councillor who no longer represents a ward loses access to it.
            old_wards = [ward for ward in assignment.wards.all() if ward not in wards]
            if old_wards:
                assignment.wards.remove(*old_wards)
                audit_record(
                    actor=actor,
                    action="accounts.role.wards_removed",
                    instance=user,
                    council=council,
                    source=source,
                    changes={"role": Role.COUNCILLOR, "wards": sorted(w.gss_code for w in old_wards)},
                )
    if end_missing:
        for councillor in result.missing:
            _end_term(
                actor=actor, council=council, councillor=councillor, today=today, keep_users=kept_users, source=source
            )
            result.ended += 1
    return result


def settings_for(council) -> CouncillorSettings:
    """The council's councillor settings, or the platform's defaults if it has saved none."""
    return CouncillorSettings.objects.filter(council=council).first() or CouncillorSettings(council=council)


@transaction.atomic
def councillor_settings_save(*, actor, council, enquiry_target_days: int) -> CouncillorSettings:
    if actor is not None:
        permissions.require(
            permissions.can_manage_council(actor, council),
            "Only an administrator or a partnership officer can change this council's settings.",
        )
    saved, _ = CouncillorSettings.objects.get_or_create(council=council)
    saved = CouncillorSettings.objects.select_for_update().get(pk=saved.pk)
    changes = field_changes(saved, {"enquiry_target_days": enquiry_target_days})
    saved.enquiry_target_days = enquiry_target_days
    saved.full_clean()
    if changes:
        saved.save()
        audit_record(
            actor=actor, action="councillors.settings.update", instance=saved, council=council, changes=changes
        )
    return saved


@transaction.atomic
def councillor_digest_choose(*, actor, council, digest: str) -> list[Councillor]:
    """A councillor chooses an email for each update, or one weekly digest."""
    permissions.require(access.is_councillor(actor, council), "Only this council's councillors can choose this.")
    if digest not in DigestChoice.values:
        raise ValidationError({"digest": ["Choose how you want to hear about updates"]})
    records = list(Councillor.objects.select_for_update().filter(council=council, user=actor))
    if not records:
        raise ValidationError(
            "You are not on the council's list of councillors yet. Ask the council to add you, then try again."
        )
    for record in records:
        if record.digest != digest:
            audit_record(
                actor=actor,
                action="councillors.councillor.digest",
                instance=record,
                council=council,
                changes={"digest": {"from": record.digest, "to": digest}},
            )
            record.digest = digest
            record.save(update_fields=["digest", "updated_at"])
    return records


def wants_digest(user, council) -> bool:
    return Councillor.objects.filter(council=council, user=user, digest=DigestChoice.WEEKLY).exists()


# Escalations and follows


def _request_url(request) -> str:
    return _url("request", request.council, request.reference)


@transaction.atomic
def escalation_create(*, actor, request, reason: str) -> Escalation:
    """A ward councillor asks the service area's lead to look again. The lead is told once."""
    from joinedup.notifications.services import message_queue

    permissions.require(
        access.represents(actor, request.ward), "Only a councillor for the request's ward can escalate it."
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Enter why you are escalating this request"]})
    if len(reason) > 2000:
        raise ValidationError({"reason": ["The reason must be 2000 characters or fewer"]})
    if (
        Escalation.objects.select_for_update()
        .filter(request=request, councillor=actor, answered_at__isnull=True)
        .exists()
    ):
        raise ValidationError(
            {"reason": ["You have already escalated this request. You will be told when the lead officer answers."]}
        )
    escalation = Escalation(council=request.council, request=request, councillor=actor, reason=reason)
    escalation.full_clean()
    escalation.save()
    audit_record(
        actor=actor,
        action="councillors.escalation.create",
        instance=escalation,
        council=request.council,
        changes={"request": request.reference, "reason": reason},
    )
    area = request.category.service_area
    lead = area.lead_officer
    recipient, name = (lead.email, lead.get_short_name()) if lead is not None else (area.email, area.name)
    if recipient:
        staff_url = settings.SITE_URL + reverse(
            "service_requests:staff-detail", args=[request.council.slug, request.reference]
        )
        message_queue(
            council=request.council,
            event="councillor.escalated",
            channel="email",
            recipient=recipient,
            context=notify.request_context(request, tracking_url=staff_url, recipient_name=name, message=reason),
            obj=escalation,
            dedupe_key=f"councillor.escalated:{escalation.pk}",
        )
    return escalation


@transaction.atomic
def escalation_answer(*, actor, escalation: Escalation, answer: str) -> Escalation:
    """An officer answers a councillor's escalation; the councillor is told (or sees it in their digest)."""
    from joinedup.notifications.services import message_queue

    permissions.require(
        permissions.can_view_staff_pages(actor, escalation.council), "Only this council's staff can answer it."
    )
    escalation = Escalation.objects.select_for_update().select_related("request", "councillor").get(pk=escalation.pk)
    answer = (answer or "").strip()
    if escalation.answered_at is not None:
        raise ValidationError({"answer": ["This escalation has already been answered"]})
    if not answer:
        raise ValidationError({"answer": ["Enter your answer to the councillor"]})
    if len(answer) > 4000:
        raise ValidationError({"answer": ["The answer must be 4000 characters or fewer"]})
    escalation.answer, escalation.answered_at, escalation.answered_by = answer, timezone.now(), actor
    escalation.save()
    audit_record(
        actor=actor,
        action="councillors.escalation.answer",
        instance=escalation,
        council=escalation.council,
        changes={"request": escalation.request.reference, "answer": answer},
    )
    councillor = escalation.councillor
    if councillor.email and not wants_digest(councillor, escalation.council):
        request = escalation.request
        message_queue(
            council=escalation.council,
            event="councillor.escalation_answered",
            channel="email",
            recipient=councillor.email,
            context=notify.request_context(
                request, tracking_url=_request_url(request), recipient_name=councillor.get_short_name(), message=answer
            ),
            obj=escalation,
            dedupe_key=f"councillor.escalation_answered:{escalation.pk}",
        )
    return escalation


@transaction.atomic
def follow_start(*, actor, request) -> Follow:
    permissions.require(access.is_councillor(actor, request.council), "Only this council's councillors can follow.")
    follow, created = Follow.objects.get_or_create(council=request.council, request=request, user=actor)
    if created:
        audit_record(
            actor=actor,
            action="councillors.follow.start",
            instance=follow,
            council=request.council,
            changes={"request": request.reference},
        )
    return follow


@transaction.atomic
def follow_stop(*, actor, request) -> bool:
    follow = Follow.objects.filter(request=request, user=actor).first()
    if follow is None:
        return False
    audit_record(
        actor=actor,
        action="councillors.follow.stop",
        instance=follow,
        council=request.council,
        changes={"request": request.reference},
    )
    follow.delete()
    return True


# Events that tell councillors following or escalating a request what changed.
UPDATE_EVENTS = (
    "request.status_changed",
    "request.closed",
    "request.referred",
    "request.merged",
    "request.public_update",
)


def notify_councillors(request, event: str, *, key: str, **extra) -> int:
    """Tell each councillor following or escalating the request (who chose an email each time) about it.

    Called by `service_requests.notify.notify_subscribers`, inside the change's transaction.
    """
    from joinedup.notifications.services import message_queue

    if event not in UPDATE_EVENTS:
        return 0
    user_ids = set(Follow.objects.filter(request=request).values_list("user_id", flat=True))
    user_ids |= set(Escalation.objects.filter(request=request).values_list("councillor_id", flat=True))
    if not user_ids:
        return 0
    weekly = set(
        Councillor.objects.filter(
            council=request.council, user_id__in=user_ids, digest=DigestChoice.WEEKLY
        ).values_list("user_id", flat=True)
    )
    queued = 0
    for user in User.objects.filter(pk__in=user_ids - weekly, is_active=True).order_by("pk"):
        if not access.is_councillor(user, request.council):
            continue  # a former councillor (their term ended) hears nothing more
        message = message_queue(
            council=request.council,
            event="councillor.request_update",
            channel="email",
            recipient=user.email,
            context=notify.request_context(
                request,
                tracking_url=_request_url(request),
                recipient_name=user.get_short_name(),
                message=extra.get("message", ""),
            ),
            obj=request,
            dedupe_key=f"councillor.request_update:{request.pk}:{key}:{user.pk}",
        )
        queued += message is not None
    return queued


# Member enquiries


def _enquiry_context(enquiry: MemberEnquiry, recipient_name: str, url: str) -> dict:
    return {
        "reference": enquiry.reference,
        "council_name": enquiry.council.name,
        "category": enquiry.service_area.name,
        "status": enquiry.get_status_display(),
        "expected_by": f"{enquiry.due_by:%-d %B %Y}",
        "tracking_url": url,
        "recipient_name": recipient_name,
    }


def _officer_recipients(area) -> list[tuple[str, str]]:
    recipients = []
    if area.lead_officer is not None and area.lead_officer.email:
        recipients.append((area.lead_officer.email, area.lead_officer.get_short_name()))
    if area.email and area.email not in [r[0] for r in recipients]:
        recipients.append((area.email, area.name))
    return recipients


@transaction.atomic
def enquiry_create(
    *,
    actor,
    council,
    service_area,
    subject: str,
    body: str,
    resident_name: str,
    resident_email: str = "",
    resident_phone: str = "",
    resident_address: str = "",
    ward=None,
) -> MemberEnquiry:
    """A councillor raises casework for a named resident with a service area. It is due in the
    council's target of working days, and the service area is told."""
    from joinedup.notifications.services import message_queue

    permissions.require(access.is_councillor(actor, council), "Only this council's councillors can raise enquiries.")
    errors = {}
    subject, body = (subject or "").strip(), (body or "").strip()
    resident_name, resident_email = (resident_name or "").strip(), (resident_email or "").strip().lower()
    if service_area is None or service_area.council_id != council.pk:
        errors["service_area"] = ["Choose the service area the enquiry is for"]
    if ward is not None and not access.represents(actor, ward):
        errors["ward"] = ["Choose one of your own wards, or none"]
    if not subject:
        errors["subject"] = ["Enter what the enquiry is about"]
    if not body:
        errors["body"] = ["Enter the enquiry"]
    elif len(body) > 4000:
        errors["body"] = ["The enquiry must be 4000 characters or fewer"]
    if not resident_name:
        errors["resident_name"] = ["Enter the name of the resident it is for"]
    if resident_email:
        try:
            validate_email(resident_email)
        except ValidationError:
            errors["resident_email"] = ["Enter an email address in the correct format, like name@example.com"]
    if errors:
        raise ValidationError(errors)
    CouncillorSettings.objects.get_or_create(council=council)
    council_settings = CouncillorSettings.objects.select_for_update().get(council=council)
    council_settings.last_enquiry_number += 1
    council_settings.save(update_fields=["last_enquiry_number", "updated_at"])
    enquiry = MemberEnquiry(
        council=council,
        number=council_settings.last_enquiry_number,
        councillor=actor,
        service_area=service_area,
        ward=ward,
        subject=subject,
        resident_name=resident_name,
        resident_email=resident_email,
        resident_phone=(resident_phone or "").strip(),
        resident_address=(resident_address or "").strip(),
        resident=User.objects.filter(email__iexact=resident_email).first() if resident_email else None,
        due_by=add_working_days(timezone.localdate(), council_settings.enquiry_target_days),
    )
    enquiry.full_clean()
    enquiry.save()
    EnquiryMessage.objects.create(enquiry=enquiry, author=actor, from_council=False, body=body)
    # The audit trail names the enquiry, not the resident.
    audit_record(
        actor=actor,
        action="councillors.enquiry.create",
        instance=enquiry,
        council=council,
        changes={"service_area": service_area.name, "due_by": enquiry.due_by},
    )
    url = _url("enquiry", council, enquiry.reference)
    for recipient, name in _officer_recipients(service_area):
        message_queue(
            council=council,
            event="councillor.enquiry_raised",
            channel="email",
            recipient=recipient,
            context=_enquiry_context(enquiry, name, url),
            obj=enquiry,
            dedupe_key=f"councillor.enquiry_raised:{enquiry.pk}:{recipient}",
        )
    return enquiry


@transaction.atomic
def enquiry_reply(*, actor, enquiry: MemberEnquiry, body: str, close: bool = False) -> EnquiryMessage:
    """Add a reply to the enquiry's thread. An officer's reply answers it; the councillor's reopens
    it, or closes it when they say it is done. The other side is told."""
    from joinedup.notifications.services import message_queue

    enquiry = MemberEnquiry.objects.select_for_update().select_related("service_area", "council").get(pk=enquiry.pk)
    role = access.enquiry_role(actor, enquiry)
    permissions.require(role in ("councillor", "officer"), "Only the councillor and the service area can reply.")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["Enter your reply"]})
    if len(body) > 4000:
        raise ValidationError({"body": ["The reply must be 4000 characters or fewer"]})
    if enquiry.status == EnquiryStatus.CLOSED and role == "officer":
        raise ValidationError({"body": ["The councillor has closed this enquiry"]})
    from_council = role == "officer"
    message = EnquiryMessage.objects.create(enquiry=enquiry, author=actor, from_council=from_council, body=body)
    old_status = enquiry.status
    now = timezone.now()
    if from_council:
        enquiry.status = EnquiryStatus.ANSWERED
        enquiry.first_answered_at = enquiry.first_answered_at or now
    elif close:
        enquiry.status, enquiry.closed_at = EnquiryStatus.CLOSED, now
    else:
        enquiry.status, enquiry.closed_at = EnquiryStatus.OPEN, None
    enquiry.save()
    audit_record(
        actor=actor,
        action="councillors.enquiry.reply",
        instance=enquiry,
        council=enquiry.council,
        changes={"message": message.pk, "status": {"from": old_status, "to": enquiry.status}},
    )
    url = _url("enquiry", enquiry.council, enquiry.reference)
    if from_council:
        recipients = [(enquiry.councillor.email, enquiry.councillor.get_short_name())]
    else:
        recipients = _officer_recipients(enquiry.service_area)
    for recipient, name in recipients:
        message_queue(
            council=enquiry.council,
            event="councillor.enquiry_reply",
            channel="email",
            recipient=recipient,
            context=_enquiry_context(enquiry, name, url),
            obj=enquiry,
            dedupe_key=f"councillor.enquiry_reply:{message.pk}:{recipient}",
        )
    return message
