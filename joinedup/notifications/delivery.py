"""
Delivering outbox messages: claim one, send it, record what happened.

Exactly once:

* A worker **claims** a message with one conditional UPDATE (pending and due -> sending, with
  `claimed_at` and `attempts + 1`). Only the worker whose UPDATE changed the row sends it, so
  two workers (or a task and the `deliver_messages` sweep) never send the same message.
* The outcome is recorded with another conditional UPDATE that names the claim.
* Many messages at once (`deliver_many`, `deliver_due`) are claimed in batches of up to
  `BATCH_SIZE`: one transaction picks the due rows (`SELECT ... FOR UPDATE SKIP LOCKED` on
  PostgreSQL, so concurrent workers take different rows without waiting) and marks them all
  `sending`. The batch is then sent over one mail connection and every outcome is recorded in
  one more transaction. So a batch costs two commits, not three per message. If the worker dies
  in the middle of a batch, every message of the batch is left `sending` and the sweep later
  marks it `uncertain`: none is ever sent twice, at the price of a person checking up to a
  batch of messages (which staff can resend from the request's page).
* A message left in `sending` longer than `LEASE` means a worker stopped between sending and
  recording. It may have gone, so the sweep marks it `uncertain` and never sends it again by
  itself; staff can see it and decide. (A text is first looked up at GOV.UK Notify by its
  reference: if Notify has it, it is recorded as sent.)
* A failure that leaves it unclear whether the email went (the connection drops in the middle
  of sending) also makes the message `uncertain`, not a retry. Texts are safe to retry: before
  a second attempt the worker asks Notify whether it already has a text with this reference.

Transient failures (mail server or Notify down, Notify 5xx or 429) go back to `pending` with a
growing delay; permanent ones (a bad address, Notify 400 or 403, no Notify account) fail at once.
"""

import contextlib
import logging
import smtplib
import threading
import uuid
from collections import Counter
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone
from notifications_python_client.errors import APIError, HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from joinedup.notifications.models import Message, MessageChannel, MessageStatus, NotifySettings

logger = logging.getLogger(__name__)

DEFAULT_NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"
NOTIFY_TIMEOUT_SECONDS = 30
# A message still `sending` after this long was dropped by a worker that stopped.
LEASE = timedelta(minutes=10)
# The wait before each retry: after the 1st failed attempt, the 2nd, ...
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Messages claimed together: a worker that dies mid-batch leaves at most this many uncertain.
BATCH_SIZE = 50
# How often to ask Notify whether a sent text arrived, and for how long (Notify keeps 7 days).
STATUS_POLL_INTERVAL = timedelta(minutes=5)
STATUS_POLL_WINDOW = timedelta(days=7)
STATUS_FIRST_CHECK = timedelta(minutes=2)

NOTIFY_FAILURES = {
    "permanent-failure": "The phone network could not deliver it: the number may be wrong or not in use.",
    "temporary-failure": "The phone network could not deliver it: the phone was off or out of signal for 72 hours.",
    "technical-failure": "GOV.UK Notify could not send it because of a technical problem at Notify.",
    "validation-failed": "GOV.UK Notify could not send it: the content or the number was not accepted.",
}


class DeliveryError(Exception):
    pass


class TransientError(DeliveryError):
    """Not sent; worth trying again later."""


class PermanentError(DeliveryError):
    """Not sent, and trying again will not help."""


class UncertainError(DeliveryError):
    """It may have been sent: never send again without a person checking."""


def notify_base_url() -> str:
    return getattr(settings, "NOTIFY_BASE_URL", DEFAULT_NOTIFY_BASE_URL)


def _tasks_support_defer() -> bool:
    from joinedup.notifications.tasks import deliver_message

    return deliver_message.get_backend().supports_defer


# CLAIMING AND RECORDING


