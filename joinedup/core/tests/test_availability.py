"""
A database outage, for real: the app runs in its own process against a PostgreSQL address where
nothing answers, so every connection attempt fails as it would while the server is down.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SERVE = (
    "import sys; from wsgiref.simple_server import make_server; "
    "from joinedup.wsgi import application; "
    "make_server('127.0.0.1', int(sys.argv[1]), application).serve_forever()"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_without_database(tmp_path_factory):
    """The app, served on loopback, with DATABASE_URL pointing at a port where nothing listens."""
    tmp_path = tmp_path_factory.mktemp("outage")
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY"}}
    environment.update(
        READ_DOT_ENV_FILE="false",
        DJANGO_SETTINGS_MODULE="joinedup.settings",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/joinedup_unreachable",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(port)], cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_healthz_answers_json_503_when_the_database_is_down(app_without_database):
    status, headers, body = fetch(f"{app_without_database}/healthz")
    assert status == 503, body[:500]
    assert headers["Content-Type"] == "application/json"
    report = json.loads(body)
    assert report["status"] == "error"
    assert report["database"] == {"status": "error", "error": "OperationalError"}


@pytest.mark.parametrize("path", ["/", "/boston/", "/account/sign-in/"])
def test_pages_say_the_service_is_unavailable_when_the_database_is_down(app_without_database, path):
    status, headers, body = fetch(f"{app_without_database}{path}")
    assert status == 503, body[:500]
    assert headers["Retry-After"] == "30"
    assert "<title>Sorry, the service is unavailable - JoinedUp</title>" in body
    assert '<h1 class="govuk-heading-xl">Sorry, the service is unavailable</h1>' in body
    assert "govuk-frontend.min.css" in body


def test_open311_answers_json_503_when_the_database_is_down(app_without_database):
    status, headers, body = fetch(f"{app_without_database}/open311/v2/services.json")
    assert status == 503
    assert json.loads(body)["status"] == "error"
