from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class BaseModel(models.Model):
    """Every domain row records when it was made and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One write made through a service: who did what to which record, when, for which council."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    council = models.ForeignKey("councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text so the entry still says who acted after their account is deleted.
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    @property
    def change_lines(self) -> list[tuple[str, str]]:
        """Return the changes as (field, plain text) pairs for people to read."""

        def text(value):
            if value in ("", None, [], {}):
                return "(blank)"
            if isinstance(value, list):
                return ", ".join(str(v) for v in value)
            return str(value)

        lines = []
        for field, value in (self.changes or {}).items():
            if isinstance(value, dict) and set(value) == {"from", "to"}:
                lines.append((field, f"{text(value['from'])} to {text(value['to'])}"))
            else:
                lines.append((field, text(value)))
        return lines


class WorkerHeartbeat(models.Model):
    """A task worker (`manage.py task_worker`) saying it is alive, and when it last took a task.

    Each worker updates its own row every few seconds; `/healthz` counts the workers seen lately.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    task_taken_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Task worker {self.worker_id} on {self.hostname} (pid {self.pid})"
