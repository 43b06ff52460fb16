"""
The task worker that survives database outages (`manage.py task_worker`).

It runs the same loop as django-tasks-db's `db_worker`, with two additions:

* A database connection error (the server restarting, a failover, a dropped connection) no longer
  ends the process: the worker logs a warning, drops its connections and tries again after a
  growing pause (1, 2, 4 ... up to `MAX_BACKOFF_SECONDS`, with some jitter so many workers do not
  reconnect at the same instant), then carries on as before.
* Every few seconds it records a heartbeat (`core.WorkerHeartbeat`): when it was last seen and
  when it last took a task. `/healthz` reports them.

Run it under a supervisor that restarts it if it stops for any other reason (docs/operations.md
has systemd units with `Restart=always`).
"""

import contextlib
import logging
import os
import random
import socket
import time

from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from joinedup.core.availability import DATABASE_UNAVAILABLE
from joinedup.core.models import WorkerHeartbeat

logger = logging.getLogger("joinedup.worker")

MAX_BACKOFF_SECONDS = 30
# Heartbeats older than this are removed when a worker starts.
HEARTBEAT_KEEP = timezone.timedelta(days=1)


def backoff_seconds(failures: int) -> float:
    """The pause after the n-th database failure in a row: 1, 2, 4 ... at most MAX_BACKOFF_SECONDS, +-20%."""
    return min(2 ** max(failures - 1, 0), MAX_BACKOFF_SECONDS) * random.uniform(0.8, 1.2)  # noqa: S311


class ResilientWorker(Worker):
    def __init__(self, *, heartbeat_seconds: float, **options):
        super().__init__(**options)
        self.heartbeat_seconds = heartbeat_seconds
        self.started_at = timezone.now()
        self._last_heartbeat = 0.0
        self._task_taken_at = None

    def heartbeat(self, *, force: bool = False) -> None:
        if not force and time.monotonic() - self._last_heartbeat < self.heartbeat_seconds:
            return
        values = {
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": self.started_at,
            "seen_at": timezone.now(),
        }
        if self._task_taken_at is not None:
            values["task_taken_at"] = self._task_taken_at
        if not self._last_heartbeat:
            forget_old_heartbeats()
        WorkerHeartbeat.objects.update_or_create(worker_id=self.worker_id, defaults=values)
        self._last_heartbeat = time.monotonic()

    def run(self) -> None:
        logger.info("Starting task worker %s for queues %s", self.worker_id, ",".join(self.queue_names))
        failures = 0
        while self.running:
            try:
                if failures:
                    # Reconnected: say so at once, so /healthz sees the worker again.
                    self.heartbeat(force=True)
                    logger.warning("Task worker %s reached the database again", self.worker_id)
                    failures = 0
                if self._run_once() is False:
                    return
            except DATABASE_UNAVAILABLE as error:
                failures += 1
                pause = backoff_seconds(failures)
                logger.warning(
                    "Task worker %s cannot reach the database (%s: %s); trying again in %.1f s",
                    self.worker_id,
                    error.__class__.__name__,
                    str(error).strip().splitlines()[0] if str(error).strip() else "",
                    pause,
                )
                self._drop_connections()
                if self.running:
                    time.sleep(pause)

    def _drop_connections(self) -> None:
        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(DATABASE_UNAVAILABLE):
                connection.close()

    def _run_once(self) -> bool:
        """One turn of db_worker's loop. Return False when the worker should stop."""
        close_old_connections()
        self.heartbeat()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)

        retrieved = True
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except DATABASE_UNAVAILABLE as error:
                if not is_locked_database_exception(error):
                    raise
                retrieved, task_result = False, None

        if task_result is not None:
            self._task_taken_at = timezone.now()
            self.heartbeat(force=True)
            self.run_task(task_result)

        if self.batch and retrieved and task_result is None:
            logger.info("No more tasks for task worker %s: stopping", self.worker_id)
            return False
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            logger.info("Task worker %s ran its %d tasks: stopping", self.worker_id, self._run_tasks)
            return False
        close_old_connections()
        if self.running and not task_result:
            time.sleep(self.interval)
        return True


def forget_old_heartbeats() -> int:
    return WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - HEARTBEAT_KEEP).delete()[0]
