from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from joinedup.core.models import BaseModel

council_gss_validator = RegexValidator(
    r"^[ENSW]\d{8}$", "Enter a council code in the ONS format, like E07000136 (a letter, then 8 digits)."
)
ward_gss_validator = RegexValidator(
    r"^[ENSW]\d{8}$", "Enter a ward code in the ONS format, like E05012345 (a letter, then 8 digits)."
)
colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as # and 6 hex digits, like #1d70b8.")

# Path segments that can never be a council's slug, because the platform uses them itself.
RESERVED_SLUGS = frozenset(
    [
        "accessibility",
        "account",
        "admin",
        "api",
        "assets",
        "cookies",
        "feedback",
        "healthz",
        "media",
        "open311",
        "partnerships",
        "privacy",
        "staff",
        "static",
    ]
)


def validate_not_reserved(slug: str):
    if slug in RESERVED_SLUGS:
        raise ValidationError(f"'{slug}' is used by the platform itself. Choose another.")


class Partnership(BaseModel):
    """Councils that share services and build them once, like a shared ICT company's partners."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Council(BaseModel):
    """A local authority, identified by its ONS GSS code (for example E07000136)."""

    gss_code = models.CharField("ONS code", max_length=9, unique=True, validators=[council_gss_validator])
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=20, help_text="Used in references, like BBC in BBC-000123.")
    slug = models.SlugField(max_length=60, unique=True, validators=[validate_not_reserved])
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="councils"
    )
    website_url = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    contact_address = models.TextField(blank=True)
    header_text = models.CharField(
        max_length=100, blank=True, help_text="Shown in the page header. Leave blank to use the name."
    )
    brand_colour = models.CharField(max_length=7, default="#1d70b8", validators=[colour_validator])
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("councils:home", kwargs={"council_slug": self.slug})

    @property
    def display_name(self):
        return self.header_text or self.name


class CouncilHostname(BaseModel):
    """A public host name that serves one council, such as report.boston.gov.uk."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="hostnames")
    hostname = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["hostname"]

    def __str__(self):
        return self.hostname


class Ward(BaseModel):
    """An electoral ward. Its boundary is a GeoJSON Polygon or MultiPolygon in WGS84."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="wards")
    gss_code = models.CharField("ONS code", max_length=9, unique=True, validators=[ward_gss_validator])
    name = models.CharField(max_length=200)
    boundary = models.JSONField()
    # The boundary's bounding box, so a point lookup only tests the few wards it could be in.
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["council", "min_lon", "max_lon", "min_lat", "max_lat"])]

    def __str__(self):
        return f"{self.name} ({self.gss_code})"


class ServiceArea(BaseModel):
    """A council department that handles work, such as Waste or Highways."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="service_areas")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True, help_text="The team's shared mailbox.")
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="service_area_unique_slug"),
            models.UniqueConstraint(fields=["council", "name"], name="service_area_unique_name"),
        ]

    def __str__(self):
        return self.name
