"""Delivering many messages at once: claimed in batches, one mail connection, few commits, never twice."""

import datetime
import socket
import threading
from unittest import mock

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from joinedup.notifications import delivery
from joinedup.notifications.models import Message, MessageStatus

pytestmark = pytest.mark.django_db


def age_claims(minutes=11):
    Message.objects.filter(status=MessageStatus.SENDING).update(
        claimed_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_deliver_many_sends_each_message_once_and_records_every_outcome(smtp_server, queue):
    good = [queue(recipient=f"person{n}@example.org") for n in range(7)]
    bad = queue(recipient="not an address")
    ids = [message.pk for message in good] + [bad.pk]

    counts = delivery.deliver_many(ids + ids[:2], batch_size=3)  # a repeated id is sent once

    assert counts == {"sent": 7, "failed": 1}
    assert sorted(str(email["To"]) for email in smtp_server) == sorted(f"person{n}@example.org" for n in range(7))
    for message in good:
        message.refresh_from_db()
        assert (message.status, message.attempts) == (MessageStatus.SENT, 1)
        assert message.sent_at is not None
        assert message.provider_reference == delivery.message_id_header(message)
    bad.refresh_from_db()
    assert bad.status == MessageStatus.FAILED
    assert "is not a valid email address" in bad.last_error

    # Running it again sends nothing: every message is already dealt with.
    assert delivery.deliver_many(ids) == {"taken by another worker": 8}
    assert len(smtp_server) == 7


def test_deliver_many_leaves_alone_messages_that_are_not_due(smtp_server, queue):
    later = queue()
    Message.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + datetime.timedelta(minutes=5))
    now = queue()
    assert delivery.deliver_many([later.pk, now.pk]) == {"sent": 1, "taken by another worker": 1}
    assert Message.objects.get(pk=later.pk).status == MessageStatus.PENDING


