from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from joinedup.core.models import BaseModel


class DigestChoice(models.TextChoices):
    EACH = "each", "An email for each update"
    WEEKLY = "weekly", "One weekly digest email"


class Councillor(BaseModel):
    """An elected member of a council and the wards they represent, from the council's own list."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="councillors")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    party = models.CharField(max_length=100, blank=True)
    term_start = models.DateField()
    term_end = models.DateField(null=True, blank=True, help_text="Leave blank if the term has no set end.")
    wards = models.ManyToManyField("councils.Ward", related_name="councillors")
    # The account they sign in with, matched by email address when there is one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="councillor_records"
    )
    digest = models.CharField(
        "how to hear about updates", max_length=10, choices=DigestChoice.choices, default=DigestChoice.EACH
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "email"], name="councillor_unique_email"),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="councillor_term_order",
            ),
        ]

    def __str__(self):
        return self.name


class CouncillorSettings(BaseModel):
    """A council's own rules for councillors' casework."""

    council = models.OneToOneField("councils.Council", on_delete=models.CASCADE, related_name="councillor_settings")
    enquiry_target_days = models.PositiveSmallIntegerField(
        "working days to answer a member enquiry",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    last_enquiry_number = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name_plural = "councillor settings"

    def __str__(self):
        return f"Councillor settings for {self.council}"


class Escalation(BaseModel):
    """A councillor asks the service area's lead to look again at a request in their ward."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey("service_requests.ServiceRequest", on_delete=models.CASCADE, related_name="escalations")
    councillor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(validators=[MaxLengthValidator(2000)])
    answer = models.TextField(blank=True, validators=[MaxLengthValidator(4000)])
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open escalation per councillor and request: the lead is nudged once.
            models.UniqueConstraint(
                fields=["request", "councillor"], condition=Q(answered_at__isnull=True), name="escalation_one_open"
            ),
        ]

    def __str__(self):
        return f"Escalation of {self.request}"


class Follow(BaseModel):
    """A councillor follows a request and hears about its updates."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey("service_requests.ServiceRequest", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="follow_unique")]

    def __str__(self):
        return f"{self.user} follows {self.request}"


class EnquiryStatus(models.TextChoices):
    OPEN = "open", "Waiting for the council"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


class MemberEnquiry(BaseModel):
    """Casework a councillor raises for a named resident, addressed to a service area."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(help_text="Counts up from 1 within each council.")
    councillor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    service_area = models.ForeignKey("councils.ServiceArea", on_delete=models.PROTECT, related_name="+")
    ward = models.ForeignKey("councils.Ward", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=200)
    # The resident it is for. Personal data: seen only by the councillor, the service area and the resident.
    resident_name = models.CharField(max_length=200)
    resident_email = models.EmailField(blank=True)
    resident_phone = models.CharField(max_length=30, blank=True)
    resident_address = models.TextField(blank=True, validators=[MaxLengthValidator(500)])
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=EnquiryStatus.choices, default=EnquiryStatus.OPEN)
    due_by = models.DateField()
    first_answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "member enquiries"
        constraints = [models.UniqueConstraint(fields=["council", "number"], name="enquiry_unique_number")]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"ME-{self.council.short_name}-{self.number:05d}"


class EnquiryMessage(BaseModel):
    """One message in a member enquiry's thread."""

    enquiry = models.ForeignKey(MemberEnquiry, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_council = models.BooleanField(help_text="Written by an officer, not the councillor.")
    body = models.TextField(validators=[MaxLengthValidator(4000)])

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Message on {self.enquiry}"
