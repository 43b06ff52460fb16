"""
Keep personal data only as long as it is needed. `prune_personal_data` deletes what is past
its retention period; run it daily (`manage.py prune_personal_data`, from cron or a timer).
Later modules add their own rules here, so one place says how long personal data is kept.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

# An authenticator app that was shown but never confirmed holds a secret nobody uses.
UNCONFIRMED_AUTHENTICATOR_DAYS = 1


@transaction.atomic
def prune_personal_data(*, now=None) -> dict[str, int]:
    """Delete personal data past its retention period. Return how many records each rule removed."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()

    def days_ago(days: int):
        return now - timezone.timedelta(days=days)

    sign_ins_before = days_ago(settings.SIGN_IN_LOG_RETENTION_DAYS)
    return {
        # IP addresses and browsers of sign-ins and failed sign-ins.
        "sign-in records": sum(
            model.objects.filter(attempt_time__lt=sign_ins_before).delete()[0]
            for model in (AccessLog, AccessFailureLog, AccessAttempt)
        ),
        # Finished background tasks keep their arguments, which can name people.
        "finished tasks": DBTaskResult.objects.finished()
        .filter(finished_at__lt=days_ago(settings.TASK_RESULT_RETENTION_DAYS))
        .delete()[0],
        "unconfirmed authenticator apps": TOTPDevice.objects.filter(
            confirmed=False, created_at__lt=days_ago(UNCONFIRMED_AUTHENTICATOR_DAYS)
        ).delete()[0],
    }
