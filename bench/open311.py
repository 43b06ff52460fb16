"""
Benchmark: the Open311 API at scale.

Uses BENCH_REQUESTS requests (1,000,000 by default on PostgreSQL, 100,000 on SQLite) across the
four demo councils, made by the same bulk generator as the service requests benchmark (if that
benchmark has already filled the database, its rows are reused and only the shortfall is made).
Then times, through Django's test client (all of the server's work: middleware, queries,
serialising):

- GET requests.json and requests.xml for one council with a service_code and status filter
  (up to 1,000 rows), against running the same SQL on its own, so the difference is the cost
  of the view and the serialising;
- POST requests.json (a new report, through `request_create`) from 8 concurrent clients.
"""

import os
import statistics
import threading
import time

from django.db import OperationalError, connection
from django.test import Client

TITLE = "Open311 API: GET requests (1,000 rows) and POST requests with 8 clients"
SEED = 2026
GET_SAMPLES = 100
QUERY_SAMPLES = 100
CLIENTS = 8
POSTS_PER_CLIENT = 25
CATEGORY = "fly-tipping"
STATUS = "closed"


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000, 1),
    }


def _time(fn, samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def _data(total: int) -> float:
    """Seed the demo councils and make requests up to `total`. Return the seconds spent generating."""
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


def run() -> dict:
    from joinedup.councils.models import Council
    from joinedup.service_requests.models import ServiceRequest
    from joinedup.service_requests.open311 import params, selectors

    default = 1_000_000 if connection.vendor == "postgresql" else 100_000
    total = int(os.environ.get("BENCH_REQUESTS", default))
    result = {"vendor": connection.vendor, "requests": total, "generate_seconds": _data(total)}
    result["rows_in_table"] = ServiceRequest.objects.count()

    boston = Council.objects.get(slug="boston")
    query = {"jurisdiction_id": boston.gss_code, "service_code": CATEGORY, "status": STATUS}
    client = Client()

    def get(fmt):
        def call():
            response = client.get(f"/open311/v2/requests.{fmt}", query)
            assert response.status_code == 200, response.content[:300]
            return response

        return call

    result["rows_returned"] = len(get("json")().json())
    for fmt in ("json", "xml"):
        _time(get(fmt), 5)
        result[fmt] = _percentiles(_time(get(fmt), GET_SAMPLES))

    # The same query alone: the SQL the view runs for the rows, executed and fetched, nothing else.
    start, end = params.window({}, default=params.MAX_SPAN)
    queryset = selectors.request_search(
        council=boston, service_codes=[CATEGORY], status=[STATUS], start=start, end=end, page_size=1000
    )
    sql, sql_params = queryset.query.sql_with_params()

    def query_alone():
        with connection.cursor() as cursor:
            cursor.execute(sql, sql_params)
            cursor.fetchall()

    _time(query_alone, 5)
    result["query"] = _percentiles(_time(query_alone, QUERY_SAMPLES))
    result.update(_posts(boston))
    return result


def _posts(council) -> dict:
    """CLIENTS threads, each with its own connection, each posting POSTS_PER_CLIENT new reports."""
    from django.db import connections

    from joinedup.service_requests.open311 import clients

    api_client, key = clients.api_client_create(
        actor=None, name="Benchmark", council=council, rate_limit_per_minute=100_000
    )
    body = {
        "api_key": key,
        "jurisdiction_id": council.gss_code,
        "service_code": CATEGORY,
        "address_string": "Lay-by on Main Road",
        "description": "A fridge dumped in the lay-by",
        "attribute[waste_type][]": "household",
        "attribute[size]": "car",
        "first_name": "Bench",
        "last_name": "Resident",
    }
    failures, retries, times = [], [0], []
    lock = threading.Lock()

    def worker(index):
        client = Client()
        try:
            for n in range(POSTS_PER_CLIENT):
                data = {**body, "email": f"bench{index}-{n}-{time.time_ns()}@example.org"}
                for _attempt in range(20):
                    started = time.perf_counter()
                    try:
                        response = client.post("/open311/v2/requests.json", data)
                    except OperationalError:  # SQLite: "database is locked" while another thread writes
                        with lock:
                            retries[0] += 1
                        time.sleep(0.01)
                        continue
                    with lock:
                        times.append(time.perf_counter() - started)
                        if response.status_code != 200:
                            failures.append(response.content[:300])
                    break
                else:
                    with lock:
                        failures.append(b"gave up after 20 tries")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    made = api_client.submissions.count()
    clients.api_client_revoke(actor=None, client=api_client)
    if failures:
        raise RuntimeError(f"{len(failures)} POSTs failed, first: {failures[0]!r}")
    return {
        "posts": made,
        "posts_per_second": round(made / seconds, 1),
        "post": _percentiles(times),
        "sqlite_retries": retries[0],
    }


def markdown(result: dict) -> str:
    j, x, q, p = result["json"], result["xml"], result["query"], result["post"]
    ratio_json = j["median_ms"] / max(q["median_ms"], 0.1)
    ratio_xml = x["median_ms"] / max(q["median_ms"], 0.1)
    retries = (
        f" SQLite allows one writer at a time, so {result['sqlite_retries']} tries met a locked database and"
        " were retried (they are not counted as requests)."
        if result["vendor"] == "sqlite"
        else ""
    )
    return f"""
## {TITLE}

**What it measures.** Server time for an Open311 client fetching a page of requests, and how
many new reports the API takes a second from {CLIENTS} clients at once. Calls go through
Django's test client, so the time includes middleware, database queries and serialising, but
not the network. **Data:** {result["rows_in_table"]:,} requests across the four demo councils on
{result["vendor"]} (asked for {result["requests"]:,}; generating took {result["generate_seconds"]}
seconds). **Command:** `make bench` (set `BENCH_DATABASE_URL` to an empty PostgreSQL database for
the full 1,000,000; `BENCH_REQUESTS` changes the number).

The GET asks for one council's `{CATEGORY}` requests with `status={STATUS}` in the default
window (the last 90 days), newest first, at most 1,000: it returned {result["rows_returned"]:,} rows.

| What | Runs | Median | 95th percentile | Target (95th) |
|---|---|---|---|---|
| `GET requests.json` | {j["n"]} | {j["median_ms"]} ms | {j["p95_ms"]} ms | 300 ms |
| `GET requests.xml` | {x["n"]} | {x["median_ms"]} ms | {x["p95_ms"]} ms | 300 ms |
| The same SQL alone (executed and fetched) | {q["n"]} | {q["median_ms"]} ms | {q["p95_ms"]} ms | |
| `POST requests.json`, one call, with {CLIENTS} clients at once | {p["n"]} | {p["median_ms"]} ms | {p["p95_ms"]} ms | |

The JSON answer takes {ratio_json:.1f} times as long as its query alone, and the XML
{ratio_xml:.1f} times (medians): the rest is Django, building the objects and serialising.

**POST throughput.** {CLIENTS} clients, each in its own thread with its own database connection,
sent {result["posts"]:,} new reports (each through `request_create`, as the web form): {result["posts_per_second"]}
reports a second.{retries}
"""
