"""Background tasks that deliver the outbox (run by `manage.py db_worker`)."""

from django_tasks import task

from joinedup.notifications import delivery


@task()
def deliver_message(message_id: int) -> str | None:
    """Send one outbox message if it is still waiting and due. Queued when the message is saved."""
    return delivery.deliver(message_id)


@task()
def deliver_messages(message_ids: list[int]) -> dict:
    """Send the messages one transaction queued, claimed and recorded in batches (see delivery.py)."""
    return delivery.deliver_many(message_ids)


@task()
def deliver_due_messages() -> dict:
    """Send every due message (retries, and any whose task was lost), expire stuck claims, check texts."""
    return delivery.deliver_due()


@task()
def message_status_refresh(message_id: int) -> str:
    """Ask GOV.UK Notify whether a sent text arrived."""
    return delivery.status_refresh(message_id)
