"""
Every write to councils, wards and service areas. `actor` is the signed-in user making the
change, or None for a trusted system process (a management command) named by `source`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from shapely.geometry import shape
from shapely.validation import explain_validity

from joinedup.accounts import permissions
from joinedup.core.audit import audit_record, field_changes
from joinedup.councils.models import (
    Council,
    CouncilHostname,
    Partnership,
    ServiceArea,
    Ward,
)

COUNCIL_EDITABLE_FIELDS = (
    "name",
    "short_name",
    "website_url",
    "contact_email",
    "contact_phone",
    "contact_address",
    "header_text",
    "brand_colour",
)
SERVICE_AREA_EDITABLE_FIELDS = ("name", "description", "email", "lead_officer")


def _require_system_or_administrator(actor):
    if actor is not None:
        permissions.require(permissions.is_administrator(actor), "Only an administrator can do that.")


def _require_can_manage(actor, council):
    if actor is not None:
        permissions.require(
            permissions.can_manage_council(actor, council),
            "Only an administrator or a partnership officer can change this council's set-up.",
        )


@transaction.atomic
def partnership_create(*, actor, name: str, slug: str, description: str = "", source: str = "") -> Partnership:
    _require_system_or_administrator(actor)
    partnership = Partnership(name=name, slug=slug, description=description)
    partnership.full_clean()
    partnership.save()
    audit_record(
        actor=actor,
        action="councils.partnership.create",
        instance=partnership,
        source=source,
        changes={"name": name, "slug": slug},
    )
    return partnership


@transaction.atomic
def council_create(
    *,
    actor,
    gss_code: str,
    name: str,
    short_name: str,
    slug: str,
    partnership: Partnership | None = None,
    source: str = "",
    **details,
) -> Council:
    _require_system_or_administrator(actor)
    unknown = set(details) - set(COUNCIL_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown council fields: {', '.join(sorted(unknown))}")
    council = Council(
        gss_code=gss_code.upper(), name=name, short_name=short_name, slug=slug, partnership=partnership, **details
    )
    council.full_clean()
    council.save()
    audit_record(
        actor=actor,
        action="councils.council.create",
        instance=council,
        council=council,
        source=source,
        changes={"gss_code": council.gss_code, "name": name, "slug": slug},
    )
    return council


@transaction.atomic
def council_update(*, actor, council: Council, source: str = "", **values) -> Council:
    """Change a council's contact details and branding."""
    _require_can_manage(actor, council)
    unknown = set(values) - set(COUNCIL_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"These council fields cannot be changed here: {', '.join(sorted(unknown))}")
    changes = field_changes(council, values)
    if not changes:
        return council
    for name, value in values.items():
        setattr(council, name, value)
    council.full_clean()
    council.save()
    audit_record(
        actor=actor, action="councils.council.update", instance=council, council=council, changes=changes, source=source
    )
    return council


@transaction.atomic
def council_hostname_add(*, actor, council: Council, hostname: str, source: str = "") -> CouncilHostname:
    _require_system_or_administrator(actor)
    entry = CouncilHostname(council=council, hostname=hostname.strip().lower().rstrip("."))
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action="councils.hostname.add",
        instance=entry,
        council=council,
        source=source,
        changes={"hostname": entry.hostname},
    )
    return entry


@transaction.atomic
def service_area_create(
    *,
    actor,
    council: Council,
    name: str,
    slug: str,
    description: str = "",
    email: str = "",
    lead_officer=None,
    source: str = "",
) -> ServiceArea:
    _require_can_manage(actor, council)
    area = ServiceArea(
        council=council, name=name, slug=slug, description=description, email=email, lead_officer=lead_officer
    )
    area.full_clean()
    area.save()
    audit_record(
        actor=actor,
        action="councils.service_area.create",
        instance=area,
        council=council,
        source=source,
        changes={"name": name, "lead_officer": lead_officer},
    )
    return area


@transaction.atomic
def service_area_update(*, actor, service_area: ServiceArea, source: str = "", **values) -> ServiceArea:
    _require_can_manage(actor, service_area.council)
    unknown = set(values) - set(SERVICE_AREA_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"These service area fields cannot be changed here: {', '.join(sorted(unknown))}")
    lead = values.get("lead_officer")
    if lead is not None and not permissions.is_council_officer(lead, service_area.council):
        raise ValidationError({"lead_officer": "The lead officer must be a member of this council's staff."})
    changes = field_changes(service_area, values)
    if not changes:
        return service_area
    for name, value in values.items():
        setattr(service_area, name, value)
    service_area.full_clean()
    service_area.save()
    audit_record(
        actor=actor,
        action="councils.service_area.update",
        instance=service_area,
        council=service_area.council,
        changes=changes,
        source=source,
    )
    return service_area


def boundary_check(geometry: dict) -> dict:
    """Return the GeoJSON geometry if it is a valid WGS84 polygon, else raise ValidationError."""
    if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError("The boundary must be a GeoJSON Polygon or MultiPolygon.")
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, IndexError, AttributeError) as error:
        raise ValidationError(f"The boundary is not valid GeoJSON: {error}.") from None
    if polygon.is_empty:
        raise ValidationError("The boundary is empty.")
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationError(
            "The boundary's coordinates are not longitude and latitude (WGS84). "
            "Convert the file to WGS84 (EPSG:4326) first."
        )
    if not polygon.is_valid:
        raise ValidationError(f"The boundary is not a valid shape: {explain_validity(polygon)}.")
    return geometry


@transaction.atomic
def ward_upsert(
    *, actor, council: Council, gss_code: str, name: str, boundary: dict, source: str = ""
) -> tuple[Ward, str]:
    """Create the ward with this GSS code, or update its name and boundary.

    Return the ward and what happened to it: "created", "updated" or "unchanged".
    """
    _require_can_manage(actor, council)
    boundary_check(boundary)
    min_lon, min_lat, max_lon, max_lat = shape(boundary).bounds
    values = {
        "name": name,
        "boundary": boundary,
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
    }
    ward = Ward.objects.filter(gss_code=gss_code).first()
    if ward is not None and ward.council_id != council.id:
        raise ValidationError(f"Ward {gss_code} already belongs to {ward.council}.")
    if ward is None:
        ward = Ward(council=council, gss_code=gss_code, **values)
        ward.full_clean()
        ward.save()
        audit_record(
            actor=actor,
            action="councils.ward.create",
            instance=ward,
            council=council,
            source=source,
            changes={"gss_code": gss_code, "name": name},
        )
        return ward, "created"
    changes = field_changes(ward, {"name": name, "boundary": boundary})
    if not changes:
        return ward, "unchanged"
    for key, value in values.items():
        setattr(ward, key, value)
    ward.full_clean()
    ward.save()
    if "boundary" in changes:
        changes["boundary"] = "changed"
    audit_record(
        actor=actor, action="councils.ward.update", instance=ward, council=council, source=source, changes=changes
    )
    return ward, "updated"
