"""
Benchmark: the figures pages at scale, read from the rollups, against the same figures from raw rows.

Uses BENCH_REQUESTS requests (1,000,000 by default on PostgreSQL, 100,000 on SQLite) across the
four demo councils, made by the bulk generator (rows left by an earlier benchmark are reused).
Then, in one run:

- rebuilds every rollup from scratch (`figures_rebuild`), timed;
- serves the site with gunicorn on 127.0.0.1 and times real HTTP GETs of Boston's figures page
  and the partnership's figures page for the current financial year (FIGURES_SAMPLES each, 30 by
  default, after two warm-up requests);
- times working out the request measures of the same pages straight from the raw rows (the
  requests, their history and the outbox, for the three periods each page compares), the way a
  page without rollups would have to: FIGURES_RAW_SAMPLES times (3 by default: each takes long). Each sample works out every
  partnership council once: Boston's time counts for the council page, the sum for the partnership's.
"""

import datetime
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

from django.db import connection

TITLE = "Figures pages: council and partnership, rollups against raw rows"
SEED = 2026
SAMPLES = int(os.environ.get("FIGURES_SAMPLES", 30))
RAW_SAMPLES = int(os.environ.get("FIGURES_RAW_SAMPLES", 3))


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(int(len(ordered) * 0.95 + 0.5) - 1, 0)] * 1000, 1),
    }


def _data(total: int) -> float:
    from django.core.management import call_command

    from joinedup.service_requests.generator import generate_requests
    from joinedup.service_requests.models import ServiceRequest

    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    missing = total - ServiceRequest.objects.count()
    started = time.perf_counter()
    if missing > 0:
        generate_requests(total=missing, seed=SEED)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return round(time.perf_counter() - started, 1)


class Gunicorn:
    """gunicorn serving the site from the benchmark's database, on a free loopback port."""

    def __enter__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {**os.environ, "DEBUG": "false"}
        self.process = subprocess.Popen(  # noqa: S603 (gunicorn from this virtual environment)
            [sys.executable, "-m", "gunicorn", "joinedup.wsgi", "-w", "2", "-b", f"127.0.0.1:{self.port}", "-t", "300"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not start")

    def get(self, path: str) -> float:
        started = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=300) as response:  # noqa: S310
            body = response.read()
            assert response.status == 200 and b"<h1" in body, path
        return time.perf_counter() - started

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _raw_council(council, period) -> None:
    """The request measures for one council and its three periods, straight from the raw rows."""
    from joinedup.figures import rollups

    for each in (period, period.previous(), period.year_before()):
        start = rollups.day_bounds(each.start)[0]
        end = rollups.day_bounds(each.end)[1]
        rollups.request_rows_between(council.pk, start, end, day=each.start)
    rollups.overdue_rows(council.pk, datetime.date.today())


def run() -> dict:
    from django.core.management import call_command

    from joinedup.councils.models import Council
    from joinedup.figures.periods import YEAR, period_of
    from joinedup.service_requests.models import ServiceRequest

    default = 1_000_000 if connection.vendor == "postgresql" else 100_000
    total = int(os.environ.get("BENCH_REQUESTS", default))
    result = {"vendor": connection.vendor, "requests": total, "generate_seconds": _data(total)}
    result["rows_in_table"] = ServiceRequest.objects.count()
    started = time.perf_counter()
    call_command("figures_rebuild", stdout=open(os.devnull, "w"))  # noqa: SIM115
    result["rebuild_seconds"] = round(time.perf_counter() - started, 1)
    from joinedup.figures.models import RequestDaily, ResolutionDaily

    result["rollup_rows"] = RequestDaily.objects.count() + ResolutionDaily.objects.count()

    boston = Council.objects.get(slug="boston")
    partnership = boston.partnership
    councils = list(partnership.councils.filter(is_active=True))
    period = period_of(YEAR, datetime.date.today())
    query = f"?period=year&start={period.start.isoformat()}"
    result["period"] = period.label
    result["boston_requests"] = ServiceRequest.objects.filter(council=boston).count()
    result["partnership_councils"] = len(councils)
    pages = {
        "council": f"/boston/figures/{query}",
        "partnership": f"/partnerships/{partnership.slug}/figures/{query}",
    }
    connection.close()  # gunicorn's workers open their own
    with Gunicorn() as server:
        for path in pages.values():
            server.get(path)
            server.get(path)
        for name, path in pages.items():
            result[f"{name}_page"] = _percentiles([server.get(path) for _ in range(SAMPLES)])
    raw = {"council": [], "partnership": []}
    for _ in range(RAW_SAMPLES):
        # Each council's measures once; Boston's time is the council page's, the sum the partnership's.
        times = {}
        for council in councils:
            started = time.perf_counter()
            _raw_council(council, period)
            times[council.slug] = time.perf_counter() - started
        raw["council"].append(times["boston"])
        raw["partnership"].append(sum(times.values()))
    for name in raw:
        result[f"{name}_raw"] = _percentiles(raw[name])
        result[f"{name}_ratio"] = round(result[f"{name}_raw"]["median_ms"] / result[f"{name}_page"]["median_ms"], 1)
    return result


def markdown(r: dict) -> str:
    def row(label, p):
        return f"| {label} | {p['n']} | {p['median_ms']:,} ms | {p['p95_ms']:,} ms |"

    target = "under" if max(r["council_page"]["p95_ms"], r["partnership_page"]["p95_ms"]) < 500 else "over"
    return f"""## {TITLE}

**Data:** {r["rows_in_table"]:,} requests ({r["vendor"]}) across the four demo councils over two
years, {r["boston_requests"]:,} of them Boston's; {r["generate_seconds"]} s to make the rows missing (rows left
by an earlier run are reused). Rebuilding every
rollup from scratch (`figures_rebuild`) took {r["rebuild_seconds"]} s and wrote {r["rollup_rows"]:,}
rows. Period: {r["period"]} (each page also shows the period before and the year before).
Command: `BENCH_ONLY=figures BENCH_DATABASE_URL=... make bench`.

Pages are real HTTP GETs to gunicorn (2 workers) on 127.0.0.1, after two warm-up requests. "Raw
rows" works out the request measures of the same page (three periods; for the partnership, each
of its {r["partnership_councils"]} councils) straight from the requests, their history and the
outbox, in this process: what a page without rollups would have to do.

| What | Samples | Median | 95th percentile |
|---|---|---|---|
{row("Boston figures page (rollups, HTTP)", r["council_page"])}
{row("Partnership figures page (rollups, HTTP)", r["partnership_page"])}
{row("Boston's request measures from raw rows", r["council_raw"])}
{row("The partnership's request measures from raw rows", r["partnership_raw"])}

- Both pages' 95th percentile is {target} the 500 ms target.
- Reading the rollups is {r["council_ratio"]} times faster than the raw rows for Boston's page and
  {r["partnership_ratio"]} times for the partnership's (medians; the raw figure leaves out the
  page's template and the measures that have no raw rows to scan, so the true gap is larger).
- FixMyStreet's admin statistics took about 7 s at a million reports (mysociety/fixmystreet#1799).
"""