def test_a_batch_uses_one_mail_connection_and_checks_it_once(settings, queue):
    from aiosmtpd.controller import Controller

    sessions, noops, received = [], [], []

    class Collector:
        async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
            sessions.append(hostname)
            session.host_name = hostname
            return responses

        async def handle_NOOP(self, server, session, envelope, arg):  # noqa: N802
            noops.append(arg)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            received.append(envelope.rcpt_tos[0])
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    delivery._mail_connection_drop()
    controller = Controller(Collector(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        ids = [queue(recipient=f"p{n}@example.org").pk for n in range(10)]
        assert delivery.deliver_many(ids, batch_size=5) == {"sent": 10}
    finally:
        controller.stop()
        delivery._mail_connection_drop()
    assert len(received) == 10
    assert len(sessions) == 1
    # The first batch opens the connection; the second checks it once, not before every email.
    assert len(noops) == 1


def test_few_commits_for_a_batch(smtp_server, queue):
    ids = [queue(recipient=f"p{n}@example.org").pk for n in range(10)]
    with mock.patch.object(transaction, "atomic", wraps=transaction.atomic) as atomic:
        assert delivery.deliver_many(ids, batch_size=10) == {"sent": 10}
    # One transaction to claim the batch, one to record it: not one or more per message.
    assert atomic.call_count == 2


def test_a_worker_killed_mid_batch_leaves_the_batch_uncertain_never_resent(smtp_server, queue):
    messages = [queue(recipient=f"p{n}@example.org") for n in range(5)]
    later = queue(recipient="later@example.org")
    ids = [message.pk for message in messages]

    real_send = delivery.send
    sent = []

    def send_then_die(message):
        if len(sent) == 3:
            raise SystemExit("worker killed")
        sent.append(message.pk)
        return real_send(message)

    # The worker sends three emails of the batch of five, then dies before recording anything.
    with mock.patch.object(delivery, "send", side_effect=send_then_die), pytest.raises(SystemExit):
        delivery.deliver_many([*ids, later.pk], batch_size=5)
    assert len(smtp_server) == 3
    assert set(Message.objects.filter(pk__in=ids).values_list("status", flat=True)) == {MessageStatus.SENDING}
    assert Message.objects.get(pk=later.pk).status == MessageStatus.PENDING  # not yet claimed

    # Within the lease the sweep sends the next batch but leaves the dead worker's alone.
    assert delivery.deliver_due() == {"sent": 1}
    assert set(Message.objects.filter(pk__in=ids).values_list("status", flat=True)) == {MessageStatus.SENDING}

    age_claims()
    assert delivery.deliver_due() == {"uncertain": 5}
    assert delivery.deliver_due() == {}
    assert delivery.deliver_many(ids) == {"taken by another worker": 5}
    for message in Message.objects.filter(pk__in=ids):
        assert message.status == MessageStatus.UNCERTAIN
        assert "may or may not have gone" in message.last_error
    assert len(smtp_server) == 4  # the 3 before the crash and the later one: none twice


def test_a_worker_killed_after_sending_a_batch_before_recording_it(smtp_server, queue):
    ids = [queue(recipient=f"p{n}@example.org").pk for n in range(4)]
    with (
        mock.patch.object(delivery, "_record_sent_emails", side_effect=SystemExit("worker killed")),
        pytest.raises(SystemExit),
    ):
        delivery.deliver_many(ids)
    assert len(smtp_server) == 4
    age_claims()
    assert delivery.deliver_due() == {"uncertain": 4}
    assert len(smtp_server) == 4


def test_a_failure_while_recording_rolls_back_the_whole_record_not_half(smtp_server, queue):
    ids = [queue(recipient=f"p{n}@example.org").pk for n in range(3)]
    bad = queue(recipient="not an address")
    with (
        mock.patch.object(delivery, "_record_failed", side_effect=RuntimeError("database went away")),
        pytest.raises(RuntimeError),
    ):
        delivery.deliver_many([*ids, bad.pk])
    # The sent emails were not recorded as sent while the failure was lost: all stay claimed.
    statuses = set(Message.objects.filter(pk__in=[*ids, bad.pk]).values_list("status", flat=True))
    assert statuses == {MessageStatus.SENDING}


def test_a_batch_with_the_mail_server_down_is_retried_later(smtp_server, queue, settings, closed_port):
    server_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port
    delivery._mail_connection_drop()
    ids = [queue(recipient=f"p{n}@example.org").pk for n in range(3)]
    with mock.patch.object(delivery, "get_connection", wraps=delivery.get_connection) as connect:
        assert delivery.deliver_many(ids) == {"pending": 3}
    assert connect.call_count == 1  # tried once for the batch, not once per email
    for message in Message.objects.filter(pk__in=ids):
        assert (message.status, message.attempts) == (MessageStatus.PENDING, 1)
        assert message.next_attempt_at > timezone.now()

    settings.EMAIL_PORT = server_port
    Message.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    assert delivery.deliver_due() == {"sent": 3}
    assert len(smtp_server) == 3


def test_deliver_due_sends_no_more_than_its_limit(smtp_server, queue):
    for n in range(7):
        queue(recipient=f"p{n}@example.org")
    assert delivery.deliver_due(limit=5, batch_size=2) == {"sent": 5}
    assert delivery.deliver_due(limit=5, batch_size=2) == {"sent": 2}
    assert len(smtp_server) == 7


def test_claim_batch_never_hands_out_a_message_twice(queue):
    ids = [queue(recipient=f"p{n}@example.org").pk for n in range(5)]
    first = delivery.claim_batch(ids, limit=3)
    second = delivery.claim_batch(ids, limit=3)
    third = delivery.claim_batch(ids, limit=3)
    assert len(first) == 3
    assert len(second) == 2
    assert third == []
    assert {m.pk for m in first}.isdisjoint({m.pk for m in second})
    for message in Message.objects.filter(pk__in=ids):
        assert (message.status, message.attempts) == (MessageStatus.SENDING, 1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_claimers_on_postgresql_never_share_a_message(council):
    """Real concurrency: separate database connections claiming the same rows at the same time."""
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED and row locks need PostgreSQL (set DATABASE_URL to run this).")
    from joinedup.notifications.services import message_queue
    from joinedup.notifications.tests.conftest import CONTEXT

    with transaction.atomic():
        ids = [
            message_queue(
                council=council,
                event="request.submitted",
                channel="email",
                recipient=f"p{n}@example.org",
                context=CONTEXT,
                dedupe_key=f"concurrent:{n}",
            ).pk
            for n in range(60)
        ]

    # One worker claims a batch and holds its transaction open; another claims meanwhile.
    holding, release = threading.Event(), threading.Event()
    held = []

    def hold_a_batch():
        try:
            with transaction.atomic():
                held.extend(m.pk for m in delivery.claim_batch(limit=10))
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_a_batch)
    holder.start()
    assert holding.wait(10)
    # This connection does not wait for the held rows: it skips them and takes the next ones.
    skipped_to = [m.pk for m in delivery.claim_batch(limit=10)]
    release.set()
    holder.join(10)
    assert len(held) == len(skipped_to) == 10
    assert set(held).isdisjoint(skipped_to)

    # Then four workers race for the rest until nothing is left.
    claimed, errors = [], []
    start = threading.Barrier(4)

    def race():
        try:
            start.wait(10)
            while batch := delivery.claim_batch(limit=3):
                claimed.extend(m.pk for m in batch)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=race) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert errors == []
    assert len(claimed) == len(set(claimed)) == 40
    assert set(held) | set(skipped_to) | set(claimed) == set(ids)
    assert set(Message.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}
