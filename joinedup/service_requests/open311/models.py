"""
Records of the Open311 API: the systems allowed to write (API clients and their hashed keys),
what each sent (so a retried update is not applied twice), and the tokens given for new requests.

They belong to the service_requests app (this module is imported from its models module).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from joinedup.core.models import BaseModel


class ApiClient(BaseModel):
    """A system that may write through Open311, like FixMyStreet or a council's works system.

    It acts for one council, or for every council of a partnership. Only a SHA-256 hash of its
    key is kept: the key itself is shown once, when it is made.
    """

    name = models.CharField(max_length=100, help_text="Recorded on every request it creates, like 'FixMyStreet'.")
    council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.CASCADE, related_name="open311_clients"
    )
    partnership = models.ForeignKey(
        "councils.Partnership", null=True, blank=True, on_delete=models.CASCADE, related_name="open311_clients"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=12, help_text="The start of the key, to tell keys apart.")
    can_create_requests = models.BooleanField(default=True)
    can_post_updates = models.BooleanField(default=False)
    rate_limit_per_minute = models.PositiveIntegerField(default=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "service_requests"
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(council__isnull=False, partnership__isnull=True))
                | (Q(council__isnull=True, partnership__isnull=False)),
                name="open311_client_one_owner",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def serves(self, council) -> bool:
        if self.council_id is not None:
            return self.council_id == council.pk
        return council.partnership_id is not None and council.partnership_id == self.partnership_id


class ApiSubmission(BaseModel):
    """A request created through Open311: which client sent it, its token, and what else it said."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="submissions")
    request = models.OneToOneField(
        "service_requests.ServiceRequest", on_delete=models.CASCADE, related_name="open311_submission"
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    media_urls = models.JSONField(default=list, blank=True)
    device_id = models.CharField(max_length=200, blank=True)
    account_id = models.CharField(max_length=200, blank=True)

    class Meta:
        app_label = "service_requests"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.request_id} from {self.client}"


class ApiUpdate(BaseModel):
    """An update a client posted (mySociety servicerequestupdates), keyed by the client's own id.

    A second POST with the same `update_id` from the same client gets the first answer back.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="updates")
    external_id = models.CharField(max_length=100)
    request = models.ForeignKey("service_requests.ServiceRequest", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey("service_requests.RequestEvent", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=40, help_text="The status as the client sent it, like IN_PROGRESS.")
    sent_at = models.DateTimeField(help_text="The client's updated_datetime.")
    media_urls = models.JSONField(default=list, blank=True)

    class Meta:
        app_label = "service_requests"
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["client", "external_id"], name="open311_update_unique_id")]

    def __str__(self):
        return f"{self.client} update {self.external_id}"
