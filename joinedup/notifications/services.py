"""
Every write to the notifications outbox and to councils' message wording.

`message_queue` is how any module sends an email or a text: it writes an outbox row in the
caller's transaction and, once that commits, asks a task worker to deliver it
(see `delivery.py`).
"""

import functools
import hashlib
import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from joinedup.accounts import permissions
from joinedup.core.audit import audit_record, field_changes
from joinedup.notifications import rendering
from joinedup.notifications.defaults import DEFAULTS, default_wording
from joinedup.notifications.delivery import api_key_is_well_formed
from joinedup.notifications.models import (
    RESENDABLE_STATUSES,
    Message,
    MessageChannel,
    MessageTemplate,
    NotifySettings,
)

logger = logging.getLogger(__name__)

DEDUPE_KEY_MAX = Message._meta.get_field("dedupe_key").max_length


def _wording(council, event: str, channel: str) -> tuple[str, str]:
    """Return the council's own (subject, body) for the event and channel, or the platform's."""
    default_subject, default_body = default_wording(event, channel)
    own = MessageTemplate.objects.filter(council=council, event=event, channel=channel).first()
    if own is None:
        return default_subject, default_body
    # A council may change only the body of an email and keep the platform's subject.
    return (own.subject or default_subject) if channel == MessageChannel.EMAIL else "", own.body or default_body


def wording_render(subject: str, body: str, channel: str, context: dict) -> tuple[str, str]:
    if channel == MessageChannel.SMS:
        return "", rendering.render_sms(body, context)
    return rendering.tidy_subject(rendering.render(subject, context)), rendering.tidy_body(
        rendering.render(body, context)
    )


def message_preview(*, council, event: str, channel: str, context: dict) -> tuple[str, str]:
    """Return the (subject, body) this council would send for the event; texts have no subject."""
    subject, body = _wording(council, event, channel)
    return wording_render(subject, body, channel, context or {})


def _dedupe_key(key: str) -> str:
    """Keep a long key unique within the column by replacing its end with a hash of the whole."""
    if len(key) <= DEDUPE_KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: DEDUPE_KEY_MAX - len(digest) - 1]}#{digest}"


def _outbox_batch(connection) -> list[int]:
    """Return the list of message ids queued in the current transaction, to be sent after commit.

    The list belongs to a callback waiting in the transaction's on-commit list, so it goes away
    with the transaction: rolled back, the callback is dropped and the next one starts afresh.
    """
    for _savepoints, callback, _robust in connection.run_on_commit:
        if getattr(callback, "outbox_batch", None) is not None:
            return callback.outbox_batch
    batch: list[int] = []
    flush = functools.partial(_enqueue_delivery, batch)
    flush.outbox_batch = batch
    transaction.on_commit(flush, robust=True)
    return batch


def _enqueue_delivery(message_ids: list[int]) -> None:
    """Queue one delivery task for every message the committed transaction put in the outbox.

    One task per transaction, not per message, keeps the task queue's own cost down when a
    change tells many people (a request with many followers, a bulk status change).
    """
    from joinedup.notifications.tasks import deliver_messages

    if message_ids:
        deliver_messages.enqueue(list(message_ids))


