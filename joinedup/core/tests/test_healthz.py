"""/healthz reports the task workers' heartbeats and the outbox, with a real database."""

import pytest
from django.utils import timezone

from joinedup.core.models import WorkerHeartbeat
from joinedup.core.tasks import heartbeat
from joinedup.notifications.models import Message, MessageChannel, MessageStatus

pytestmark = pytest.mark.django_db


def beat(worker_id, *, seen_ago, taken_ago=None):
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="worker-1",
        pid=123,
        started_at=now - timezone.timedelta(hours=1),
        seen_at=now - timezone.timedelta(seconds=seen_ago),
        task_taken_at=None if taken_ago is None else now - timezone.timedelta(seconds=taken_ago),
    )


def message(council, **fields):
    values = {
        "council": council,
        "event": "request.submitted",
        "channel": MessageChannel.EMAIL,
        "recipient": "rosa@example.org",
        "body": "Thank you",
        "dedupe_key": f"test-{Message.objects.count()}",
    }
    values.update(fields)
    return Message.objects.create(**values)


def test_healthz_counts_the_workers_seen_lately(client):
    beat("a", seen_ago=5, taken_ago=30)
    beat("b", seen_ago=600)
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["workers"]["status"] == "ok"
    assert body["workers"]["alive"] == 1
    assert body["workers"]["last_seen_seconds"] <= 10
    assert 25 <= body["workers"]["last_task_taken_seconds"] <= 60


def test_healthz_is_degraded_when_work_waits_and_no_worker_takes_it(client, settings):
    settings.TASK_WORKER_STALL_SECONDS = 120
    settings.TASK_QUEUE_DELAY_WARNING_SECONDS = 3600
    beat("a", seen_ago=5, taken_ago=900)  # alive, but has taken nothing for 15 minutes
    heartbeat.enqueue()
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timezone.timedelta(minutes=5))
    body = client.get("/healthz").json()
    assert body["workers"]["status"] == "stalled"
    assert body["task_queue"]["status"] == "ok"
    assert body["status"] == "degraded"


def test_no_worker_and_nothing_waiting_is_not_degraded(client):
    body = client.get("/healthz").json()
    assert body["workers"] == {"status": "none", "alive": 0, "last_seen_seconds": None, "last_task_taken_seconds": None}
    assert body["status"] == "ok"


def test_healthz_reports_the_oldest_waiting_message_and_a_failing_mail_server(client, council):
    waiting = message(council)
    Message.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=7))
    body = client.get("/healthz").json()
    assert (body["outbox"]["status"], body["outbox"]["waiting"], body["outbox"]["retrying"]) == ("ok", 1, 0)
    assert 415 <= body["outbox"]["oldest_waiting_seconds"] <= 480
    message(
        council,
        status=MessageStatus.PENDING,
        attempts=1,
        last_error="The mail server did not answer",
        next_attempt_at=timezone.now() + timezone.timedelta(minutes=1),
    )
    body = client.get("/healthz").json()
    assert body["outbox"]["status"] == "failing"
    assert body["outbox"]["retrying"] == 1
    assert body["outbox"]["waiting"] == 1  # the retry is not due yet
    assert body["status"] == "degraded"


def test_healthz_still_checks_the_host_name(client):
    assert client.get("/healthz", HTTP_HOST="evil.example.com").status_code == 400
