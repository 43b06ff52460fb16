import pytest
from axes.models import AccessFailureLog, AccessLog
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from joinedup.core.tasks import heartbeat

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timezone.timedelta(days=days)


def sign_in_record(model, when):
    record = model.objects.create(
        user_agent="Firefox",
        ip_address="203.0.113.9",
        username="a@example.org",
        http_accept="*/*",
        path_info="/account/sign-in/",
    )
    model.objects.filter(pk=record.pk).update(attempt_time=when)


def test_old_personal_data_is_deleted_and_recent_data_kept(settings, staff_user, capsys):
    settings.SIGN_IN_LOG_RETENTION_DAYS = 90
    settings.TASK_RESULT_RETENTION_DAYS = 30
    sign_in_record(AccessLog, days_ago(91))
    sign_in_record(AccessLog, days_ago(89))
    sign_in_record(AccessFailureLog, days_ago(100))
    old_task, new_task, waiting = heartbeat.enqueue(), heartbeat.enqueue(), heartbeat.enqueue()
    DBTaskResult.objects.filter(id=old_task.id).update(status="SUCCESSFUL", finished_at=days_ago(31))
    DBTaskResult.objects.filter(id=new_task.id).update(status="SUCCESSFUL", finished_at=days_ago(1))
    stale = TOTPDevice.objects.create(user=staff_user, name="Never confirmed", confirmed=False)
    TOTPDevice.objects.filter(pk=stale.pk).update(created_at=days_ago(2))
    TOTPDevice.objects.create(user=staff_user, name="Phone", confirmed=True)

    call_command("prune_personal_data")

    assert "2 sign-in records deleted" in capsys.readouterr().out
    assert AccessLog.objects.count() == 1
    assert AccessFailureLog.objects.count() == 0
    assert {str(i) for i in DBTaskResult.objects.values_list("id", flat=True)} == {new_task.id, waiting.id}
    assert list(TOTPDevice.objects.values_list("name", flat=True)) == ["Phone"]
