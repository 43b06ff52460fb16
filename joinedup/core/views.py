import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, When
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from joinedup.councils.selectors import council_list_public, partnership_list
from joinedup.councils.views import council_home


def home(request):
    """The platform's front page lists the councils; a council's own host name shows its home page."""
    if getattr(request, "host_council", None) is not None:
        return council_home(request, request.host_council.slug)
    councils = list(council_list_public())
    return render(
        request,
        "core/home.html",
        {
            "partnerships": [p for p in partnership_list() if any(c.partnership_id == p.id for c in councils)],
            "councils": councils,
        },
    )


def _database_status() -> dict:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {
        "status": "ok",
        "vendor": connection.vendor,
        "response_ms": round((time.perf_counter() - started) * 1000, 1),
    }


def _task_queue_status() -> dict:
    from django_tasks_db.models import DBTaskResult, get_date_max

    waiting = DBTaskResult.objects.ready()
    # A task scheduled for later (a retry with back-off, say) only starts waiting when it is due.
    due_since = Case(
        When(run_after__gt=F("enqueued_at"), run_after__lt=get_date_max(), then=F("run_after")),
        default=F("enqueued_at"),
    )
    oldest = waiting.annotate(due_since=due_since).order_by("due_since").values_list("due_since", flat=True).first()
    oldest_seconds = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    day_ago = timezone.now() - timezone.timedelta(days=1)
    delayed = oldest_seconds > settings.TASK_QUEUE_DELAY_WARNING_SECONDS
    return {
        "status": "delayed" if delayed else "ok",
        "waiting": waiting.count(),
        "running": DBTaskResult.objects.running().count(),
        "oldest_waiting_seconds": oldest_seconds,
        "failed_last_24_hours": DBTaskResult.objects.failed().filter(finished_at__gte=day_ago).count(),
    }


def _seconds_since(moment) -> int | None:
    return None if moment is None else max(round((timezone.now() - moment).total_seconds()), 0)


def _workers_status(task_queue: dict) -> dict:
    """The task workers' heartbeats (`manage.py task_worker`), and whether work waits with nobody taking it."""
    from django.db.models import Max

    from joinedup.core.models import WorkerHeartbeat

    alive_since = timezone.now() - timezone.timedelta(seconds=settings.TASK_WORKER_SILENT_SECONDS)
    latest = WorkerHeartbeat.objects.aggregate(seen=Max("seen_at"), taken=Max("task_taken_at"))
    taken_seconds = _seconds_since(latest["taken"])
    stall = settings.TASK_WORKER_STALL_SECONDS
    stalled = (
        task_queue.get("waiting", 0) > 0
        and task_queue.get("oldest_waiting_seconds", 0) > stall
        and (taken_seconds is None or taken_seconds > stall)
    )
    alive = WorkerHeartbeat.objects.filter(seen_at__gte=alive_since).count()
    return {
        "status": "stalled" if stalled else ("ok" if alive else "none"),
        "alive": alive,
        "last_seen_seconds": _seconds_since(latest["seen"]),
        "last_task_taken_seconds": taken_seconds,
    }


def _outbox_status() -> dict:
    from joinedup.notifications.selectors import outbox_health

    return outbox_health()


@never_cache
@transaction.non_atomic_requests
def healthz(request):
    """Report the database, the task queue, the workers and the outbox as JSON, for load balancers.

    503 when the database cannot be reached. "degraded" (still 200) when tasks are waiting
    longer than TASK_QUEUE_DELAY_WARNING_SECONDS, when work waits and no worker has taken a task
    for TASK_WORKER_STALL_SECONDS, or when sending messages is failing.
    """
    body = {"status": "ok"}
    try:
        body["database"] = _database_status()
    except DatabaseError as error:
        body.update(status="error", database={"status": "error", "error": error.__class__.__name__})
        body["task_queue"] = {"status": "unknown"}
        return JsonResponse(body, status=503)
    try:
        body["task_queue"] = _task_queue_status()
        body["workers"] = _workers_status(body["task_queue"])
        body["outbox"] = _outbox_status()
    except DatabaseError as error:
        body.update(status="error", task_queue={"status": "error", "error": error.__class__.__name__})
        return JsonResponse(body, status=503)
    if (
        body["task_queue"]["status"] != "ok"
        or body["workers"]["status"] == "stalled"
        or body["outbox"]["status"] != "ok"
    ):
        body["status"] = "degraded"
    return JsonResponse(body)
