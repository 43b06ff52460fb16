"""
Benchmark: service requests at scale.

Makes BENCH_REQUESTS requests (1,000,000 by default on PostgreSQL, 100,000 on SQLite) across
the four demo councils with the bulk generator, then times, in one run:

- the staff queue page (50 rows, 3 filters) and the public tracking page, through Django's
  test client (all of the server's work: middleware, queries, template), signed in as staff;
- a submission with no photo (the `request_create` service that the final "Submit" calls);
- sending notifications to a local SMTP server (aiosmtpd) with one task worker, which claims,
  sends and records them in batches, against plain `smtplib` sending the same emails to the
  same server.
"""

import os
import random
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import time
from email.message import EmailMessage

from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

TITLE = "Service requests: queue, tracking page, submission and notifications"
SEED = 2026
PAGE_SAMPLES = 200
SUBMISSIONS = 200
MESSAGES = 1000


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
    }


def _time(fn, samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


SINK_SCRIPT = """
import signal, sys
from aiosmtpd.controller import Controller

class Counter:
    received = 0
    async def handle_DATA(self, server, session, envelope):
        Counter.received += 1
        return "250 OK"

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # wait for it below instead of dying
controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
signal.sigwait({signal.SIGTERM})
controller.stop()
print(Counter.received, flush=True)
"""


class SmtpSink:
    """A real SMTP server (aiosmtpd) in its own process, so it does not take this one's CPU time."""

    def __enter__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(  # noqa: S603 (our own script, run by this Python)
            [sys.executable, "-c", SINK_SCRIPT, str(self.port)], stdout=subprocess.PIPE, text=True
        )
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("The SMTP server did not start.")
        return self

    def received(self) -> int:
        """Stop the server and return how many emails it accepted."""
        self.process.send_signal(signal.SIGTERM)
        return int(self.process.stdout.read().split()[-1])

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def run() -> dict:
    from django.core.management import call_command

    from joinedup.accounts.models import User
    from joinedup.councils.models import Council
    from joinedup.service_requests import services
    from joinedup.service_requests.generator import generate_requests
    from joinedup.service_requests.models import ContactPreference, ServiceRequest

    default = 1_000_000 if connection.vendor == "postgresql" else 100_000
    total = int(os.environ.get("BENCH_REQUESTS", default))
    result = {"vendor": connection.vendor, "requests": total}

    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    started = time.perf_counter()
    generate_requests(total=total, seed=SEED)
    result["generate_seconds"] = round(time.perf_counter() - started, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    boston = Council.objects.get(slug="boston")
    staff = User.objects.get(email="staff@example.org")
    client = Client()
    client.force_login(staff)
    category = boston.categories.get(slug="fly-tipping")
    queue_url = reverse("service_requests:staff-queue", kwargs={"council_slug": boston.slug})
    filters = {"status": "open", "category": category.pk, "channel": "web"}
    rng = random.Random(SEED)
    numbers = list(ServiceRequest.objects.filter(council=boston).values_list("number", flat=True)[:5000])

    def queue_page():
        response = client.get(queue_url, {**filters, "page": rng.randint(1, 3)})
        assert response.status_code == 200, response.status_code

    def tracking_page():
        reference = f"{boston.short_name}-{rng.choice(numbers):06d}"
        response = client.get(
            reverse("service_requests:track", kwargs={"council_slug": boston.slug, "reference": reference})
        )
        assert response.status_code == 200, response.status_code

    _time(queue_page, 10)
    result["queue"] = _percentiles(_time(queue_page, PAGE_SAMPLES))
    _time(tracking_page, 10)
    result["tracking"] = _percentiles(_time(tracking_page, PAGE_SAMPLES))

    with (
        SmtpSink() as sink,
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=sink.port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ),
    ):

        def submit():
            with transaction.atomic():
                services.request_create(
                    council=boston,
                    category=category,
                    description="A fridge dumped in the lay-by",
                    location_text="Lay-by on Main Road",
                    answers={"waste_type": ["household"], "size": "car"},
                    reporter_name="Bench Resident",
                    reporter_email=f"bench{rng.randint(1, 10**9)}@example.org",
                    contact_preference=ContactPreference.EMAIL,
                )

        _time(submit, 10)
        result["submission"] = _percentiles(_time(submit, SUBMISSIONS))
        result.update(_delivery(boston))
        result["outbox_received"] = sink.received()
    with SmtpSink() as sink:
        result.update(_plain_smtplib(sink.port))
        result["smtplib_received"] = sink.received()
    return result


def _delivery(council) -> dict:
    """Queue the emails as the services do, then time one task worker (`db_worker`) sending them all."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from joinedup.notifications.delivery import BATCH_SIZE
    from joinedup.notifications.models import Message, MessageStatus
    from joinedup.notifications.services import message_queue

    # Only the benchmark's own messages are timed: the submissions' messages are set aside.
    Message.objects.filter(status=MessageStatus.PENDING).update(status=MessageStatus.SENT)
    DBTaskResult.objects.all().delete()
    with transaction.atomic():
        ids = [
            message_queue(
                council=council,
                event="request.public_update",
                channel="email",
                recipient=f"person{n}@example.org",
                dedupe_key=f"bench:{n}:{time.time_ns()}",
                context={"reference": f"BBC-{n:06d}", "message": "We have booked the work."},
            ).pk
            for n in range(MESSAGES)
        ]
    started = time.perf_counter()
    call_command("db_worker", "--batch", "--queue-name", "default", verbosity=0)
    seconds = time.perf_counter() - started
    return {
        "messages": MESSAGES,
        "batch_size": BATCH_SIZE,
        "outbox_sent": Message.objects.filter(pk__in=ids, status=MessageStatus.SENT).count(),
        "outbox_per_second": round(MESSAGES / seconds),
    }


def _plain_smtplib(port) -> dict:
    """The same emails with nothing but smtplib, over one connection: as fast as sending can be."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for n in range(MESSAGES):
            email = EmailMessage()
            email["Subject"], email["From"], email["To"] = "Update", "bench@example.org", f"person{n}@example.org"
            email.set_content("We have booked the work.")
            smtp.send_message(email)
    return {"smtplib_per_second": round(MESSAGES / (time.perf_counter() - started))}


def markdown(result: dict) -> str:
    q, t, s = result["queue"], result["tracking"], result["submission"]
    ratio = result["smtplib_per_second"] / max(result["outbox_per_second"], 1)
    return f"""
## {TITLE}

**What it measures.** Server time for the pages staff and residents use most, a submission,
and notification sending, on a large table of requests. Pages go through Django's test
client, so the time includes middleware, database queries and the template, but not the
network. **Data:** {result["requests"]:,} requests across the four demo councils on
{result["vendor"]}, made by the bulk generator (`manage.py generate_requests`) in
{result["generate_seconds"]} seconds. **Command:** `make bench` (set `BENCH_DATABASE_URL` to an
empty PostgreSQL database for the full 1,000,000; `BENCH_REQUESTS` changes the number).

| What | Runs | Median | 95th percentile | Target (95th) |
|---|---|---|---|---|
| Staff queue: 50 rows, 3 filters (open, one category, online) | {q["n"]} | {q["median_ms"]} ms | {q["p95_ms"]} ms | 150 ms |
| Public tracking page | {t["n"]} | {t["median_ms"]} ms | {t["p95_ms"]} ms | 150 ms |
| Submission, no photo (`request_create`) | {s["n"]} | {s["median_ms"]} ms | {s["p95_ms"]} ms | 100 ms |

**Notifications.** {result["messages"]:,} emails, queued in one transaction as the services
queue them, to a local SMTP server (aiosmtpd) on the same machine (in its own process). One task
worker (`db_worker --batch`) runs the delivery task: it claims the messages in batches of
{result["batch_size"]} (one transaction each, `FOR UPDATE SKIP LOCKED` on PostgreSQL), sends a
batch over one mail connection, then records every outcome in one more transaction. The time
includes starting the worker and taking the task from the queue.

| Sender | Emails per second | Received by the server |
|---|---|---|
| JoinedUp outbox: one task worker (claim a batch, send, record) | {result["outbox_per_second"]} | {result["outbox_received"]:,} |
| Plain `smtplib`, same emails, same server, one connection | {result["smtplib_per_second"]} | {result["smtplib_received"]:,} |

Plain `smtplib` is {ratio:.1f} times as fast as the outbox ({result["outbox_per_second"]} emails
a second against a target of 200 or more with one worker). The outbox recorded
{result["outbox_sent"]:,} of its {result["messages"]:,} messages as sent. The difference is the cost of the
task queue, of building each email with Django's email classes, and of recording claims and
outcomes in the database, which is what makes sending exactly-once and retrying safe.
"""
