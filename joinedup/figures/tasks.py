"""Background tasks that keep the figures' rollups up to date (run by `manage.py db_worker`)."""

import datetime

from django_tasks import task


@task()
def refresh_requests(council_id: int, request_ids: list[int], days: list[str]) -> int:
    """Work out again the rollups of every day these requests count on, and today's overdue snapshot."""
    from joinedup.figures import rollups

    wanted = rollups.days_of_requests(request_ids) | {datetime.date.fromisoformat(d) for d in days}
    written = rollups.refresh_request_days(council_id, wanted)
    written += rollups.refresh_overdue(council_id)
    return written


@task()
def count_journey_steps(council_id: int, day: str, counts: dict[str, int]) -> None:
    """Add the report journey steps reached on a day."""
    from joinedup.figures import rollups

    rollups.journey_count(council_id, datetime.date.fromisoformat(day), counts)


@task()
def refresh_enquiries(council_id: int, days: list[str]) -> int:
    """Work out again the member enquiry and escalation rollups of these days."""
    from joinedup.figures import rollups

    return rollups.refresh_enquiry_days(council_id, [datetime.date.fromisoformat(d) for d in days])
