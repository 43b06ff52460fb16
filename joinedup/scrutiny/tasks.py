"""Background tasks for scrutiny (run by `manage.py db_worker`)."""

import datetime

from django.utils import timezone
from django_tasks import task

# Daily, at this local time.
RUN_AT = datetime.time(6, 30)


@task()
def send_scrutiny_reminders() -> dict:
    """Tell scrutiny officers of overdue executive responses and recurring topics due in 8 weeks,
    send portfolio holders last month's pack (once a month), remove stored files no row names,
    then wait for tomorrow morning."""
    from joinedup.scrutiny import services
    from joinedup.scrutiny import services_tracker as tracker

    done = {
        "overdue": tracker.overdue_responses_notify(),
        "recurring": tracker.recurring_reminders_send(),
        "holder_packs": tracker.holder_packs_send(),
        "orphan_files": services.orphan_files_clean(),
    }
    reminders_schedule()
    return done


def next_run_time(now=None) -> datetime.datetime:
    now = timezone.localtime(now or timezone.now())
    run = timezone.make_aware(datetime.datetime.combine(now.date(), RUN_AT))
    return run if run > now else run + datetime.timedelta(days=1)


def reminders_schedule(*, now=None) -> bool:
    """Make sure the daily task is waiting to run. Return whether it queued one."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=send_scrutiny_reminders.module_path, status="READY").exists():
        return False
    send_scrutiny_reminders.using(run_after=next_run_time(now)).enqueue()
    return True
