"""
Benchmark: find the ward that contains a point.

`councils.selectors.ward_for_point` first asks the database for the wards whose bounding box
(the smallest rectangle around the ward) holds the point, then tests only those wards' shapes.
This benchmark times it on one council with 400 wards, and compares it with a naive lookup
that tests every ward's shape in turn, with no bounding-box step.

The wards are a 20 by 20 grid of squares about 1 km across. Shared edges have a gentle wave
so bounding boxes overlap a little, as real ones do. Each edge has 50 points, so a ward has
about 200 points, like a ward in the ONS "BGC" (generalised, clipped) boundary files. Some
wards on the edge of the grid also own a small island, so they are MultiPolygons.
"""

import math
import random
import statistics
import time

import numpy as np
from django.db import connection, transaction
from shapely.geometry import Point, shape
from shapely.ops import unary_union

from joinedup.councils import services as council_services
from joinedup.councils.models import Ward
from joinedup.councils.selectors import ward_for_point

TITLE = "Ward lookup: which ward is this point in?"
GRID = 20  # wards along each side
POINTS_PER_EDGE = 50
LOOKUPS = 10_000
NAIVE_DATABASE_LOOKUPS = 100
WARM_UP_LOOKUPS = 200
SEED = 2026

# A corner in Lincolnshire; 1 km north and 1 km east in degrees at that latitude.
ORIGIN_LON = -0.20
ORIGIN_LAT = 52.80
KM_LAT = 1 / 111.32
KM_LON = 1 / (111.32 * math.cos(math.radians(ORIGIN_LAT + GRID * KM_LAT / 2)))
# How far an inner edge may bend away from the straight line, as a share of a ward's width.
WAVE = 0.06


def _wave(line: int, cell: int, t: float, salt: int) -> float:
    """Return how far a point on an inner edge sits from the straight line (0 at the corners).

    Both wards that share the edge compute the same value, so their boundaries match exactly.
    """
    if line in (0, GRID):
        return 0.0  # the grid's outer edge stays straight, so every point in the grid is in a ward
    phase = ((line * 7 + cell * 13 + salt) % 10) / 10 * 2 * math.pi
    return WAVE * math.sin(math.pi * t) * math.sin(3 * math.pi * t + phase)


def _vertical_edge(i: int, j: int) -> list[tuple[float, float]]:
    """Points of the edge on grid line x=i from row j to row j+1, south to north."""
    points = []
    for k in range(POINTS_PER_EDGE + 1):
        t = k / POINTS_PER_EDGE
        lon = ORIGIN_LON + (i + _wave(i, j, t, salt=0)) * KM_LON
        lat = ORIGIN_LAT + (j + t) * KM_LAT
        points.append((round(lon, 6), round(lat, 6)))
    return points


def _horizontal_edge(j: int, i: int) -> list[tuple[float, float]]:
    """Points of the edge on grid line y=j from column i to column i+1, west to east."""
    points = []
    for k in range(POINTS_PER_EDGE + 1):
        t = k / POINTS_PER_EDGE
        lon = ORIGIN_LON + (i + t) * KM_LON
        lat = ORIGIN_LAT + (j + _wave(j, i, t, salt=5)) * KM_LAT
        points.append((round(lon, 6), round(lat, 6)))
    return points


def _ward_ring(i: int, j: int) -> list[list[float]]:
    """The closed outline of the ward in column i, row j, anticlockwise."""
    south = _horizontal_edge(j, i)
    east = _vertical_edge(i + 1, j)
    north = list(reversed(_horizontal_edge(j + 1, i)))
    west = list(reversed(_vertical_edge(i, j)))
    ring = south[:-1] + east[:-1] + north[:-1] + west[:-1]
    ring.append(ring[0])
    return [list(p) for p in ring]


