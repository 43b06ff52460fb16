"""The audit trail: services call `audit_record` for every write they make."""

import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from joinedup.core.models import AuditEntry


def _plain(value):
    """Return a value that JSON can hold, for the `changes` of an audit entry."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime | datetime.time | uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def field_changes(instance: models.Model, new_values: dict) -> dict:
    """Return {field: {"from": old, "to": new}} for the values that differ from the instance's."""
    changes = {}
    for name, new in new_values.items():
        old = getattr(instance, name)
        if old != new:
            changes[name] = {"from": _plain(old), "to": _plain(new)}
    return changes


def audit_record(*, actor, action: str, instance: models.Model, council=None, changes=None, source=""):
    """Write one audit entry. `actor` None means a trusted system process named by `source`."""
    label = actor.email if actor is not None else f"system: {source}" if source else "system"
    return AuditEntry.objects.create(
        council=council,
        actor=actor,
        actor_label=label[:254],
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=_plain(changes or {}),
    )