def claim(message_id: int, *, now=None) -> Message | None:
    """Take the message for sending if it is pending and due. Return it, or None if not ours."""
    now = now or timezone.now()
    claimed = (
        Message.objects.filter(pk=message_id, status=MessageStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
    )
    if claimed != 1:
        return None
    return Message.objects.select_related("council").get(pk=message_id)


def _due(queryset, now):
    return queryset.filter(status=MessageStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def claim_batch(message_ids=None, *, limit: int = BATCH_SIZE, now=None) -> list[Message]:
    """Take up to `limit` pending, due messages (of `message_ids`, if given) for sending, in one transaction.

    Return the messages this worker now holds, oldest due first. Rows another worker is claiming
    at the same moment are skipped, not waited for (PostgreSQL's SKIP LOCKED; SQLite lets only
    one writer in at a time), and the UPDATE only takes rows that are still pending, so no two
    workers ever hold the same message.
    """
    now = now or timezone.now()
    due = _due(Message.objects.all(), now)
    if message_ids is not None:
        due = due.filter(pk__in=list(message_ids))
    with transaction.atomic():
        ids = list(
            due.order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        _due(Message.objects.filter(pk__in=ids), now).update(
            status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
        )
        return list(
            Message.objects.select_related("council")
            .filter(pk__in=ids, status=MessageStatus.SENDING, claimed_at=now)
            .order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
        )


def _ours(message: Message, *statuses):
    """The message row, only while it is still in the claim this worker made."""
    return Message.objects.filter(
        pk=message.pk, claimed_at=message.claimed_at, status__in=statuses or (MessageStatus.SENDING,)
    )


def _record_sent(message: Message, provider_reference: str) -> str:
    now = timezone.now()
    # The sweep may have marked it uncertain while this worker was slow: it did go, so say so.
    updated = _ours(message, MessageStatus.SENDING, MessageStatus.UNCERTAIN).update(
        status=MessageStatus.SENT,
        sent_at=now,
        provider_reference=provider_reference[:100],
        last_error="",
        next_attempt_at=None,
        updated_at=now,
    )
    if not updated:
        logger.warning("Message %s was sent but its claim had changed; not recorded", message.pk)
    elif message.channel == MessageChannel.SMS and _tasks_support_defer():
        from joinedup.notifications.tasks import message_status_refresh

        try:
            with transaction.atomic():  # a savepoint: a failure here must not spoil a batch's transaction
                message_status_refresh.using(run_after=now + STATUS_FIRST_CHECK).enqueue(message.pk)
        except Exception:  # the sweep checks statuses too
            logger.exception("Could not queue a status check for message %s", message.pk)
    return MessageStatus.SENT


def _record_failed(message: Message, error: str) -> str:
    logger.warning("Message %s failed: %s", message.pk, error)
    _ours(message).update(
        status=MessageStatus.FAILED, last_error=error, next_attempt_at=None, updated_at=timezone.now()
    )
    return MessageStatus.FAILED


def _record_uncertain(message: Message, error: str) -> str:
    logger.error("Message %s may or may not have been sent: %s", message.pk, error)
    _ours(message).update(status=MessageStatus.UNCERTAIN, last_error=error, updated_at=timezone.now())
    return MessageStatus.UNCERTAIN


def _record_retry(message: Message, error: str) -> str:
    if message.attempts >= MAX_ATTEMPTS:
        return _record_failed(message, f"Gave up after {message.attempts} attempts. Last error: {error}")
    now = timezone.now()
    next_attempt_at = now + RETRY_DELAYS[message.attempts - 1]
    # A warning: while the mail server (or Notify) is down, these are what operators need to see.
    logger.warning("Message %s not sent (%s); trying again at %s", message.pk, error, next_attempt_at.isoformat())
    updated = _ours(message).update(
        status=MessageStatus.PENDING, next_attempt_at=next_attempt_at, last_error=error, updated_at=now
    )
    if updated and _tasks_support_defer():
        from joinedup.notifications.tasks import deliver_message

        try:
            with transaction.atomic():  # a savepoint: a failure here must not spoil a batch's transaction
                deliver_message.using(run_after=next_attempt_at).enqueue(message.pk)
        except Exception:  # the sweep picks it up when it is due
            logger.exception("Could not queue the retry of message %s", message.pk)
    return MessageStatus.PENDING


def _attempt(message: Message) -> tuple:
    """Send one claimed message. Return how to record the outcome: (recorder, detail)."""
    try:
        return _record_sent, send(message)
    except TransientError as error:
        return _record_retry, str(error)
    except PermanentError as error:
        return _record_failed, str(error)
    except UncertainError as error:
        return _record_uncertain, str(error)
    except Exception as error:
        # A fault we did not foresee: it may have happened after sending, so never resend.
        logger.exception("Unexpected error sending message %s", message.pk)
        return _record_uncertain, f"Unexpected error while sending: {error!r}"


def deliver(message_id: int) -> str | None:
    """Claim, send and record one message. Return its new status, or None if it was not ours to send."""
    message = claim(message_id)
    if message is None:
        return None
    recorder, detail = _attempt(message)
    result = recorder(message, detail)
    if result == MessageStatus.SENT:
        retry_sooner([message])
    return result


def retry_sooner(sent: list[Message]) -> int:
    """The server has taken a message again: messages waiting for a later retry are due now.

    Without this, a message that failed during an outage waits out its back-off (up to 30
    minutes at the third try) even though the server came back long before. Emails share one
    mail server; texts go through each council's own Notify account, so only that council's.
    """
    now = timezone.now()
    waiting = Message.objects.filter(status=MessageStatus.PENDING, attempts__gt=0, next_attempt_at__gt=now)
    scope = Q()
    for message in {(m.channel, m.council_id): m for m in sent}.values():
        if message.channel == MessageChannel.EMAIL:
            scope |= Q(channel=MessageChannel.EMAIL)
        else:
            scope |= Q(channel=message.channel, council_id=message.council_id)
    if not scope:
        return 0
    moved = waiting.filter(scope).update(next_attempt_at=now, updated_at=now)
    if moved:
        logger.warning("Sending works again: %s message(s) waiting to be tried again are due now", moved)
        from joinedup.notifications.tasks import deliver_due_messages

        try:
            with transaction.atomic():
                deliver_due_messages.enqueue()
        except Exception:  # the every-minute sweep sends them anyway
            logger.exception("Could not queue the sending of the messages waiting to be tried again")
    return moved


def _deliver_claimed(messages: list[Message]) -> list[str]:
    """Send a claimed batch over one mail connection, then record every outcome in one transaction."""
    if not messages:
        return []
    _mail_check()  # once per batch: the messages then go back to back
    try:
        outcomes = [(message, *_attempt(message)) for message in messages]
    finally:
        _mail.trusted, _mail.down = False, None
    with transaction.atomic():
        sent_emails = [
            (message, detail)
            for message, recorder, detail in outcomes
            if recorder is _record_sent and message.channel == MessageChannel.EMAIL
        ]
        results = _record_sent_emails(sent_emails)
        results += [
            recorder(message, detail)
            for message, recorder, detail in outcomes
            if not (recorder is _record_sent and message.channel == MessageChannel.EMAIL)
        ]
    sent = [message for message, recorder, _ in outcomes if recorder is _record_sent]
    if sent:
        retry_sooner(sent)
    return results


def _record_sent_emails(sent: list[tuple[Message, str]]) -> list[str]:
    """Record a batch's sent emails in one UPDATE (what `_record_sent` does for each, in one statement)."""
    if not sent:
        return []
    now = timezone.now()
    rows = Message.objects.none()
    for claimed_at in {message.claimed_at for message, _ in sent}:
        rows |= Message.objects.filter(
            pk__in=[message.pk for message, _ in sent if message.claimed_at == claimed_at], claimed_at=claimed_at
        )
    updated = rows.filter(status__in=(MessageStatus.SENDING, MessageStatus.UNCERTAIN)).update(
        status=MessageStatus.SENT,
        sent_at=now,
        provider_reference=Case(
            *(When(pk=message.pk, then=Value(reference[:100])) for message, reference in sent),
            output_field=CharField(),
        ),
        last_error="",
        next_attempt_at=None,
        updated_at=now,
    )
    if updated != len(sent):
        logger.warning("%s email(s) were sent but their claim had changed; not recorded", len(sent) - updated)
    return [MessageStatus.SENT] * len(sent)


def send(message: Message) -> str:
    """Send one claimed message; return the provider's reference. Raises a DeliveryError."""
    if message.channel == MessageChannel.EMAIL:
        return _send_email(message)
    if message.channel == MessageChannel.SMS:
        return _send_sms(message)
    raise PermanentError(f"Cannot send a message by {message.channel!r}.")


# EMAIL


def message_id_header(message: Message) -> str:
    """A Message-ID made from the outbox row, so every attempt at one message uses the same one."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or str(DNS_NAME)
    return f"<joinedup.{message.pk}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"


def _smtp_reply(code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return f"{code} {text}".strip()


_mail = threading.local()


def _mail_settings() -> tuple:
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
    )


def _mail_connection():
    """Return an open mail connection for this worker thread, reusing the last one while it answers.

    Opening a connection (and TLS, and signing in) costs more than sending one email, so a
    worker keeps it between messages. A NOOP checks it is still alive before each use: a
    connection the server has closed is replaced before anything is sent on it.
    """
    connection = getattr(_mail, "connection", None)
    if connection is not None and getattr(_mail, "settings", None) == _mail_settings():
        smtp = getattr(connection, "connection", None)
        if smtp is None and not hasattr(connection, "connection"):
            return connection  # a backend with no SMTP session (the console or memory backend)
        if smtp is not None and getattr(_mail, "trusted", False):
            return connection  # checked at the start of this batch
        try:
            if smtp is not None and smtp.noop()[0] == 250:
                return connection
        except (smtplib.SMTPException, OSError):
            pass
    _mail_connection_drop()
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except OSError:
        with contextlib.suppress(Exception):  # already failing: the open error is the one to report
            connection.close()
        raise
    _mail.connection, _mail.settings = connection, _mail_settings()
    return connection


def _mail_check() -> None:
    """At the start of a batch, check this thread's mail connection once (NOOP) and trust it for the batch.

    The batch's emails then go back to back with no NOOP before each. If the server goes away in
    the middle, the email being sent is recorded as uncertain, and the next batch reconnects.
    """
    _mail.trusted, _mail.down = False, None
    try:
        _mail_connection()
    except OSError as error:
        # Every email of the batch will wait for a retry, without trying (and perhaps timing out)
        # once each: a slow batch could outlive its claims' lease.
        _mail.down = error
        return
    _mail.trusted = True


def _mail_connection_drop() -> None:
    """Close this thread's mail connection, if any; the next email opens a new one."""
    connection = getattr(_mail, "connection", None)
    _mail.connection, _mail.trusted = None, False
    if connection is not None:
        try:
            connection.close()
        except Exception:
            logger.warning("Could not close the mail server connection cleanly", exc_info=True)


class _BuiltOnce(EmailMessage):
    """An email whose MIME message is built once: checked before sending, then sent as built."""

    _built = None

    def message(self, *args, **kwargs):
        if self._built is None:
            self._built = super().message(*args, **kwargs)
        return self._built


def _send_email(message: Message) -> str:
    try:
        validate_email(message.recipient)
    except ValidationError:
        raise PermanentError(f"{message.recipient!r} is not a valid email address.") from None
    message_id = message_id_header(message)
    email = _BuiltOnce(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
    )
    try:
        email.message()  # any fault in the headers shows here, before anything is sent
    except ValueError as error:
        raise PermanentError(f"The email could not be made: {error}") from error

    down = getattr(_mail, "down", None)
    if down is not None:
        raise TransientError(f"Could not connect to the mail server: {down!r}")
    try:
        connection = _mail_connection()
    except OSError as error:  # refused, timed out, TLS or sign-in failure: nothing was sent
        raise TransientError(f"Could not connect to the mail server: {error!r}") from error
    try:
        sent = connection.send_messages([email])
    except smtplib.SMTPRecipientsRefused as error:
        replies = [_smtp_reply(code, text) for code, text in error.recipients.values()]
        if all(400 <= code < 500 for code, _ in error.recipients.values()):
            raise TransientError(f"The mail server asked us to try later: {'; '.join(replies)}") from error
        raise PermanentError(
            f"The mail server refused the address {message.recipient}: {'; '.join(replies)}"
        ) from error
    except smtplib.SMTPResponseException as error:  # the server answered "no": nothing was sent
        _mail_connection_drop()
        reply = _smtp_reply(error.smtp_code, error.smtp_error)
        if 400 <= error.smtp_code < 500:
            raise TransientError(f"The mail server asked us to try later: {reply}") from error
        raise PermanentError(f"The mail server refused the email: {reply}") from error
    except OSError as error:  # the connection broke mid-way: it may have gone
        _mail_connection_drop()
        raise UncertainError(
            f"The connection to the mail server broke while sending, so the email may have gone: {error!r}"
        ) from error
    if not sent:
        raise TransientError("The email backend did not send the email.")
    return message_id


# TEXT MESSAGES (GOV.UK Notify)


def api_key_is_well_formed(key: str) -> bool:
    """A Notify API key is `{key name}-{service id}-{secret}`; the client slices the two UUIDs off the end."""
    try:
        uuid.UUID(key[-73:-37])
        uuid.UUID(key[-36:])
    except ValueError:
        return False
    return len(key) > 74 and key[-37] == "-" and key[-74] == "-"


def notify_client(council) -> tuple[NotificationsAPIClient, NotifySettings]:
    """Return a Notify client for the council. PermanentError if it has no usable Notify settings."""
    notify = NotifySettings.objects.filter(council=council).first()
    if notify is None:
        raise PermanentError(
            f"{council.name} has no GOV.UK Notify settings, so text messages cannot be sent. "
            "An administrator must add the council's Notify API key and text template."
        )
    key = notify.api_key.strip()
    if not api_key_is_well_formed(key):
        raise PermanentError(
            f"{council.name}'s GOV.UK Notify API key is not in the right form "
            "(key name, service id and secret, joined by hyphens). Copy it again from Notify."
        )
    client = NotificationsAPIClient(key, base_url=notify_base_url(), timeout=NOTIFY_TIMEOUT_SECONDS)
    return client, notify


def _notify_errors(error: APIError) -> str:
    found = error.message
    if isinstance(found, list):
        return "; ".join(
            f"{item.get('error', 'Error')}: {item.get('message', '')}" if isinstance(item, dict) else str(item)
            for item in found
        )
    return str(found)


def _notify_failure(error: HTTPError) -> DeliveryError:
    status, detail = error.status_code, _notify_errors(error)
    if error.response is None:  # no answer: refused, timed out, or cut off
        return TransientError(f"Could not reach GOV.UK Notify: {error.__cause__ or detail!r}")
    if status == 429:
        return TransientError(f"GOV.UK Notify asked us to slow down (429): {detail}")
    if status >= 500:
        return TransientError(f"GOV.UK Notify had a problem ({status}): {detail}")
    if status in (401, 403):
        return PermanentError(
            f"GOV.UK Notify refused the council's API key ({status}): {detail}. "
            "Check the key in the council's Notify settings."
        )
    return PermanentError(f"GOV.UK Notify refused the text message ({status}): {detail}")


def _find_at_notify(client: NotificationsAPIClient, reference: str) -> dict | None:
    """Return the text Notify already has with this reference, if an earlier attempt got through."""
    try:
        found = client.get_all_notifications(reference=reference, template_type="sms")
    except APIError as error:
        raise TransientError(f"Could not check GOV.UK Notify for an earlier attempt: {error}") from error
    for notification in found.get("notifications") or []:
        if notification.get("reference") == reference and notification.get("id"):
            return notification
    return None


def _send_sms(message: Message) -> str:
    client, notify = notify_client(message.council)
    reference = str(message.pk)
    if message.attempts > 1:
        # An earlier attempt may have reached Notify even though we saw an error.
        earlier = _find_at_notify(client, reference)
        if earlier is not None:
            return earlier["id"]
    try:
        response = client.send_sms_notification(
            phone_number=message.recipient,
            template_id=notify.sms_template_id,
            personalisation={"text": message.body},
            reference=reference,
            sms_sender_id=notify.sms_sender_id or None,
        )
    except HTTPError as error:
        raise _notify_failure(error) from error
    except APIError as error:  # an answer we could not read: Notify may have the text
        raise TransientError(f"GOV.UK Notify sent an answer we could not read: {error}") from error
    notification_id = (response or {}).get("id")
    if not notification_id:
        raise UncertainError(f"GOV.UK Notify accepted the text but gave no id: {response!r}")
    return notification_id


# THE SWEEP: lost tasks, retries, stuck messages, delivery receipts


def expire_claims(*, now=None) -> int:
    """Mark messages left `sending` past the lease as `uncertain` (or `sent` if Notify has the text)."""
    now = now or timezone.now()
    stuck = Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=now - LEASE).select_related("council")
    marked = 0
    for message in stuck:
        if message.channel == MessageChannel.SMS:
            try:
                client, _ = notify_client(message.council)
                earlier = _find_at_notify(client, str(message.pk))
            except DeliveryError:
                earlier = None
            if earlier is not None:
                _record_sent(message, earlier["id"])
                continue
        marked += _ours(message).update(
            status=MessageStatus.UNCERTAIN,
            last_error=(
                "The worker stopped while sending this message, so it may or may not have gone. "
                "It will not be sent again automatically: check with the recipient before resending."
            ),
            updated_at=now,
        )
    if marked:
        logger.error("%s message(s) marked uncertain after a worker stopped while sending", marked)
    return marked


def due_message_ids(*, now=None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        Message.objects.filter(status=MessageStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )


def deliver_many(message_ids: list[int], *, batch_size: int = BATCH_SIZE) -> dict:
    """Deliver the messages in batches (see the top of this module). Return counts by outcome.

    A message that is not pending and due (already sent, or held by another worker) is counted
    as "taken by another worker" and left alone.
    """
    message_ids = list(dict.fromkeys(message_ids))
    counts = Counter()
    for start in range(0, len(message_ids), batch_size):
        chunk = message_ids[start : start + batch_size]
        messages = claim_batch(chunk, limit=len(chunk))
        counts["taken by another worker"] += len(chunk) - len(messages)
        counts.update(_deliver_claimed(messages))
    return {str(key): value for key, value in counts.items() if value}


def deliver_due(*, limit: int = 500, batch_size: int = BATCH_SIZE) -> dict:
    """Expire stale claims, send every due message and check sent texts. Return counts by outcome."""
    counts = Counter()
    counts["uncertain"] += expire_claims()
    remaining = limit
    while remaining > 0:
        messages = claim_batch(limit=min(batch_size, remaining))
        if not messages:
            break
        remaining -= len(messages)
        counts.update(_deliver_claimed(messages))
    counts["status checked"] += refresh_sms_statuses()
    return {str(key): value for key, value in counts.items() if value}


def status_refresh(message_id: int) -> str:
    """Ask GOV.UK Notify whether a sent text arrived; record delivered or failed. Return the status."""
    message = Message.objects.select_related("council").get(pk=message_id)
    if message.channel != MessageChannel.SMS or message.status != MessageStatus.SENT or not message.provider_reference:
        return message.status
    now = timezone.now()
    try:
        client, _ = notify_client(message.council)
        notification = client.get_notification_by_id(message.provider_reference)
    except (DeliveryError, APIError) as error:
        logger.warning("Could not check the status of message %s: %s", message.pk, error)
        Message.objects.filter(pk=message.pk).update(updated_at=now)
        return message.status
    notify_status = (notification or {}).get("status", "")
    sent = Message.objects.filter(pk=message.pk, status=MessageStatus.SENT)
    if notify_status == "delivered":
        sent.update(status=MessageStatus.DELIVERED, updated_at=now)
        return MessageStatus.DELIVERED
    if notify_status in NOTIFY_FAILURES:
        sent.update(
            status=MessageStatus.FAILED,
            last_error=f"{NOTIFY_FAILURES[notify_status]} ({notify_status})",
            updated_at=now,
        )
        return MessageStatus.FAILED
    sent.update(updated_at=now)  # still on its way: check again later
    return message.status


def refresh_sms_statuses(*, limit: int = 200) -> int:
    """Check the texts sent in the last 7 days whose status was not checked in the last 5 minutes."""
    now = timezone.now()
    ids = list(
        Message.objects.filter(
            channel=MessageChannel.SMS,
            status=MessageStatus.SENT,
            sent_at__gte=now - STATUS_POLL_WINDOW,
            updated_at__lte=now - STATUS_POLL_INTERVAL,
        )
        .exclude(provider_reference="")
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in ids:
        status_refresh(message_id)
    return len(ids)
