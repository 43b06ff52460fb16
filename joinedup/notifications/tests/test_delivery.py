import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from joinedup.notifications import delivery
from joinedup.notifications.models import Message, MessageStatus
from joinedup.notifications.services import message_queue
from joinedup.notifications.tasks import deliver_due_messages, deliver_message
from joinedup.notifications.tests.conftest import CONTEXT

pytestmark = pytest.mark.django_db


def make_due(message):
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


def age_claim(message, minutes=11):
    Message.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - datetime.timedelta(minutes=minutes))


def test_smtp_down_then_up_delivers_exactly_once(smtp_server, queue, settings, closed_port):
    server_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port
    message = queue()

    assert deliver_message.call(message.pk) == MessageStatus.PENDING
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at > timezone.now()
    assert "Could not connect to the mail server" in message.last_error
    assert smtp_server == []

    # Not due yet: the sweep leaves it alone.
    deliver_due_messages.call()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 1)

    settings.EMAIL_PORT = server_port
    make_due(message)
    deliver_due_messages.call()
    deliver_due_messages.call()

    assert len(smtp_server) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 2
    assert message.last_error == ""


def test_retries_wait_longer_each_time_then_give_up(smtp_server, queue, settings, closed_port):
    settings.EMAIL_PORT = closed_port
    message = queue()
    waits = []
    for attempt in range(1, delivery.MAX_ATTEMPTS):
        make_due(message)
        assert delivery.deliver(message.pk) == MessageStatus.PENDING
        message.refresh_from_db()
        assert message.attempts == attempt
        waits.append(message.next_attempt_at - message.updated_at)
    assert waits == list(delivery.RETRY_DELAYS)

    make_due(message)
    assert delivery.deliver(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    assert message.attempts == delivery.MAX_ATTEMPTS == 6
    assert message.last_error.startswith("Gave up after 6 attempts.")
    make_due(message)
    assert delivery.deliver(message.pk) is None
    assert smtp_server == []


def test_a_retry_is_queued_for_when_it_is_due(smtp_server, queue, settings, closed_port):
    from django_tasks_db.models import DBTaskResult

    settings.EMAIL_PORT = closed_port
    message = queue()
    delivery.deliver(message.pk)
    message.refresh_from_db()
    task = DBTaskResult.objects.get(task_path="joinedup.notifications.tasks.deliver_message")
    assert task.run_after == message.next_attempt_at
    assert task.args_kwargs["args"] == [message.pk]


def test_an_invalid_address_fails_at_once(smtp_server, queue):
    message = queue(recipient="not an email address")
    assert deliver_message.call(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    assert message.attempts == 1
    assert "is not a valid email address" in message.last_error
    assert smtp_server == []


def test_a_worker_killed_after_sending_leaves_the_message_uncertain(smtp_server, queue):
    message = queue()
    # The worker sends, then dies before it can record that it sent.
    with (
        mock.patch.object(delivery, "_record_sent", side_effect=SystemExit("worker killed")),
        pytest.raises(SystemExit),
    ):
        deliver_message.call(message.pk)
    assert len(smtp_server) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING

    # Within the lease the sweep leaves it alone (the worker may still be busy).
    deliver_due_messages.call()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING

    age_claim(message)
    deliver_due_messages.call()
    deliver_due_messages.call()
    message.refresh_from_db()
    assert message.status == MessageStatus.UNCERTAIN
    assert "may or may not have gone" in message.last_error
    assert len(smtp_server) == 1
    assert deliver_message.call(message.pk) is None
    assert len(smtp_server) == 1


def test_a_stuck_message_is_never_resent(smtp_server, queue):
    message = queue()
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, attempts=1)
    age_claim(message)
    assert deliver_due_messages.call() == {"uncertain": 1}
    message.refresh_from_db()
    assert message.status == MessageStatus.UNCERTAIN
    assert smtp_server == []


def test_a_slow_worker_that_finishes_after_the_lease_records_sent(smtp_server, queue):
    message = queue()
    claimed = delivery.claim(message.pk)
    age_claim(message)
    delivery.expire_claims()
    claimed.claimed_at = Message.objects.get(pk=message.pk).claimed_at
    delivery._record_sent(claimed, "<id@example>")
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_two_workers_claiming_one_message_only_one_sends(smtp_server, queue):
    message = queue()
    first = delivery.claim(message.pk)
    second = delivery.claim(message.pk)
    assert first is not None
    assert second is None
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENDING, 1)

    # A second worker running the task for the same message does nothing.
    assert deliver_message.call(message.pk) is None
    assert smtp_server == []


def test_two_workers_delivering_send_once(smtp_server, queue):
    message = queue()
    outcomes = [deliver_message.call(message.pk), deliver_message.call(message.pk), deliver_due_messages.call()]
    assert outcomes[0] == MessageStatus.SENT
    assert outcomes[1] is None
    assert len(smtp_server) == 1


def test_a_connection_that_breaks_while_sending_is_uncertain(settings, queue):
    """A mail server that drops the connection after taking the message: it may have gone."""
    import socket

    from aiosmtpd.controller import Controller

    received = []

    class DropAfterData:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            received.append(envelope.content)
            server.transport.close()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(DropAfterData(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        message = queue()
        assert deliver_message.call(message.pk) == MessageStatus.UNCERTAIN
        make_due(message)
        deliver_due_messages.call()
    finally:
        controller.stop()
    message.refresh_from_db()
    assert message.status == MessageStatus.UNCERTAIN
    assert "may have gone" in message.last_error
    assert len(received) == 1


def test_the_command_sends_due_messages(smtp_server, queue, capsys):
    queue()
    queue()
    call_command("deliver_messages")
    assert len(smtp_server) == 2
    assert "sent: 2" in capsys.readouterr().out
    call_command("deliver_messages")
    assert "Nothing to do." in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_a_task_worker_delivers_the_message_after_commit(smtp_server, council):
    """The whole path: a service's transaction commits, the worker takes the task and sends."""
    with transaction.atomic():
        message = message_queue(
            council=council,
            event="request.submitted",
            channel="email",
            recipient="resident@example.org",
            context=CONTEXT,
            dedupe_key="worker-test",
        )
    call_command("db_worker", "--batch", "--queue-name", "default")
    assert len(smtp_server) == 1
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_one_worker_reuses_its_mail_connection_and_replaces_a_dead_one(settings, queue):
    """Connecting costs more than sending, so a worker keeps its connection; a closed one is replaced."""
    import socket as socket_module

    from aiosmtpd.controller import Controller

    from joinedup.notifications.delivery import _mail_connection_drop, deliver

    sessions, received = [], []

    class Collector:
        async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
            sessions.append(hostname)
            session.host_name = hostname
            return responses

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            received.append(envelope.rcpt_tos[0])
            return "250 OK"

    with socket_module.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    _mail_connection_drop()
    controller = Controller(Collector(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        first, second = queue(recipient="a@example.org"), queue(recipient="b@example.org")
        assert deliver(first.pk) == deliver(second.pk) == "sent"
        assert len(sessions) == 1  # both over one connection
    finally:
        controller.stop()
    # The server went away and came back: the old connection is dead, a new one is made.
    controller = Controller(Collector(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        third = queue(recipient="c@example.org")
        assert deliver(third.pk) == "sent"
    finally:
        controller.stop()
        _mail_connection_drop()
    assert received == ["a@example.org", "b@example.org", "c@example.org"]
    assert len(sessions) == 2
