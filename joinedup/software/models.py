"""
The software estate: a product dictionary shared by a partnership, each council's applications,
contracts, entitlements, assignments and usage (aggregated per person, product and day).

The dictionary (publishers, products, aliases) belongs to a partnership; a council outside any
partnership keeps its own dictionary (the `council` field is set instead of `partnership`).
"""

import datetime
import re
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver

from joinedup.core.files import files_delete_after_commit
from joinedup.core.models import BaseModel
from joinedup.software.storage import import_file_name, private_storage

DEFAULT_ACTIVITY_DAYS = 90


def normalise_name(value: str) -> str:
    """The key two names are compared by: case, accents, NBSP and runs of spaces do not matter."""
    value = unicodedata.normalize("NFKC", value or "").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", value).strip().casefold()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Move a date by whole months, keeping to the last day of a shorter month (31 Mar - 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


class EsdFunction(BaseModel):
    """A function of the LGA/ESD Function List, like 1 'Advice and benefits' (id.esd.org.uk/function/1)."""

    identifier = models.PositiveIntegerField(unique=True)
    label = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["label"]
        verbose_name = "ESD function"

    def __str__(self):
        return self.label

    @property
    def uri(self):
        return f"http://id.esd.org.uk/function/{self.identifier}"


class LgslService(BaseModel):
    """A service of the Local Government Service List, like 487 'Full planning applications'."""

    identifier = models.PositiveIntegerField(unique=True)
    label = models.CharField(max_length=200)
    function = models.ForeignKey(EsdFunction, null=True, blank=True, on_delete=models.PROTECT, related_name="services")

    class Meta:
        ordering = ["label"]
        verbose_name = "LGSL service"

    def __str__(self):
        return f"{self.label} ({self.identifier})"