def _island_ring(i: int, j: int) -> list[list[float]] | None:
    """A small square island just outside the grid, for some wards on its edge; else None."""
    if (i + j) % 3 or not (i in (0, GRID - 1) or j in (0, GRID - 1)):
        return None
    # Centre of the island, in km from the origin, 0.5 km beyond the ward's outer edge.
    if j == 0:
        x, y = i + 0.5, -0.5
    elif j == GRID - 1:
        x, y = i + 0.5, GRID + 0.5
    elif i == 0:
        x, y = -0.5, j + 0.5
    else:
        x, y = GRID + 0.5, j + 0.5
    half, steps = 0.15, 10
    corners = [(x - half, y - half), (x + half, y - half), (x + half, y + half), (x - half, y + half)]
    ring = []
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1], strict=True):
        for k in range(steps):
            t = k / steps
            lon = ORIGIN_LON + (x0 + (x1 - x0) * t) * KM_LON
            lat = ORIGIN_LAT + (y0 + (y1 - y0) * t) * KM_LAT
            ring.append([round(lon, 6), round(lat, 6)])
    ring.append(ring[0])
    return ring


def ward_boundaries() -> list[tuple[str, str, dict]]:
    """Return (ONS-style code, name, GeoJSON geometry) for every ward in the grid."""
    wards = []
    for j in range(GRID):
        for i in range(GRID):
            ring = _ward_ring(i, j)
            island = _island_ring(i, j)
            if island is None:
                geometry = {"type": "Polygon", "coordinates": [ring]}
            else:
                geometry = {"type": "MultiPolygon", "coordinates": [[ring], [island]]}
            number = j * GRID + i + 1
            wards.append((f"E05999{number:03d}", f"Bench Ward {number:03d}", geometry))
    return wards


def _check_boundaries(shapes: list) -> None:
    """Stop if the generated wards are not valid, or overlap, or leave gaps inside the grid."""
    for polygon in shapes:
        if not polygon.is_valid:
            raise RuntimeError("A generated ward boundary is not a valid shape.")
    grid_area = (GRID * KM_LON) * (GRID * KM_LAT)
    islands = sum(len(p.geoms) - 1 for p in shapes if p.geom_type == "MultiPolygon")
    island_area = islands * (0.3 * KM_LON) * (0.3 * KM_LAT)
    total = sum(p.area for p in shapes)
    union = unary_union(shapes).area
    if not (math.isclose(total, union, rel_tol=1e-6) and math.isclose(total, grid_area + island_area, rel_tol=1e-4)):
        raise RuntimeError("The generated wards overlap or leave gaps.")


def _vertex_count(geometry: dict) -> int:
    rings = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return sum(len(ring) for polygon in rings for ring in polygon)


def _timed(lookup, points) -> tuple[dict, list[str | None]]:
    """Run `lookup(lat, lon)` for every point. Return the timings and the answers."""
    durations = []
    answers = []
    started = time.perf_counter()
    for lon, lat in points:
        before = time.perf_counter()
        answer = lookup(lat, lon)
        durations.append(time.perf_counter() - before)
        answers.append(answer)
    total = time.perf_counter() - started
    timings = {
        "lookups": len(durations),
        "total_seconds": total,
        "per_second": len(durations) / total,
        "mean_us": statistics.mean(durations) * 1e6,
        "median_us": statistics.median(durations) * 1e6,
        "p95_us": statistics.quantiles(durations, n=100)[94] * 1e6,
    }
    return timings, answers


