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


@never_cache
@transaction.non_atomic_requests
def healthz(request):
    """Report the database and the task queue as JSON, for load balancers and monitoring.

    503 when the database cannot be reached; "degraded" (still 200) when tasks are waiting
    longer than TASK_QUEUE_DELAY_WARNING_SECONDS, which usually means no worker is running.
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
    except DatabaseError as error:
        body.update(status="error", task_queue={"status": "error", "error": error.__class__.__name__})
        return JsonResponse(body, status=503)
    if body["task_queue"]["status"] != "ok":
        body["status"] = "degraded"
    return JsonResponse(body)