class DictionaryEntry(BaseModel):
    """A row of a shared dictionary: it belongs to a partnership, or to a council outside any."""

    partnership = models.ForeignKey(
        "councils.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    council = models.ForeignKey("councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


def _one_owner(name):
    return models.CheckConstraint(
        condition=(
            Q(partnership__isnull=False, council__isnull=True) | Q(partnership__isnull=True, council__isnull=False)
        ),
        name=name,
    )


class Publisher(DictionaryEntry):
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            _one_owner("software_publisher_one_owner"),
            models.UniqueConstraint(
                fields=["partnership", "key"], condition=Q(partnership__isnull=False), name="software_publisher_p_key"
            ),
            models.UniqueConstraint(
                fields=["council", "key"], condition=Q(council__isnull=False), name="software_publisher_c_key"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = normalise_name(self.name)
        super().save(*args, **kwargs)


class Product(DictionaryEntry):
    """A normalised product, like 'Office 365 E3' by Microsoft, classified by what it is used for."""

    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, editable=False)
    description = models.TextField(blank=True)
    functions = models.ManyToManyField(EsdFunction, blank=True, related_name="products")
    services = models.ManyToManyField(LgslService, blank=True, related_name="products")
    activity_days = models.PositiveIntegerField(
        default=DEFAULT_ACTIVITY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="A person who has not used the product for longer than this is not using it.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            _one_owner("software_product_one_owner"),
            models.UniqueConstraint(
                fields=["partnership", "key"], condition=Q(partnership__isnull=False), name="software_product_p_key"
            ),
            models.UniqueConstraint(
                fields=["council", "key"], condition=Q(council__isnull=False), name="software_product_c_key"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = normalise_name(self.name)
        super().save(*args, **kwargs)


class ProductAlias(DictionaryEntry):
    """Another name a product goes by: 'MS Office 365 E3', or a SKU part number like ENTERPRISEPACK."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "product aliases"
        constraints = [
            _one_owner("software_alias_one_owner"),
            models.UniqueConstraint(
                fields=["partnership", "key"], condition=Q(partnership__isnull=False), name="software_alias_p_key"
            ),
            models.UniqueConstraint(
                fields=["council", "key"], condition=Q(council__isnull=False), name="software_alias_c_key"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = normalise_name(self.name)
        super().save(*args, **kwargs)


class Hosting(models.TextChoices):
    ON_PREMISES = "on_premises", "On premises"
    CLOUD = "cloud", "Cloud (software as a service)"
    SUPPLIER_HOSTED = "supplier_hosted", "Hosted by the supplier"


class SupportStatus(models.TextChoices):
    SUPPORTED = "supported", "Supported"
    EXTENDED = "extended", "Extended support only"
    UNSUPPORTED = "unsupported", "Out of support"
    UNKNOWN = "unknown", "Not known"


class Sensitivity(models.TextChoices):
    OFFICIAL = "official", "Official"
    PERSONAL = "personal", "Official: personal data"
    SPECIAL = "special", "Official-sensitive: special category data"


class Disposition(models.TextChoices):
    """Gartner's TIME model."""

    TOLERATE = "tolerate", "Tolerate"
    INVEST = "invest", "Invest"
    MIGRATE = "migrate", "Migrate"
    ELIMINATE = "eliminate", "Eliminate"
    UNDECIDED = "", "Not decided"


score_validators = [MinValueValidator(1), MaxValueValidator(10)]


class Application(BaseModel):
    """A council's use of a product."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="applications")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="applications")
    name = models.CharField(max_length=200, help_text="What people at the council call it.")
    version = models.CharField(max_length=60, blank=True)
    business_owner = models.CharField(max_length=200, blank=True, help_text="The person accountable for it.")
    service_area = models.ForeignKey(
        "councils.ServiceArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    technical_custodian = models.CharField(max_length=200, blank=True)
    hosting = models.CharField(max_length=20, choices=Hosting.choices, default=Hosting.CLOUD)
    users_count = models.PositiveIntegerField("Number of users", null=True, blank=True)
    support_status = models.CharField(max_length=20, choices=SupportStatus.choices, default=SupportStatus.SUPPORTED)
    end_of_support = models.DateField("End of support", null=True, blank=True)
    data_sensitivity = models.CharField(max_length=20, choices=Sensitivity.choices, default=Sensitivity.OFFICIAL)
    disposition = models.CharField("TIME disposition", max_length=20, choices=Disposition.choices, blank=True)
    business_value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=score_validators, help_text="1 (low) to 10 (high)."
    )
    technical_risk = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=score_validators, help_text="1 (low) to 10 (high)."
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="software_application_unique_name")]

    def __str__(self):
        return self.name


class Renewal(models.TextChoices):
    AUTOMATIC = "automatic", "Renews automatically unless notice is given"
    BY_AGREEMENT = "by_agreement", "Renews only by agreement"


class ProcurementRoute(models.TextChoices):
    FRAMEWORK = "framework", "Framework call-off"
    G_CLOUD = "g_cloud", "G-Cloud"
    OPEN = "open", "Open tender"
    DIRECT = "direct", "Direct award"
    OTHER = "other", "Other"


class Contract(BaseModel):
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="software_contracts")
    reference = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    supplier = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField()
    notice_months = models.PositiveSmallIntegerField("Notice period (months)", default=3)
    renewal = models.CharField(max_length=20, choices=Renewal.choices, default=Renewal.BY_AGREEMENT)
    extension_options = models.CharField(max_length=200, blank=True, help_text="For example: 2 + 1 years.")
    annual_value = models.DecimalField("Yearly value (£)", max_digits=12, decimal_places=2, default=Decimal("0"))
    cost_centre = models.CharField(max_length=30, blank=True)
    procurement_route = models.CharField(max_length=20, choices=ProcurementRoute.choices, blank=True)
    applications = models.ManyToManyField(Application, blank=True, related_name="contracts")

    class Meta:
        ordering = ["end_date", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="software_contract_unique_reference"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="software_contract_dates"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def notice_deadline(self) -> datetime.date:
        """The last day to give notice: the end date less the notice period."""
        return add_months(self.end_date, -self.notice_months)


class CommitmentStatus(models.TextChoices):
    PENDING = "pending", "Not yet due"
    DELIVERED = "delivered", "Delivered"
    LATE = "late", "Late"
    NOT_DELIVERED = "not_delivered", "Not delivered"


class SupplierCommitment(BaseModel):
    """Something a supplier promised in a contract, such as 'two free training days a year'."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="commitments")
    description = models.CharField(max_length=300)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.PENDING)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.description

    @property
    def overdue(self) -> bool:
        """Due before today and not delivered (nor written off as not delivered)."""
        from django.utils import timezone

        return (
            self.due_date is not None
            and self.due_date < timezone.localdate()
            and self.status in (CommitmentStatus.PENDING, CommitmentStatus.LATE)
        )


class Metric(models.TextChoices):
    NAMED_USER = "named_user", "Named user"
    DEVICE = "device", "Device"
    CONCURRENT = "concurrent", "Concurrent user"
    SITE = "site", "Site"
    SUBSCRIPTION = "subscription", "Subscription (per user)"


PER_PERSON_METRICS = {Metric.NAMED_USER, Metric.SUBSCRIPTION}


class BillingPeriod(models.TextChoices):
    MONTHLY = "monthly", "Per month"
    YEARLY = "yearly", "Per year"
    ONE_OFF = "one_off", "One-off (perpetual)"


class Entitlement(BaseModel):
    """Rights a council owns: a quantity of a product under one licence metric."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="entitlements")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="entitlements")
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.SET_NULL, related_name="entitlements"
    )
    metric = models.CharField(max_length=20, choices=Metric.choices, default=Metric.NAMED_USER)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField("Unit price (£)", max_digits=10, decimal_places=2, default=Decimal("0"))
    billing_period = models.CharField(max_length=10, choices=BillingPeriod.choices, default=BillingPeriod.YEARLY)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["product__name", "id"]

    def __str__(self):
        return f"{self.quantity} × {self.product}"

    @property
    def yearly_unit_price(self) -> Decimal:
        if self.billing_period == BillingPeriod.MONTHLY:
            return self.unit_price * 12
        if self.billing_period == BillingPeriod.YEARLY:
            return self.unit_price
        return Decimal("0")


class UsageSource(models.TextChoices):
    M365_ACTIVE_USER = "m365_active_user", "Microsoft 365 active user detail"
    LICENCE_EXPORT = "licence_export", "Microsoft 365 licence assignment export"
    ENTRA_SIGNIN = "entra_signin", "Entra sign-in log"
    M365_APPS = "m365_apps", "Microsoft 365 Apps user detail"
    GENERIC = "generic", "CSV file with chosen columns"
    MANUAL = "manual", "Entered by hand"


class Assignment(BaseModel):
    """A product assigned to one person, identified as the source system does (usually their UPN)."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="assignments")
    entitlement = models.ForeignKey(
        Entitlement, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    person = models.CharField(max_length=254)
    source = models.CharField(max_length=20, choices=UsageSource.choices, default=UsageSource.MANUAL)

    class Meta:
        ordering = ["person"]
        constraints = [
            models.UniqueConstraint(fields=["council", "product", "person"], name="software_assignment_unique")
        ]

    def __str__(self):
        return f"{self.product} to {self.person}"


class UsageMonthly(models.Model):
    """One person's use of one product in one calendar month: the days they used it and how often
    (the raw events are never kept). A sign-in log of a million rows comes down to about a
    tenth as many of these, which keeps imports fast."""

    # No foreign key constraints in the database: checking two for each of the 100,000 rows a big
    # import writes took longer than writing them. Django still refuses to delete a council or
    # product that has usage (PROTECT looks here), and only `services._usage_merge` writes rows,
    # with products from the council's own dictionary. The unique constraint's index, which starts
    # with the council, serves lookups by council, so the council needs no index of its own.
    council = models.ForeignKey(
        "councils.Council", on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    person = models.CharField(max_length=254)
    month = models.DateField(help_text="The first day of the month.")
    # Which days of the month: bit 0 is the 1st, bit 30 the 31st (so "used within 90 days" is exact).
    days = models.IntegerField()
    active_days = models.PositiveSmallIntegerField()
    last_seen = models.DateField()
    events = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=20, choices=UsageSource.choices)

    class Meta:
        verbose_name_plural = "monthly usage"
        constraints = [
            models.UniqueConstraint(
                fields=["council", "product", "person", "month", "source"], name="software_usage_monthly_unique"
            )
        ]  # its index serves the lookups by council and product too

    def __str__(self):
        return f"{self.person} used {self.product_id} on {self.active_days} days of {self.month:%B %Y}"

    @staticmethod
    def last_day(month: datetime.date, days: int) -> datetime.date:
        return month.replace(day=days.bit_length())

    def used_days(self) -> list[datetime.date]:
        return [self.month.replace(day=n + 1) for n in range(31) if self.days >> n & 1]


class UsageEvidence(BaseModel):
    """The newest file of one source that covers one product at one council, and the date its data
    runs to ("as at"): a Microsoft 365 report's Report Refresh Date, the newest sign-in in an Entra
    log, the newest date in a generic file, or the day an assignment file was imported.

    The licence position counts each source's activity window back from this date, not from today,
    and shows it beside each figure; one row per (council, product, source), so reading them is cheap.
    """

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20, choices=UsageSource.choices)
    as_at = models.DateField()
    filename = models.CharField(max_length=255, blank=True)
    imported_on = models.DateField()

    class Meta:
        verbose_name_plural = "usage evidence"
        constraints = [
            models.UniqueConstraint(fields=["council", "product", "source"], name="software_usage_evidence_unique")
        ]

    def __str__(self):
        return f"{self.get_source_display()} for {self.product_id} as at {self.as_at}"


class ImportKind(models.TextChoices):
    M365_ACTIVE_USER = "m365_active_user", "Microsoft 365 active user detail (CSV)"
    LICENCE_EXPORT = "licence_export", "Licence assignment export (CSV)"
    ENTRA_SIGNIN = "entra_signin", "Entra sign-in log (CSV or JSON)"
    M365_APPS = "m365_apps", "Microsoft 365 Apps user detail (CSV)"
    GENERIC = "generic", "Any other usage file, choosing which column is which (CSV)"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Checked, not yet imported"
    IMPORTED = "imported", "Imported"


class ImportBatch(BaseModel):
    """One uploaded file: kept while it waits for confirmation, then its summary is kept.

    The file itself waits in the private file store (`joinedup.software.storage`), under a random
    name, never in the database; it is deleted when the batch is imported, expires or is deleted.
    """

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=ImportKind.choices)
    filename = models.CharField(max_length=255)  # as uploaded; shown to people, never used on disk
    sha256 = models.CharField(max_length=64)
    file = models.FileField(storage=private_storage, upload_to=import_file_name, max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report_refresh_date = models.DateField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    # For a file with chosen columns: {"person": "Email", "product": "System", "day": "Last used"}.
    mapping = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.filename}"


@receiver(post_delete, sender=ImportBatch)
def _delete_kept_file(sender, instance, **kwargs):
    """A deleted batch takes its waiting file with it, once the deletion is committed (a rollback
    keeps both)."""
    files_delete_after_commit(private_storage(), [instance.file.name])


# Reclaim and attestation workflows


class ReclaimStatus(models.TextChoices):
    OPEN = "open", "Waiting for the owner"
    KEPT = "kept", "Kept"
    RECLAIMED = "reclaimed", "Reclaimed"
    CLOSED = "closed", "Closed: no longer assigned"


class ReclaimRequest(BaseModel):
    """A licence assigned to someone who has not used it: the service-area owner keeps it (with a
    reason) or reclaims it."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reclaim_requests")
    person = models.CharField(max_length=254)
    last_used = models.DateField(null=True, blank=True)
    service_area = models.ForeignKey(
        "councils.ServiceArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ReclaimStatus.choices, default=ReclaimStatus.OPEN)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # For a reclaimed licence: the day an assignment file covering the product first no longer
    # listed the person (the licence was removed in the source system). Until then, files that
    # still list them do not assign it again; after it, one that lists them means it was reassigned.
    licence_removed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "product__name", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "product", "person"],
                condition=Q(status="open"),
                name="software_reclaim_one_open",
            )
        ]

    def __str__(self):
        return f"{self.product} assigned to {self.person}"


class ReclaimExclusion(BaseModel):
    """Someone never to be asked about for one product (a shared mailbox, a service or room account,
    a protected person, someone on long-term leave), with the reason."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    person = models.CharField(max_length=254)
    reason = models.TextField()
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["person"]
        constraints = [
            models.UniqueConstraint(fields=["council", "product", "person"], name="software_reclaim_exclusion_unique")
        ]

    def __str__(self):
        return f"{self.person} not asked about {self.product_id}"


class AttestationCampaign(BaseModel):
    """A yearly round asking each owner to confirm their systems are still needed and recorded right."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    due_date = models.DateField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["council", "year"], name="software_attestation_campaign_year")]

    def __str__(self):
        return f"Attestation {self.year}"


class AttestationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the owner"
    CONFIRMED = "confirmed", "Confirmed"
    CHANGES = "changes", "Changes needed"


class Attestation(BaseModel):
    """One owner's answer for one application in a campaign."""

    campaign = models.ForeignKey(AttestationCampaign, on_delete=models.CASCADE, related_name="attestations")
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attestations")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=AttestationStatus.choices, default=AttestationStatus.PENDING)
    still_needed = models.BooleanField(null=True)
    owner_correct = models.BooleanField(null=True)
    users_correct = models.BooleanField(null=True)
    comment = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "application"], name="software_attestation_unique")]

    def __str__(self):
        return f"{self.application} ({self.campaign.year})"


class CalendarFeedToken(BaseModel):
    """A secret address for one person's renewal calendar feed: calendar programs cannot sign in.

    Only a hash of the secret is kept; the person sees the address once, and can replace or remove it.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"
