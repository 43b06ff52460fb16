"""
The task worker (`manage.py task_worker`) against a real database outage.

On PostgreSQL the test cuts the worker off for real: its database stops taking new connections
(`ALTER DATABASE ... ALLOW_CONNECTIONS false`, which binds superusers too) and its open
connections are ended with `pg_terminate_backend`, as when the server restarts. Only the test's
own database is touched, never the shared server.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from joinedup.core.models import WorkerHeartbeat
from joinedup.core.tasks import heartbeat
from joinedup.core.worker import MAX_BACKOFF_SECONDS, backoff_seconds

ROOT = Path(__file__).resolve().parents[3]
WORKER_ID = "outage-test-worker"


def test_the_pause_grows_to_a_limit():
    assert 0.8 <= backoff_seconds(1) <= 1.2
    assert 3.2 <= backoff_seconds(3) <= 4.8
    assert backoff_seconds(50) <= MAX_BACKOFF_SECONDS * 1.2


def wait_for(condition, what, log: Path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Gave up waiting for {what}. Worker log:\n{log.read_text()}")


def database_url() -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def admin_dsn() -> str:
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"host={host} port={port} user={settings['USER']} dbname=postgres"


@pytest.mark.django_db(transaction=True)
def test_the_worker_survives_a_database_outage_and_takes_tasks_again(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("Cutting a worker off its database is done on PostgreSQL (CI runs it there).")
    environment = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY"}}
    environment.update(
        READ_DOT_ENV_FILE="false", DJANGO_SETTINGS_MODULE="joinedup.settings", DATABASE_URL=database_url()
    )
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "task_worker", "--interval", "0.2", "--heartbeat", "0.5",
             "--no-startup-delay", "--worker-id", WORKER_ID],
            cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own_pid = cursor.fetchone()[0]
    try:
        wait_for(lambda: WorkerHeartbeat.objects.filter(worker_id=WORKER_ID).exists(), "the first heartbeat", log)
        # The server's own maintenance database says who may connect (not the one being cut off).
        with psycopg.connect(admin_dsn(), autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
            try:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                    [name, own_pid],
                )
                wait_for(lambda: "cannot reach the database" in log.read_text(), "the worker to notice", log)
                wait_for(lambda: log.read_text().count("cannot reach the database") >= 2, "a second try", log)
            finally:
                admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        assert worker.poll() is None, f"The worker stopped:\n{log.read_text()}"

        result = heartbeat.enqueue()
        wait_for(lambda: DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL", "the worker to run a task", log)
        assert worker.poll() is None
        assert "reached the database again" in log.read_text()
        assert WorkerHeartbeat.objects.get(worker_id=WORKER_ID).task_taken_at is not None
    finally:
        worker.terminate()
        worker.wait(timeout=30)
