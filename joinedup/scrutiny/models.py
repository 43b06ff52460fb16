"""
Scrutiny: committees and task groups, their meetings and the evidence heard, the work programme,
reports with recommendations (and the executive's statutory two-month clock to respond), and the
scrutiny reports built from live data for a meeting.

A committee belongs to one council, or (a joint partnership panel) to a partnership. Everything
else hangs off a committee, so its tenancy is the committee's.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from joinedup.core.models import BaseModel
from joinedup.software.models import add_months

# Section 9FE of the Local Government Act 2000: the executive responds within two months.
RESPONSE_MONTHS = 2
# Reminders of a recurring topic go to the scrutiny officer this long before it is due.
REMINDER_WEEKS = 8


def response_due(received: datetime.date) -> datetime.date:
    """The last day for the executive's response to a report received on `received` (s.9FE).

    Two calendar months later, on the same day of the month; where that month has no such day,
    its last day. 31 January -> 31 March; 30 December -> 28 February (29 in a leap year);
    31 August -> 31 October; 30 November -> 30 January.
    """
    return add_months(received, RESPONSE_MONTHS)


def _one_owner(name):
    return models.CheckConstraint(
        condition=(
            Q(partnership__isnull=False, council__isnull=True) | Q(partnership__isnull=True, council__isnull=False)
        ),
        name=name,
    )


class CommitteeKind(models.TextChoices):
    COMMITTEE = "committee", "Overview and scrutiny committee"
    TASK_GROUP = "task_group", "Task group"
    JOINT_PANEL = "joint_panel", "Joint partnership panel"


class ScoringScheme(BaseModel):
    """A council's (or partnership's) own way of scoring work programme topics, instead of TOPIC."""

    council = models.ForeignKey("councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    partnership = models.ForeignKey(
        "councils.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=100)
    # [{"code": "T", "label": "Timely", "hint": "..."}, ...]
    criteria = models.JSONField()
    max_score = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1), MaxValueValidator(10)])
    threshold = models.PositiveSmallIntegerField(help_text="A topic scoring this or more is worth taking on.")

    class Meta:
        ordering = ["name"]
        constraints = [_one_owner("scrutiny_scheme_one_owner")]

    def __str__(self):
        return self.name


class Committee(BaseModel):
    council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="scrutiny_committees"
    )
    partnership = models.ForeignKey(
        "councils.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="scrutiny_committees"
    )
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=12, help_text="A short code used in report references, like OSC.")
    kind = models.CharField("Type", max_length=20, choices=CommitteeKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_groups",
        help_text="The committee a task group reports to.",
    )
    scrutiny_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scoring_scheme = models.ForeignKey(ScoringScheme, null=True, blank=True, on_delete=models.PROTECT)
    takes_public_suggestions = models.BooleanField(
        default=False, help_text="Topics the public suggest on the council's form go to this committee."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [_one_owner("scrutiny_committee_one_owner")]

    def __str__(self):
        return self.name

    @property
    def owner(self):
        return self.council or self.partnership


class Role(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    MEMBER = "member", "Member"
    CO_OPTED = "co_opted", "Co-opted member"


class Membership(BaseModel):
    """A seat on a committee for a period. A member with an account (`user`) may edit the work
    programme while the seat is current; others (co-opted people, past members) are a record."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="Joint panels."
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["end_date", "role", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="scrutiny_membership_dates",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    def is_current(self, today: datetime.date) -> bool:
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)


class TermsOfReference(BaseModel):
    """One version of a committee's terms of reference. Never changed: a new version replaces it."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="terms")
    version = models.PositiveIntegerField()
    text = models.TextField()
    endorsed_on = models.DateField()
    endorsed_by = models.CharField(max_length=200, help_text="Who endorsed it, like the parent committee.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["committee", "version"], name="scrutiny_terms_version")]

    def __str__(self):
        return f"{self.committee} terms of reference, version {self.version}"


class Meeting(BaseModel):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date", "start_time", "id"]

    def __str__(self):
        return f"{self.committee} on {self.date:%-d %B %Y}"


class AgendaItem(BaseModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    topic = models.ForeignKey("Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items")

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self):
        return f"{self.position}. {self.title}"


class Evidence(BaseModel):
    """Evidence heard at an agenda item: who gave it and what they said."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="evidence")
    witness = models.CharField("Who gave it", max_length=200)
    witness_role = models.CharField("Their role", max_length=200, blank=True)
    summary = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return f"Evidence from {self.witness}"


EVIDENCE_FOLDER = "scrutiny-evidence"


