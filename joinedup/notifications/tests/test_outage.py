"""A mail server outage: staff and /healthz see it, retries are warnings, and sending resumes promptly."""

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from joinedup.notifications import delivery
from joinedup.notifications.models import Message, MessageStatus

pytestmark = pytest.mark.django_db


def test_once_the_mail_server_answers_again_waiting_retries_go_at_once(smtp_server, queue, settings, closed_port):
    server_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port
    first, second = queue(), queue(recipient="other@example.org")
    delivery.deliver_many([first.pk, second.pk])
    for message in (first, second):
        message.refresh_from_db()
        assert (message.status, message.attempts) == (MessageStatus.PENDING, 1)
        assert message.next_attempt_at > timezone.now() + datetime.timedelta(seconds=30)

    # The server is back; a new message goes through, so the two waiting ones are due now.
    settings.EMAIL_PORT = server_port
    DBTaskResult.objects.all().delete()
    third = queue(recipient="third@example.org")
    assert delivery.deliver(third.pk) == MessageStatus.SENT
    for message in (first, second):
        message.refresh_from_db()
        assert message.next_attempt_at <= timezone.now()
    assert DBTaskResult.objects.filter(task_path="joinedup.notifications.tasks.deliver_due_messages").count() == 1

    delivery.deliver_due()
    assert sorted(m["to"] for m in smtp_server) == ["other@example.org", "resident@example.org", "third@example.org"]
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}


def test_retries_are_logged_as_warnings(smtp_server, queue, settings, closed_port, caplog):
    settings.EMAIL_PORT = closed_port
    message = queue()
    with caplog.at_level(logging.INFO, logger="joinedup.notifications.delivery"):
        delivery.deliver(message.pk)
    retry = [r for r in caplog.records if "trying again at" in r.getMessage()]
    assert [r.levelname for r in retry] == ["WARNING"]


def test_staff_see_a_banner_while_sending_fails_and_healthz_flags_it(
    client, smtp_server, queue, settings, closed_port, staff_user, council
):
    client.force_login(staff_user)
    staff_page = reverse("notifications:message-list", args=[council.slug])
    assert "are not being sent" not in client.get(staff_page).content.decode()

    server_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port
    delivery.deliver(queue().pk)
    page = client.get(staff_page).content.decode()
    assert "Emails are not being sent at the moment" in page
    assert "1 message to residents and staff is waiting because the mail server did not take it." in page
    assert "Could not connect to the mail server" in page
    health = client.get("/healthz").json()
    assert (health["status"], health["outbox"]["status"], health["outbox"]["retrying"]) == ("degraded", "failing", 1)
    # Residents never see it.
    assert "are not being sent" not in client.get(reverse("councils:home", args=[council.slug])).content.decode()

    settings.EMAIL_PORT = server_port
    Message.objects.update(next_attempt_at=timezone.now())
    delivery.deliver_due()
    assert "are not being sent" not in client.get(staff_page).content.decode()
    assert client.get("/healthz").json()["outbox"]["status"] == "ok"
