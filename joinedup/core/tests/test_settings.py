"""Production settings: checked in a fresh process, since settings are read once at start-up."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY"}}
    environment.update(READ_DOT_ENV_FILE="false", **env)
    if not environment.get("DATABASE_URL"):
        environment.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        JOINEDUP_ENV="production",
        SECRET_KEY="a-production-secret-that-is-long-and-random-enough-0123456789-abcdefghij",
        ALLOWED_HOSTS="report.example.gov.uk",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage(
        "check",
        JOINEDUP_ENV="production",
        ALLOWED_HOSTS="report.example.gov.uk",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_requires_staff_mfa_by_default(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.REQUIRE_STAFF_MFA, settings.DEBUG)",
        JOINEDUP_ENV="production",
        SECRET_KEY="a-production-secret-that-is-long-and-random-enough-0123456789-abcdefghij",
        ALLOWED_HOSTS="report.example.gov.uk",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.stdout.strip().splitlines()[-1] == "True False"


def test_an_unknown_environment_name_is_refused():
    result = run_manage("check", JOINEDUP_ENV="prod")
    assert result.returncode != 0
    assert "JOINEDUP_ENV must be 'development' or 'production'" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    result = run_manage(
        "check",
        JOINEDUP_ENV="production",
        ALLOWED_HOSTS="report.example.gov.uk",
        SECRET_KEY="a-production-secret-that-is-long-and-random-enough-0123456789-abcdefghij",
        DATABASE_URL="",
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
