from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from joinedup.core.models import BaseModel


class Priority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    HIGH = "high", "High"
    NORMAL = "normal", "Normal"
    LOW = "low", "Low"


class Status(models.TextChoices):
    """What is happening to a request. 'Fixed' and 'closed' are different things on purpose."""

    SUBMITTED = "submitted", "Submitted"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    INVESTIGATING = "investigating", "Investigating"
    ACTION_SCHEDULED = "action_scheduled", "Action scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    FIXED = "fixed", "Fixed"
    CLOSED = "closed", "Closed: no action needed"
    NOT_OURS = "not_ours", "Not ours: passed to another organisation"
    DUPLICATE = "duplicate", "Duplicate of another report"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.ACKNOWLEDGED,
    Status.INVESTIGATING,
    Status.ACTION_SCHEDULED,
    Status.IN_PROGRESS,
)
CLOSED_STATUSES = (Status.FIXED, Status.CLOSED, Status.NOT_OURS, Status.DUPLICATE, Status.CANCELLED)


class Channel(models.TextChoices):
    """How the request reached the council: kept for the digital take-up figures."""

    WEB = "web", "Online"
    PHONE = "phone", "Phone"
    FACE_TO_FACE = "face_to_face", "Face to face"
    EMAIL = "email", "Email"
    API = "api", "Another system (API)"


class ContactPreference(models.TextChoices):
    EMAIL = "email", "By email"
    SMS = "sms", "By text message"
    BOTH = "both", "By email and text message"
    NONE = "none", "Do not send me updates"


class Category(BaseModel):
    """A kind of problem a council deals with, such as 'Fly-tipping', and the team that handles it."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="categories")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, help_text="Also the Open311 service code.")
    group = models.CharField(max_length=100, help_text="Heading it is listed under, like 'Bins and recycling'.")
    description = models.TextField(blank=True)
    service_area = models.ForeignKey("councils.ServiceArea", on_delete=models.PROTECT, related_name="categories")
    default_priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    # Working days (Monday to Friday, not England and Wales bank holidays) to deal with a request.
    target_days_urgent = models.PositiveSmallIntegerField(default=1)
    target_days_high = models.PositiveSmallIntegerField(default=3)
    target_days_normal = models.PositiveSmallIntegerField(default=10)
    target_days_low = models.PositiveSmallIntegerField(default=20)
    allow_anonymous = models.BooleanField(default=False)
    notice = models.TextField(
        blank=True, help_text="Shown when this is chosen, like 'If the traffic lights are out, phone ...'."
    )
    duplicate_radius_m = models.PositiveIntegerField("duplicate search radius (metres)", default=250)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["group", "name"]
        verbose_name_plural = "categories"
        constraints = [models.UniqueConstraint(fields=["council", "slug"], name="category_unique_slug")]

    def __str__(self):
        return self.name

    def target_days(self, priority: str) -> int:
        return getattr(self, f"target_days_{priority}")


class QuestionKind(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    SINGLE_CHOICE = "single_choice", "Choose one"
    MULTIPLE_CHOICE = "multiple_choice", "Choose any"


class CategoryQuestion(BaseModel):
    """An extra question asked for one category, such as 'What has been dumped?'.

    `choices` is a list of {"value", "label", "stop_message"}: choosing an option with a stop
    message ends the form and shows the message (for example, a number to phone now).
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=60, help_text="Also the Open311 attribute code.")
    order = models.PositiveSmallIntegerField(default=0)
    prompt = models.CharField(max_length=200)
    hint = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="question_unique_code")]

    def __str__(self):
        return self.prompt


