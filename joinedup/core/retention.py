"""
Keep personal data only as long as it is needed. `prune_personal_data` runs every rule and
deletes (or anonymises) what is past its retention period; run it daily
(`manage.py prune_personal_data`, from cron or a timer). Each app registers its own rules in
its AppConfig.ready(), so this one command covers the whole platform.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

# An authenticator app that was shown but never confirmed holds a secret nobody uses.
UNCONFIRMED_AUTHENTICATOR_DAYS = 1

_rules: dict[str, Callable] = {}


def register(description: str, rule: Callable) -> None:
    """Add a rule: a function taking `now` and returning how many records it removed or anonymised."""
    _rules[description] = rule


def days_before(now, days: int):
    return now - timezone.timedelta(days=days)


@transaction.atomic
def prune_personal_data(*, now=None) -> dict[str, int]:
    """Run every retention rule. Return how many records each one removed or anonymised."""
    now = now or timezone.now()
    return {description: rule(now) for description, rule in _rules.items()}


def _sign_in_records(now) -> int:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    cutoff = days_before(now, settings.SIGN_IN_LOG_RETENTION_DAYS)
    return sum(
        model.objects.filter(attempt_time__lt=cutoff).delete()[0]
        for model in (AccessLog, AccessFailureLog, AccessAttempt)
    )


def _finished_tasks(now) -> int:
    # Finished background tasks keep their arguments, which can name people.
    from django_tasks_db.models import DBTaskResult

    cutoff = days_before(now, settings.TASK_RESULT_RETENTION_DAYS)
    return DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()[0]


def _unconfirmed_authenticators(now) -> int:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    cutoff = days_before(now, UNCONFIRMED_AUTHENTICATOR_DAYS)
    return TOTPDevice.objects.filter(confirmed=False, created_at__lt=cutoff).delete()[0]


def register_core_rules() -> None:
    register("sign-in records deleted", _sign_in_records)
    register("finished tasks deleted", _finished_tasks)
    register("unconfirmed authenticator apps deleted", _unconfirmed_authenticators)