def message_queue(
    *,
    council,
    event: str,
    recipient: str,
    channel: str,
    context: dict,
    dedupe_key: str,
    obj: models.Model | None = None,
) -> Message | None:
    """Put an email or text in the outbox, to go once the caller's transaction commits.

    Call it inside the transaction that makes the change the message reports, so the message
    is saved (and sent) only if the change is. Returns None, and queues nothing, if a message
    with the same `dedupe_key` was queued before.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "message_queue must be called inside the transaction that makes the change "
            "(a service wrapped in transaction.atomic)."
        )
    if channel not in MessageChannel.values:
        raise ValueError(f"There is no channel {channel!r}: use 'email' or 'sms'.")
    if event not in DEFAULTS:
        raise ValueError(f"There is no message for the event {event!r}.")
    recipient = (recipient or "").strip()
    if not recipient:
        raise ValueError("A message needs someone to send it to.")
    if len(recipient) > Message._meta.get_field("recipient").max_length:
        raise ValueError("The recipient's address is too long to be real.")
    if not dedupe_key:
        raise ValueError("A message needs a dedupe_key, so it is never queued twice.")
    dedupe_key = _dedupe_key(dedupe_key)
    if Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    subject, body = message_preview(council=council, event=event, channel=channel, context=context)
    message = Message(
        council=council,
        event=event,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        dedupe_key=dedupe_key,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )
    try:
        # A savepoint, so losing a race with another transaction queuing the same message does
        # not spoil the caller's transaction.
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if Message.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    # If enqueuing fails, the message still waits in the outbox for the `deliver_messages` sweep.
    _outbox_batch(transaction.get_connection()).append(message.pk)
    return message


def wording_validate(*, event: str, channel: str, subject: str, body: str) -> None:
    errors = {}
    if event not in DEFAULTS:
        errors["event"] = [f"There is no message for the event {event!r}."]
    if channel not in MessageChannel.values:
        errors["channel"] = ["Choose email or text message."]
    if not body.strip():
        errors["body"] = ["Enter the message"]
    known = ", ".join("{" + name + "}" for name in sorted(rendering.PLACEHOLDERS))
    for field, text in (("subject", subject), ("body", body)):
        unknown = rendering.unknown_placeholders(text)
        if unknown:
            names = ", ".join("{" + name + "}" for name in unknown)
            errors.setdefault(field, []).append(f"Remove or correct {names}: the {field} can only use {known}")
    if len(subject) > 200:
        errors.setdefault("subject", []).append("The subject must be 200 characters or fewer")
    if channel == MessageChannel.SMS and body.strip():
        fixed = rendering.tidy_sms(rendering.render(body, {}))
        if rendering.sms_fragments(fixed) > rendering.SMS_MAX_FRAGMENTS:
            errors.setdefault("body", []).append(
                f"The text message is too long: keep it under {rendering.sms_max_length(fixed)} characters, "
                "with the placeholders"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def message_template_save(*, actor, council, event: str, channel: str, subject: str, body: str) -> MessageTemplate:
    """Save a council's own wording for one event and channel. `actor` None is a system process."""
    if actor is not None:
        permissions.require(
            permissions.can_manage_council(actor, council),
            "Only an administrator or a partnership officer can change this council's messages.",
        )
    subject = (subject or "").strip() if channel == MessageChannel.EMAIL else ""
    body = (body or "").strip()
    wording_validate(event=event, channel=channel, subject=subject, body=body)
    template = MessageTemplate.objects.select_for_update().filter(council=council, event=event, channel=channel).first()
    if template is None:
        template = MessageTemplate.objects.create(
            council=council, event=event, channel=channel, subject=subject, body=body
        )
        action, changes = "notifications.message_template.create", {"subject": subject, "body": body}
    else:
        changes = field_changes(template, {"subject": subject, "body": body})
        if not changes:
            return template
        template.subject, template.body = subject, body
        template.save()
        action = "notifications.message_template.update"
    audit_record(actor=actor, action=action, instance=template, council=council, changes=changes)
    return template


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@transaction.atomic
def notify_settings_save(
    *, actor, council, api_key: str, sms_template_id: str, sms_sender_id: str = "", source: str = ""
) -> NotifySettings:
    """Set the council's GOV.UK Notify account for text messages. The key never goes in the audit trail."""
    if actor is not None:
        permissions.require(
            permissions.can_manage_council(actor, council),
            "Only an administrator or a partnership officer can change this council's GOV.UK Notify account.",
        )
    api_key, sms_template_id, sms_sender_id = (
        (api_key or "").strip(),
        (sms_template_id or "").strip().lower(),
        (sms_sender_id or "").strip().lower(),
    )
    errors = {}
    if not api_key_is_well_formed(api_key):
        errors["api_key"] = [
            "Enter the whole API key from GOV.UK Notify: its name, then the service id and the secret, "
            "joined by hyphens"
        ]
    if not _is_uuid(sms_template_id):
        errors["sms_template_id"] = ["Enter the text message template's ID from GOV.UK Notify, like 1f2e3d4c-..."]
    if sms_sender_id and not _is_uuid(sms_sender_id):
        errors["sms_sender_id"] = ["Enter the text message sender's ID from GOV.UK Notify, or leave it empty"]
    if errors:
        raise ValidationError(errors)
    notify = NotifySettings.objects.select_for_update().filter(council=council).first() or NotifySettings(
        council=council
    )
    changes = {}
    if notify.api_key != api_key:
        # Only the key's name and service: the secret stays out of the audit trail.
        changes["api_key"] = {"from": notify.api_key[:-37], "to": api_key[:-37]}
    changes.update(
        field_changes(notify, {"sms_template_id": sms_template_id, "sms_sender_id": sms_sender_id})
        if notify.pk
        else {"sms_template_id": sms_template_id, "sms_sender_id": sms_sender_id}
    )
    if notify.pk and not changes:
        return notify
    action = "notifications.notify_settings.update" if notify.pk else "notifications.notify_settings.create"
    notify.api_key, notify.sms_template_id, notify.sms_sender_id = api_key, sms_template_id, sms_sender_id
    notify.save()
    audit_record(actor=actor, action=action, instance=notify, council=council, changes=changes, source=source)
    return notify


