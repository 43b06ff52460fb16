"""
Import ward boundaries from an ONS Open Geography Portal GeoJSON file.

ONS files name their properties by year (WD24CD, WD24NM, LAD24CD...), some carry the local
authority code and some do not, and some are in British National Grid (EPSG:27700) rather
than longitude and latitude. All of these are handled here; anything else is an error that
names the feature, and nothing is saved unless every ward in the file is good.
"""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from pyproj import Transformer
from shapely.geometry import mapping, shape

from joinedup.councils.models import Council
from joinedup.councils.services import ward_upsert

WARD_CODE_KEY = re.compile(r"^WD\d{2}CD$", re.IGNORECASE)
WARD_NAME_KEY = re.compile(r"^WD\d{2}NM$", re.IGNORECASE)
COUNCIL_CODE_KEY = re.compile(r"^LAD\d{2}CD$", re.IGNORECASE)


@dataclass
class WardImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    other_councils: int = 0
    reprojected: bool = False


def _find_key(properties: dict, pattern: re.Pattern, fallbacks: tuple[str, ...]) -> str | None:
    for key in properties:
        if pattern.match(key):
            return key
    for key in fallbacks:
        if key in properties:
            return key
    return None


def _is_british_national_grid(data: dict, first_geometry: dict | None) -> bool:
    crs_name = str(((data.get("crs") or {}).get("properties") or {}).get("name", ""))
    if "27700" in crs_name:
        return True
    if "4326" in crs_name or "CRS84" in crs_name.upper() or not first_geometry:
        return False
    # Files without a crs member: eastings and northings are far outside longitude/latitude.
    min_x, min_y, max_x, max_y = shape(first_geometry).bounds
    return max(abs(min_x), abs(max_x)) > 180 or max(abs(min_y), abs(max_y)) > 90


def read_ward_lookup(path: Path) -> dict[str, str]:
    """Read an ONS ward-to-local-authority lookup CSV into {ward code: council code}."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        headers = [h.strip() for h in (reader.fieldnames or [])]
        ward_key = next((h for h in headers if WARD_CODE_KEY.match(h)), None)
        council_key = next((h for h in headers if COUNCIL_CODE_KEY.match(h)), None)
        if not ward_key or not council_key:
            raise ValidationError(
                "The lookup file needs a ward code column (like WD24CD) and a council code column (like LAD24CD)."
            )
        reader.fieldnames = headers
        return {row[ward_key].strip(): row[council_key].strip() for row in reader if row.get(ward_key)}


def wards_import_geojson(
    *,
    actor,
    council: Council,
    data: dict,
    lookup: dict[str, str] | None = None,
    import_all: bool = False,
    dry_run: bool = False,
    source: str = "import_wards",
) -> WardImportResult:
    """Create or update the council's wards from a GeoJSON FeatureCollection, all or nothing."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationError("The file is not a GeoJSON FeatureCollection.")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError("The file has no features.")

    first_properties = features[0].get("properties") or {}
    code_key = _find_key(first_properties, WARD_CODE_KEY, ("gss_code", "code", "GSS_CODE"))
    name_key = _find_key(first_properties, WARD_NAME_KEY, ("name", "NAME"))
    council_key = _find_key(first_properties, COUNCIL_CODE_KEY, ())
    if not code_key or not name_key:
        raise ValidationError(
            "Could not find the ward code and name properties (like WD24CD and WD24NM) in the first feature."
        )
    if council_key is None and lookup is None and not import_all:
        raise ValidationError(
            "This file does not say which council each ward belongs to. Give the ONS ward to local "
            "authority lookup file, or say that every ward in the file belongs to this council."
        )

    result = WardImportResult()
    result.reprojected = _is_british_national_grid(data, features[0].get("geometry"))
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True) if result.reprojected else None

    errors = []
    with transaction.atomic():
        for number, feature in enumerate(features, start=1):
            properties = feature.get("properties") or {}
            code = str(properties.get(code_key) or "").strip().upper()
            name = str(properties.get(name_key) or "").strip()
            owner = properties.get(council_key) if council_key else (lookup or {}).get(code)
            if not import_all and owner != council.gss_code:
                result.other_councils += 1
                continue
            label = f"Feature {number} ({code or 'no code'})"
            if not code or not name:
                errors.append(f"{label}: the ward code or name is missing.")
                continue
            try:
                geometry = feature.get("geometry")
                if to_wgs84 is not None and geometry:
                    geometry = mapping(shapely.transform(shape(geometry), to_wgs84.transform, interleaved=False))
                    geometry = {"type": geometry["type"], "coordinates": _as_lists(geometry["coordinates"])}
                _ward, outcome = ward_upsert(
                    actor=actor, council=council, gss_code=code, name=name, boundary=geometry, source=source
                )
            except ValidationError as error:
                errors.append(f"{label}: {' '.join(error.messages)}")
                continue
            getattr(result, outcome).append(code)
        if errors:
            raise ValidationError(errors)
        if not (result.created or result.updated or result.unchanged):
            raise ValidationError(f"The file has no wards for {council.name} ({council.gss_code}).")
        if dry_run:
            transaction.set_rollback(True)
    return result


def _as_lists(coordinates):
    """Turn shapely's nested tuples back into the nested lists that JSON (and equality) expect."""
    if isinstance(coordinates, tuple | list) and coordinates and isinstance(coordinates[0], int | float):
        return [float(c) for c in coordinates]
    return [_as_lists(c) for c in coordinates]