def _insert_wards(council, boundaries, shapes) -> float:
    """Save the wards with one bulk insert per 100 rows. Return the seconds it took."""
    started = time.perf_counter()
    rows = []
    for (code, name, geometry), polygon in zip(boundaries, shapes, strict=True):
        min_lon, min_lat, max_lon, max_lat = polygon.bounds
        bounds = {"min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}
        rows.append(Ward(council=council, gss_code=code, name=name, boundary=geometry, **bounds))
    Ward.objects.bulk_create(rows, batch_size=100)
    return time.perf_counter() - started


def _candidate_counts(shapes, points) -> np.ndarray:
    """How many wards' bounding boxes hold each point: what is left after the bounding-box step."""
    boxes = np.array([polygon.bounds for polygon in shapes])
    lons = np.array([p[0] for p in points])[:, None]
    lats = np.array([p[1] for p in points])[:, None]
    inside_lon = (boxes[:, 0] <= lons) & (boxes[:, 2] >= lons)
    inside_lat = (boxes[:, 1] <= lats) & (boxes[:, 3] >= lats)
    return (inside_lon & inside_lat).sum(axis=1)


def run() -> dict:
    """Make the data, time the lookups and return the figures. The data is rolled back after."""
    rng = random.Random(SEED)
    boundaries = ward_boundaries()
    shapes = [shape(geometry) for _code, _name, geometry in boundaries]
    _check_boundaries(shapes)
    west, south = ORIGIN_LON, ORIGIN_LAT
    east, north = ORIGIN_LON + GRID * KM_LON, ORIGIN_LAT + GRID * KM_LAT
    points = [(rng.uniform(west, east), rng.uniform(south, north)) for _ in range(LOOKUPS)]
    warm_up = [(rng.uniform(west, east), rng.uniform(south, north)) for _ in range(WARM_UP_LOOKUPS)]

    with transaction.atomic():
        council = council_services.council_create(
            actor=None,
            source="bench",
            gss_code="E07000999",
            name="Benchmark District Council",
            short_name="BEN",
            slug="benchmark",
        )
        insert_seconds = _insert_wards(council, boundaries, shapes)

        def selector_lookup(lat, lon):
            ward = ward_for_point(council=council, lat=lat, lon=lon)
            return ward.gss_code if ward else None

        def query_only(lat, lon):
            # The selector's database query on its own, without building or testing any shape.
            found = Ward.objects.filter(
                council=council, min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat
            )
            return list(found.values_list("gss_code", flat=True))

        # Naive: every ward's shape, built once and kept in memory, tested in turn until one holds the point.
        started = time.perf_counter()
        in_memory = [(w.gss_code, shape(w.boundary)) for w in Ward.objects.filter(council=council)]
        naive_load_seconds = time.perf_counter() - started

        def naive_lookup(lat, lon):
            point = Point(lon, lat)
            for code, polygon in in_memory:
                if polygon.covers(point):
                    return code
            return None

        # Naive, as the selector would be without its bounding-box step: read every ward each time.
        def naive_database_lookup(lat, lon):
            point = Point(lon, lat)
            for ward in Ward.objects.filter(council=council):
                if shape(ward.boundary).covers(point):
                    return ward.gss_code
            return None

        for lookup in (selector_lookup, query_only, naive_lookup, naive_database_lookup):
            _timed(lookup, warm_up[:20] if lookup is naive_database_lookup else warm_up)
        selector, selector_answers = _timed(selector_lookup, points)
        query, _ = _timed(query_only, points)
        naive, naive_answers = _timed(naive_lookup, points)
        naive_database, naive_database_answers = _timed(naive_database_lookup, points[:NAIVE_DATABASE_LOOKUPS])
        transaction.set_rollback(True)

    candidates = _candidate_counts(shapes, points)
    vertices = [_vertex_count(geometry) for _code, _name, geometry in boundaries]
    disagreements = sum(1 for a, b in zip(selector_answers, naive_answers, strict=True) if a != b)
    disagreements += sum(1 for a, b in zip(selector_answers, naive_database_answers, strict=False) if a != b)
    return {
        "title": TITLE,
        "wards": len(boundaries),
        "multipolygons": sum(1 for _c, _n, g in boundaries if g["type"] == "MultiPolygon"),
        "vertices_mean": statistics.mean(vertices),
        "vertices_min": min(vertices),
        "vertices_max": max(vertices),
        "grid_km": GRID,
        "lookups": LOOKUPS,
        "naive_database_lookups": NAIVE_DATABASE_LOOKUPS,
        "warm_up": WARM_UP_LOOKUPS,
        "seed": SEED,
        "insert_seconds": insert_seconds,
        "naive_load_seconds": naive_load_seconds,
        "candidates_mean": float(candidates.mean()),
        "candidates_max": int(candidates.max()),
        "found": sum(1 for a in selector_answers if a is not None),
        "disagreements": disagreements,
        "selector": selector,
        "query": query,
        "naive": naive,
        "naive_database": naive_database,
        "database": connection.vendor,
    }


def _row(label: str, f: dict) -> str:
    figures = (
        f"{f['lookups']:,} | {f['total_seconds']:.2f} | {f['per_second']:,.0f} | "
        f"{f['mean_us']:,.0f} | {f['median_us']:,.0f} | {f['p95_us']:,.0f}"
    )
    return f"| {label} | {figures} |"


def _compare(name: str, other: dict, selector: dict) -> str:
    """Say how the selector compares with another lookup, by median and by mean time per lookup."""
    by_median = other["median_us"] / selector["median_us"]
    by_mean = other["mean_us"] / selector["mean_us"]
    if by_median >= 1:
        return (
            f"- The selector is **{by_median:.1f} times as fast** as {name} by median time per lookup "
            f"({by_mean:.1f} times by mean)."
        )
    return (
        f"- {name[0].upper()}{name[1:]} is **{1 / by_median:.1f} times as fast** as the selector by median "
        f"time per lookup ({1 / by_mean:.1f} times by mean)."
    )


def markdown(result: dict) -> str:
    """Return the benchmark's section of docs/performance.md."""
    r = result
    s = r["selector"]
    query_share = r["query"]["median_us"] / s["median_us"] * 100
    command = "`make bench`" if r["database"] == "sqlite" else "`BENCH_DATABASE_URL=... make bench`"
    return f"""## {r["title"]}

**What it measures.** `joinedup.councils.selectors.ward_for_point(council=..., lat=..., lon=...)`
finds the ward that holds a point. It asks the database for the council's wards whose bounding
box (the smallest rectangle around the ward) holds the point, then builds those wards' shapes
from their GeoJSON and tests them with shapely. So each lookup runs one database query.

It is compared with:

- **Bounding-box query alone**: the selector's database query with no shapes, to show how much
  of the selector's time is the query.
- **Naive, in memory**: every ward's shape is built once and kept in memory (this took
  {r["naive_load_seconds"]:.2f} s and is not counted); each lookup tests the shapes one by one
  until one holds the point. It never touches the database.
- **Naive, from the database**: what the selector would do without its bounding-box step. Each
  lookup reads all the council's wards and tests their shapes one by one. It is slow, so it runs
  on the first {r["naive_database_lookups"]:,} points only.

**Data.** One council with {r["wards"]} wards: a {r["grid_km"]} by {r["grid_km"]} grid of squares
about 1 km across, in longitude and latitude (WGS84). Inner edges have a gentle wave, so
neighbouring bounding boxes overlap a little. Each ward has {r["vertices_mean"]:.0f} points on
average ({r["vertices_min"]} to {r["vertices_max"]}), like a ward in the ONS "BGC" boundary files.
{r["multipolygons"]} wards on the edge of the grid also own a small island, so they are
MultiPolygons. The wards were saved with `Ward.objects.bulk_create` in {r["insert_seconds"]:.2f} s.
There are {r["lookups"]:,} random points inside the grid (fixed seed {r["seed"]}); each lookup
first runs on up to {r["warm_up"]} other points that are not counted. The bounding-box step
leaves {r["candidates_mean"]:.2f} candidate wards per point on average (at most
{r["candidates_max"]}). {r["found"]:,} of the {r["lookups"]:,} points were found in a ward; the
lookups disagreed on {r["disagreements"]} points.

**Command.** {command} (database: {r["database"]}).

| Lookup | Points | Total (s) | Lookups per second | Mean (µs) | Median (µs) | 95th percentile (µs) |
|---|---:|---:|---:|---:|---:|---:|
{_row("`ward_for_point` (bounding box, then shapes)", s)}
{_row("Bounding-box query alone", r["query"])}
{_row("Naive, in memory", r["naive"])}
{_row("Naive, from the database", r["naive_database"])}

{_compare("the naive lookup from the database", r["naive_database"], s)}
{_compare("the naive lookup in memory", r["naive"], s)}
- The bounding-box query alone takes {query_share:.0f}% of the selector's median time.
"""
