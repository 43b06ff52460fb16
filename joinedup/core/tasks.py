import logging

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def heartbeat() -> str:
    """Prove a worker is taking tasks from the queue; `/healthz` shows how long tasks wait."""
    now = timezone.now().isoformat()
    logger.info("Task worker heartbeat at %s", now)
    return now