class ServiceRequest(BaseModel):
    """A problem reported by a resident, through any channel."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="service_requests")
    number = models.PositiveIntegerField(help_text="Counts up from 1 within each council.")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="requests")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    status_changed_at = models.DateTimeField()
    description = models.TextField(validators=[MaxLengthValidator(4000)])
    answers = models.JSONField(default=dict, blank=True)
    # Where: a map point where the resident gave one, and always words.
    location_text = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    ward = models.ForeignKey("councils.Ward", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.WEB)
    source_client = models.CharField(max_length=100, blank=True, help_text="The API client that sent it.")
    # Who reported it. Personal data: never shown publicly, removed after the retention period.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reported_requests"
    )
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_email = models.EmailField(blank=True)
    reporter_phone = models.CharField(max_length=20, blank=True)
    contact_preference = models.CharField(
        max_length=10, choices=ContactPreference.choices, default=ContactPreference.EMAIL
    )
    involve_councillor = models.BooleanField(default=False)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The contact-centre officer who logged it for the resident.",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_requests"
    )
    expected_by = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    referred_to = models.CharField(max_length=200, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    supporter_count = models.PositiveIntegerField(default=0)
    dispute_count = models.PositiveIntegerField(default=0)
    chaser_count = models.PositiveIntegerField(
        default=0, help_text="Times the resident chased while it was open (updates, calls)."
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["council", "number"], name="request_unique_number")]
        indexes = [
            models.Index(fields=["council", "status", "expected_by"]),
            models.Index(fields=["council", "category", "status"]),
            models.Index(fields=["council", "created_at"]),
            # Open311 GET requests: one council's categories within a date window, newest first.
            models.Index(fields=["council", "category", "-created_at", "-id"], name="request_council_cat_newest"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.council.short_name}-{self.number:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EventKind(models.TextChoices):
    CREATED = "created", "Reported"
    STATUS = "status", "Status changed"
    PUBLIC_UPDATE = "public_update", "Update from the council"
    RESIDENT_UPDATE = "resident_update", "Update from the resident"
    INTERNAL_NOTE = "internal_note", "Internal note"
    ASSIGNED = "assigned", "Assigned"
    RECATEGORISED = "recategorised", "Category or priority changed"
    SUPPORTED = "supported", "Someone added their support"
    DISPUTED = "disputed", "Closure disputed"
    MERGED = "merged", "Merged"


class RequestEvent(BaseModel):
    """One entry in a request's history. Public entries make its public timeline."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    public_message = models.TextField(blank=True)
    internal_note = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"])]

    def __str__(self):
        return f"{self.request} {self.get_kind_display()}"


class Photo(BaseModel):
    """A photo of the problem. Only cleaned copies are stored: no location or camera details."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(RequestEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos")
    image = models.ImageField(upload_to="requests/%Y/%m/")
    thumbnail = models.ImageField(upload_to="requests/%Y/%m/thumbs/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    is_public = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Photo of {self.request}"


class Subscription(BaseModel):
    """Someone who is told about a request's progress: the reporter, or a supporter."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    contact_preference = models.CharField(max_length=10, choices=ContactPreference.choices)
    is_reporter = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "email"], condition=~Q(email=""), name="subscription_unique_email"
            ),
        ]

    def __str__(self):
        return f"{self.email or self.phone} on {self.request}"


class Feedback(BaseModel):
    """The resident's answer to the GOV.UK satisfaction question after closure."""

    class Rating(models.IntegerChoices):
        VERY_DISSATISFIED = 1, "Very dissatisfied"
        DISSATISFIED = 2, "Dissatisfied"
        NEITHER = 3, "Neither satisfied or dissatisfied"
        SATISFIED = 4, "Satisfied"
        VERY_SATISFIED = 5, "Very satisfied"

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(
        choices=Rating.choices, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True, validators=[MaxLengthValidator(1200)])
    channel = models.CharField(max_length=20, choices=Channel.choices)

    def __str__(self):
        return f"{self.get_rating_display()} for {self.request}"


class ResponseTemplate(BaseModel):
    """Standard wording staff can send with a status change, with placeholders like {reference}."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="response_templates")
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="response_templates",
        help_text="Leave blank for every category.",
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    title = models.CharField(max_length=100)
    text = models.TextField()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class RequestCounter(models.Model):  # noqa: DJ008
    """The last request number used at each council, so references count up without gaps."""

    council = models.OneToOneField("councils.Council", on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_number = models.PositiveIntegerField(default=0)


# The Open311 API's own records live in this app too.
from joinedup.service_requests.open311.models import ApiClient, ApiSubmission, ApiUpdate  # noqa: E402, F401