@transaction.atomic
def message_template_reset(*, actor, council, event: str, channel: str) -> bool:
    """Go back to the platform's wording for one event and channel. Return whether there was any to remove."""
    if actor is not None:
        permissions.require(
            permissions.can_manage_council(actor, council),
            "Only an administrator or a partnership officer can change this council's messages.",
        )
    template = MessageTemplate.objects.filter(council=council, event=event, channel=channel).first()
    if template is None:
        return False
    audit_record(
        actor=actor,
        action="notifications.message_template.reset",
        instance=template,
        council=council,
        changes={"event": event, "channel": channel},
    )
    template.delete()
    return True


@transaction.atomic
def message_resend(*, actor, message: Message, checked: bool) -> Message:
    """Send an uncertain or failed message again, after a member of staff has checked it is needed.

    The new attempt is a new outbox message (`resend_of` points at the old one), so the old
    one's record stays as it was. A message can be resent once; if the resend fails too, that
    one can be resent in turn. Returns the new message, which goes once this transaction commits.
    """
    permissions.require(
        actor is not None and permissions.can_view_staff_pages(actor, message.council),
        "Only the council's staff can resend its messages.",
    )
    if not checked:
        raise ValidationError({"checked": ["Confirm you have checked that the message needs sending again"]})
    original = Message.objects.select_for_update().select_related("council").get(pk=message.pk)
    if original.status not in RESENDABLE_STATUSES:
        raise ValidationError(
            f"This message cannot be resent: it is '{original.get_status_display().lower()}'. "
            "Only a message that could not be sent, or may not have been, can be resent."
        )
    if Message.objects.filter(resend_of=original).exists():
        raise ValidationError("This message has already been resent. Check the new message's delivery instead.")
    resend = Message.objects.create(
        council=original.council,
        event=original.event,
        channel=original.channel,
        recipient=original.recipient,
        subject=original.subject,
        body=original.body,
        object_type=original.object_type,
        object_id=original.object_id,
        dedupe_key=_dedupe_key(f"resend:{original.pk}"),
        resend_of=original,
    )
    audit_record(
        actor=actor,
        action="notifications.message.resend",
        instance=original,
        council=original.council,
        changes={
            "status": original.status,
            "recipient": original.recipient,
            "last_error": original.last_error,
            "resent_as": resend.pk,
        },
    )
    _outbox_batch(transaction.get_connection()).append(resend.pk)
    return resend