def evidence_file_name(instance=None, filename=""):
    """An unguessable name in the private store; the uploaded name is kept on the row only."""
    import uuid

    return f"{EVIDENCE_FOLDER}/{uuid.uuid4().hex}"


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class EvidenceDocument(BaseModel):
    """A document attached to evidence. Kept in the private store; downloaded only through a view
    that checks who is asking."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(storage=_private_storage, upload_to=evidence_file_name, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["original_name", "id"]

    def __str__(self):
        return self.original_name


# Work programme


class TopicSource(models.TextChoices):
    MEMBER = "member", "A member"
    OFFICER = "officer", "An officer"
    PUBLIC = "public", "The public"
    RECURRING = "recurring", "A recurring topic"


class TopicStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    ACCEPTED = "accepted", "On the programme"
    SCHEDULED = "scheduled", "Scheduled to a meeting"
    DONE = "done", "Done"
    DECLINED = "declined", "Not taken on"


class Topic(BaseModel):
    """A topic on (or suggested for) a committee's work programme."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(max_length=200)
    description = models.TextField()
    source = models.CharField(max_length=20, choices=TopicSource.choices)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A member of the public: kept for the scrutiny officer to reply, never shown on public pages.
    suggester_name = models.CharField(max_length=200, blank=True)
    suggester_email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=TopicStatus.choices, default=TopicStatus.SUGGESTED)
    # {criterion code: score}; the scheme's name and criteria when it was scored.
    scores = models.JSONField(default=dict, blank=True)
    score_total = models.PositiveSmallIntegerField(null=True, blank=True)
    scheme_name = models.CharField(max_length=100, blank=True)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="topics")
    recurring = models.ForeignKey(
        "RecurringTopic", null=True, blank=True, on_delete=models.SET_NULL, related_name="occurrences"
    )
    due_on = models.DateField(null=True, blank=True, help_text="When a recurring topic is due.")

    class Meta:
        ordering = ["-score_total", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recurring", "due_on"], condition=Q(recurring__isnull=False), name="scrutiny_topic_occurrence"
            )
        ]

    def __str__(self):
        return self.title


class RecurringTopic(BaseModel):
    """A topic that comes back: the full topic every `cycle_years` years from `first_due`, and an
    assurance item (for example in the annual review) in the years between."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="recurring_topics")
    title = models.CharField(max_length=200)
    description = models.TextField()
    interim_title = models.CharField(max_length=200)
    interim_description = models.TextField()
    first_due = models.DateField()
    cycle_years = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1)])
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def occurrence(self, index: int) -> tuple[datetime.date, bool]:
        """The due date of the index-th occurrence, and whether it is the full topic."""
        return add_months(self.first_due, 12 * index), index % self.cycle_years == 0

    def next_occurrence(self, today: datetime.date) -> tuple[int, datetime.date, bool]:
        """The first occurrence due on or after `today`: (index, due date, full topic?)."""
        index = max(today.year - self.first_due.year - 1, 0)
        while True:
            due, full = self.occurrence(index)
            if due >= today:
                return index, due, full
            index += 1


# Reports and recommendations


class Report(BaseModel):
    """A committee's (or task group's) report to the executive, with its recommendations."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="reports")
    reference = models.CharField(max_length=40, editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    agreed_on = models.DateField("Agreed by the committee on")
    published_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-agreed_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["committee", "reference"], name="scrutiny_report_reference")]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def is_published(self, today: datetime.date) -> bool:
        return self.published_on is not None and self.published_on <= today


class Response(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    PARTLY = "partly", "Partly accepted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class Rag(models.TextChoices):
    """The tracker's own progress scale (not a project's delivery RAG)."""

    GREEN = "green", "Green: achieved"
    AMBER = "amber", "Amber: acceptable progress"
    RED = "red", "Red: progress not acceptable"


# The GOV.UK tag colour for each rating.
RAG_TAGS = {Rag.GREEN: "green", Rag.AMBER: "yellow", Rag.RED: "red"}


class Recommendation(BaseModel):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    area = models.CharField(max_length=200, blank=True, help_text="The portfolio or directorate it is for.")
    received_on = models.DateField("Received by the executive on", null=True, blank=True)
    response_due_on = models.DateField(null=True, blank=True, editable=False)
    response = models.CharField(max_length=20, choices=Response.choices, blank=True)
    response_text = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    action = models.TextField(blank=True)
    action_owner = models.CharField(max_length=200, blank=True)
    target_date = models.DateField(null=True, blank=True)
    rag = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    signed_off_on = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overdue_notified_on = models.DateField(null=True, blank=True, editable=False)
    proposals = models.ManyToManyField("portfolio.Proposal", blank=True, related_name="scrutiny_recommendations")
    applications = models.ManyToManyField("software.Application", blank=True, related_name="scrutiny_recommendations")
    # Names of the performance measures it concerns (see selectors.FIGURE_MEASURES).
    figures = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="scrutiny_recommendation_number")]

    def __str__(self):
        return f"{self.reference}: {self.text[:60]}"

    @property
    def reference(self) -> str:
        return f"{self.report.reference}.{self.number}"


class Update(BaseModel):
    """A progress update on a recommendation the executive accepted (or partly accepted)."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField()
    progress = models.TextField()
    rag = models.CharField(max_length=10, choices=Rag.choices)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-reported_on", "-id"]

    @property
    def tag(self) -> str:
        """The GOV.UK tag colour for its rating."""
        return RAG_TAGS.get(self.rag, "grey")


# Scrutiny reports built from live data

REPORTS_FOLDER = "scrutiny-reports"


def report_pdf_name(instance=None, filename=""):
    import uuid

    return f"{REPORTS_FOLDER}/{uuid.uuid4().hex}.pdf"


class DataReport(BaseModel):
    """A saved version of a scrutiny report for a meeting: the figures as they stood on `as_of`,
    kept (with its PDF) exactly as members were shown them."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="data_reports")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="data_reports")
    version = models.PositiveIntegerField()
    as_of = models.DateField()
    data = models.JSONField()
    pdf = models.FileField(storage=_private_storage, upload_to=report_pdf_name, max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["committee", "version"], name="scrutiny_data_report_version")]

    def __str__(self):
        return f"{self.committee} scrutiny report, version {self.version} ({self.as_of})"
