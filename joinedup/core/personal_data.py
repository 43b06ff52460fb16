"""
Everything held about one person, for a subject access request (UK GDPR article 15).

Each app that holds personal data has a `personal_data.py` module that registers its finders;
`core` imports that module of every installed app (as Django's admin finds `admin.py`), so one
export covers the whole platform without `core` naming the apps above it. A finder takes the
`Person` searched for and returns a `Found`: the section's data (plain JSON-ready values) and the
rows it came from, so the audit trail about those rows is exported too. `core` itself adds the
account, the audit trail and the sign-in records.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Person:
    email: str  # lower case, or ""
    phones: frozenset[str]  # normalised mobile numbers
    user: Model | None  # their account, if they have one

    @property
    def addresses(self) -> set[str]:
        """Where messages to this person would have gone."""
        return {self.email, *self.phones} - {""}


@dataclass
class Found:
    data: object
    records: list[Model] = field(default_factory=list)


_finders: dict[str, Callable[[Person], Found]] = {}


def register(section: str, finder: Callable[[Person], Found]) -> None:
    """Add (or replace) the finder for one section of the export."""
    _finders[section] = finder


def stamp(value) -> str | None:
    return value.isoformat() if value else None


def finders() -> dict[str, Callable[[Person], Found]]:
    """Every app's finders, in the order of INSTALLED_APPS."""
    autodiscover_modules("personal_data")
    return dict(_finders)


def person_data(*, email: str = "", phones: set[str] | frozenset[str] = frozenset()) -> dict:
    """Return everything held about the person with this email address and/or these numbers."""
    email = email.strip().lower()
    user = get_user_model().objects.filter(email=email).first() if email else None
    person = Person(email=email, phones=frozenset(phones), user=user)
    data = {
        "generated_at": timezone.now().isoformat(),
        "searched_for": {"email": email or None, "phone": sorted(phones) or None},
        "account": _account(user),
    }
    records: list[Model] = [user] if user else []
    for section, finder in finders().items():
        found = finder(person)
        data[section] = found.data
        records.extend(found.records)
    data["audit_trail"] = _audit_trail(person, records)
    data["sign_in_records"] = _sign_ins(person)
    return data


def _account(user) -> dict | None:
    if user is None:
        return None
    return {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "date_joined": stamp(user.date_joined),
        "last_login": stamp(user.last_login),
        "roles": [str(role) for role in user.role_assignments.all()],
    }


def _audit_trail(person: Person, records: list[Model]) -> list[dict]:
    """Entries written by the person, and entries about their account or any record about them."""
    from joinedup.core.models import AuditEntry

    match = Q(actor=person.user) if person.user else Q(pk__in=[])
    by_type: dict[int, set[str]] = {}
    for record in records:
        content_type = ContentType.objects.get_for_model(record)
        by_type.setdefault(content_type.pk, set()).add(str(record.pk))
    for content_type_id, ids in by_type.items():
        match |= Q(content_type_id=content_type_id, object_id__in=sorted(ids))
    entries = AuditEntry.objects.filter(match).select_related("content_type").order_by("created_at", "id")
    return [
        {
            "at": stamp(entry.created_at),
            "by": entry.actor_label,
            "action": entry.action,
            "record": f"{entry.content_type.app_label}.{entry.content_type.model} {entry.object_repr}",
            "changes": entry.changes,
        }
        for entry in entries
    ]


def _sign_ins(person: Person) -> list[dict]:
    """Successful and failed sign-ins recorded under the person's email address."""
    if not person.email:
        return []
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    rows = [
        {
            "at": stamp(log.attempt_time),
            "outcome": "signed in",
            "signed_out_at": stamp(log.logout_time),
            "ip_address": log.ip_address,
            "browser": log.user_agent,
        }
        for log in AccessLog.objects.filter(username__iexact=person.email)
    ]
    rows += [
        {
            "at": stamp(log.attempt_time),
            "outcome": "wrong password",
            "ip_address": log.ip_address,
            "browser": log.user_agent,
        }
        for log in AccessFailureLog.objects.filter(username__iexact=person.email)
    ]
    rows += [
        {
            "at": stamp(attempt.attempt_time),
            "outcome": f"{attempt.failures_since_start} failed attempts in a row (lock-out count)",
            "ip_address": attempt.ip_address,
            "browser": attempt.user_agent,
        }
        for attempt in AccessAttempt.objects.filter(username__iexact=person.email)
    ]
    return sorted(rows, key=lambda row: row["at"] or "")
