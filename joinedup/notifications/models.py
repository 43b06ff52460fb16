from django.db import models

from joinedup.core.models import BaseModel


class MessageChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Could not be sent"
    UNCERTAIN = "uncertain", "May have been sent: check before resending"


class Message(BaseModel):
    """One email or text in the outbox. Written in the same transaction as the change it reports.

    A worker sends it and records the outcome; `dedupe_key` stops the same event being queued
    twice for one person, and the status column stops it being sent twice.
    """

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    event = models.CharField(max_length=60, help_text="What happened, like 'request.submitted'.")
    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # What the message is about, for showing delivery on that record's staff page.
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        max_length=12, choices=MessageStatus.choices, default=MessageStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(max_length=100, blank=True, help_text="Notify's id or the Message-ID.")
    last_error = models.TextField(blank=True)
    # Staff sent this message again after checking: the new attempt is its own message, so the
    # record of this one (its status, attempts and error) is kept as it was.
    resend_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="resent_as", editable=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self):
        return f"{self.event} to {self.recipient} ({self.get_status_display()})"

    @property
    def needs_checking(self) -> bool:
        """Ended uncertain or failed, and nobody has sent it again yet."""
        return self.status in RESENDABLE_STATUSES and not hasattr(self, "resent_as")


# A person may send these again after checking; any other message is waiting, on its way or sent.
RESENDABLE_STATUSES = (MessageStatus.UNCERTAIN, MessageStatus.FAILED)


class MessageTemplate(BaseModel):
    """A council's own wording for one event and channel, replacing the platform's default."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="message_templates")
    event = models.CharField(max_length=60)
    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "event", "channel"], name="message_template_unique")]

    def __str__(self):
        return f"{self.council}: {self.event} ({self.channel})"


class NotifySettings(BaseModel):
    """A council's GOV.UK Notify account, used to send text messages."""

    council = models.OneToOneField("councils.Council", on_delete=models.CASCADE, related_name="notify_settings")
    api_key = models.CharField(max_length=200, help_text="A Notify API key (keep it secret).")
    sms_template_id = models.CharField(max_length=36, help_text="A Notify text template whose body is ((text)).")
    sms_sender_id = models.CharField(max_length=36, blank=True)

    def __str__(self):
        return f"Notify settings for {self.council}"
