"""
Rollups: counts per council, category, channel and day, kept up to date by tasks (see rollups.py)
and rebuilt from scratch by `manage.py figures_rebuild`. Figures pages read only these tables.

Nothing here is personal data: every row is a count. The cost of each channel is entered by staff.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from joinedup.core.models import BaseModel

SATISFACTION_POINTS = (1, 2, 3, 4, 5)


class RequestDaily(models.Model):
    """Counts for the requests of one council, category and channel on one day.

    Three kinds of count share a row, each dated by its own day:
    - made on the day: `made` ... `loop_told_all` (and the counts about those requests since,
      such as chasers and disputes, which a task brings up to date as they happen);
    - closed on the day: `closed` ... `closure_not_told`;
    - satisfaction answers given on the day: `sat_1` ... `sat_5`.
    """

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("service_requests.Category", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20)
    day = models.DateField()
    # Made on the day
    made = models.PositiveIntegerField(default=0)
    made_assisted = models.PositiveIntegerField(default=0, help_text="Made online by staff for the resident.")
    chasers = models.PositiveIntegerField(default=0)
    repeat_contacts = models.PositiveIntegerField(default=0)
    disputes = models.PositiveIntegerField(default=0)
    reopenings = models.PositiveIntegerField(default=0)
    loop_requests = models.PositiveIntegerField(
        default=0, help_text="Made on the day, reporter asked for updates, and the status changed at least once."
    )
    loop_told_all = models.PositiveIntegerField(default=0, help_text="Of those, the reporter was told of every change.")
    # Closed on the day
    closed = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0, help_text="Closed as fixed, no action needed or passed on.")
    resolved_within_target = models.PositiveIntegerField(default=0)
    closure_asked = models.PositiveIntegerField(default=0, help_text="Closed, and the reporter asked for updates.")
    closure_delivered = models.PositiveIntegerField(default=0)
    closure_sent = models.PositiveIntegerField(default=0)
    closure_waiting = models.PositiveIntegerField(default=0)
    closure_failed = models.PositiveIntegerField(default=0)
    closure_not_told = models.PositiveIntegerField(default=0)
    # Satisfaction answers given on the day, per point of the GOV.UK scale (1 very dissatisfied)
    sat_1 = models.PositiveIntegerField(default=0)
    sat_2 = models.PositiveIntegerField(default=0)
    sat_3 = models.PositiveIntegerField(default=0)
    sat_4 = models.PositiveIntegerField(default=0)
    sat_5 = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "day", "category", "channel"], name="request_daily_unique")
        ]

    def __str__(self):
        return f"{self.council_id} {self.day} {self.category_id} {self.channel}"


COUNT_FIELDS = [f.name for f in RequestDaily._meta.local_fields if isinstance(f, models.PositiveIntegerField)]


class ResolutionDaily(models.Model):
    """How many requests resolved on a day took each number of working days: a histogram, so the
    median and 90th percentile over any period come exactly from the rollup."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("service_requests.Category", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    working_days = models.PositiveIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "day", "category", "working_days"], name="resolution_daily_unique"
            )
        ]

    def __str__(self):
        return f"{self.council_id} {self.day} {self.category_id}: {self.working_days}d × {self.count}"


class OverdueSnapshot(models.Model):
    """Open and overdue requests of a council's category at the end of a day (today: as of now)."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("service_requests.Category", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    open_count = models.PositiveIntegerField(default=0)
    overdue_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "day", "category"], name="overdue_snapshot_unique")]

    def __str__(self):
        return f"{self.council_id} {self.day} {self.category_id}: {self.overdue_count}/{self.open_count}"


class JourneyDaily(models.Model):
    """How many online report journeys reached each step on a day (no one is identified).

    `step` "started" counts journeys begun; "sent" and "supported" count journeys that ended with
    a report or with support added to a report already made.
    """

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    step = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "day", "step"], name="journey_daily_unique")]

    def __str__(self):
        return f"{self.council_id} {self.day} {self.step}: {self.count}"


class EnquiryDaily(models.Model):
    """Member enquiries and escalations raised on a day, for one council's service area."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    service_area = models.ForeignKey("councils.ServiceArea", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    enquiries = models.PositiveIntegerField(default=0)
    enquiries_answered = models.PositiveIntegerField(default=0)
    enquiries_answered_within_target = models.PositiveIntegerField(default=0)
    escalations = models.PositiveIntegerField(default=0)
    escalations_answered = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "day", "service_area"], name="enquiry_daily_unique")]

    def __str__(self):
        return f"{self.council_id} {self.day} {self.service_area_id}"


class ChannelCost(BaseModel):
    """What one channel cost a council over a period, by the cost components the GOV.UK service
    manual lists for cost per transaction. Entered by administrators and partnership officers."""

    COMPONENTS = (
        ("staff", "Staff employment and training"),
        ("accommodation", "Accommodation, fixtures, maintenance and utilities"),
        ("equipment", "Office equipment, including IT"),
        ("communications", "Postage, printing and telecoms"),
        ("overheads", "Overheads (shares of payroll, audit, management, legal)"),
        ("supplies", "Materials, research, depreciation, taxes and insurance"),
        ("contractors", "Sub-contractor fees, distribution and promotion"),
        ("provisions", "Bad debts and provisions"),
        ("assisted_digital", "Assisted digital support"),
    )

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20)
    period_start = models.DateField()
    period_end = models.DateField()
    staff = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)])
    accommodation = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    equipment = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    communications = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    overheads = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    supplies = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    contractors = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    provisions = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    assisted_digital = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_start", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["council", "channel", "period_start"], name="channel_cost_unique"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")), name="cost_period"),
        ]

    def __str__(self):
        return f"{self.council_id} {self.channel} {self.period_start}–{self.period_end}"

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, name) for name, _ in self.COMPONENTS), Decimal(0))
