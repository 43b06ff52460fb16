import pytest
from django.core.management import call_command

from joinedup.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_front_page_lists_councils_by_partnership(client, council, partner_council, outside_council):
    page = client.get("/").text
    assert "Borsetshire Partnership" in page
    for name in ("Borchester District Council", "Felpersham District Council", "Ambridge Council"):
        assert name in page
    assert page.index("Borsetshire Partnership") < page.index("Borchester") < page.index("Other councils")


def test_platform_pages_exist_without_a_council(client):
    for url, heading in (
        ("/accessibility/", "Accessibility statement"),
        ("/privacy/", "Privacy notice"),
        ("/cookies/", "Cookies"),
        ("/feedback/", "Give feedback"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert heading in response.text


def test_not_found_page_is_in_govuk_style(client):
    response = client.get("/no-such-council/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "govuk-template" in response.text


def test_forbidden_page_is_in_govuk_style(client, resident, council):
    client.force_login(resident)
    response = client.get(f"/{council.slug}/staff/")
    assert response.status_code == 403
    assert "You cannot see this page" in response.text


def test_server_error_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html


def test_healthz_reports_database_and_task_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["task_queue"] == {
        "status": "ok",
        "waiting": 0,
        "running": 0,
        "oldest_waiting_seconds": 0,
        "failed_last_24_hours": 0,
    }
    assert body["outbox"] == {"status": "ok", "waiting": 0, "oldest_waiting_seconds": 0, "retrying": 0}


def test_healthz_says_degraded_when_tasks_wait_too_long(client, settings):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from joinedup.core.tasks import heartbeat

    heartbeat.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timezone.timedelta(minutes=10))
    settings.TASK_QUEUE_DELAY_WARNING_SECONDS = 300
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["task_queue"]["status"] == "delayed"
    assert body["task_queue"]["waiting"] == 1
    assert body["task_queue"]["oldest_waiting_seconds"] >= 600


def test_tasks_scheduled_for_later_only_count_as_waiting_once_due(client, settings):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from joinedup.core.tasks import heartbeat

    heartbeat.using(run_after=timezone.now() + timezone.timedelta(minutes=1)).enqueue()
    DBTaskResult.objects.update(
        enqueued_at=timezone.now() - timezone.timedelta(hours=1),
        run_after=timezone.now() - timezone.timedelta(seconds=30),
    )
    body = client.get("/healthz").json()
    assert body["task_queue"]["waiting"] == 1
    assert 25 <= body["task_queue"]["oldest_waiting_seconds"] <= 120
    assert body["status"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_queued_tasks():
    """The worker closes its database connections, so this test commits for real."""
    from django_tasks_db.models import DBTaskResult

    from joinedup.core.tasks import heartbeat

    result = heartbeat.enqueue()
    call_command("db_worker", "--batch", "--queue-name", "default")
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"


def test_seed_demo_is_idempotent(capsys):
    from django.apps import apps

    call_command("seed_demo")
    first = capsys.readouterr().out
    assert "admin@example.org" in first
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    audit_ids = list(AuditEntry.objects.values_list("id", flat=True))
    call_command("seed_demo")
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == counts
    assert list(AuditEntry.objects.values_list("id", flat=True)) == audit_ids
    assert "already existed" in capsys.readouterr().out


def test_seed_demo_makes_four_councils_and_one_user_per_role(capsys):
    from joinedup.accounts.models import Role, RoleAssignment
    from joinedup.councils.models import Council

    call_command("seed_demo")
    assert set(Council.objects.values_list("gss_code", flat=True)) == {
        "E07000136",
        "E07000137",
        "E07000140",
        "E06000054",
    }
    assert Council.objects.filter(partnership__isnull=False).count() == 3
    granted = set(RoleAssignment.objects.values_list("role", flat=True))
    assert granted == {r.value for r in Role} - {"resident"}
    for council in Council.objects.all():
        assert council.wards.count() >= 3
        assert council.service_areas.count() >= 4
