"""Background tasks for councillors (run by `manage.py db_worker`)."""

from django_tasks import task


@task()
def send_weekly_digests() -> int:
    """Queue this week's ward digests, then wait for next Monday morning to run again."""
    from joinedup.councillors import digest

    queued = digest.digests_send()
    digest.digest_schedule()
    return queued
