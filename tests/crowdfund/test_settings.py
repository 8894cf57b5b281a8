import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from crowdfund.settings import env_bool, env_int, env_url

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    # The test run turns demo payments on (tests/pytest_env.py); production has them off.
    unset = {"DEBUG", "SITE_URL", "SECRET_KEY", "DEMO_PAYMENTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("raw", ["flase", "2", "maybe"])
def test_it_refuses_a_misspelt_boolean(monkeypatch, raw):
    monkeypatch.setenv("DEBUG", raw)
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", False)


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("off", False), ("YES", True)])
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)
    assert env_bool("DEBUG", not expected) is expected


def test_it_refuses_a_relative_site_url(monkeypatch):
    monkeypatch.setenv("SITE_URL", "example.org")
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        env_url("SITE_URL", "http://127.0.0.1:8000")


def test_it_will_not_start_without_a_secret_key_in_production():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_passes_the_deployment_checklist():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="donate.example.org",
        SITE_URL="https://donate.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("raw", ["abc", "25.0", ""])
def test_it_will_not_start_with_a_bad_email_port(raw):
    result = _manage("check", DEBUG="1", EMAIL_PORT=raw)
    assert result.returncode != 0
    assert "EMAIL_PORT=" in result.stderr and "is not a whole number" in result.stderr


def test_it_reads_the_email_port(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", " 587 ")
    assert env_int("EMAIL_PORT", 25) == 587


def test_it_flags_demo_payments_in_production():
    result = _manage(
        "check",
        "--deploy",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="donate.example.org",
        SITE_URL="https://donate.example.org",
        DEMO_PAYMENTS="1",
    )
    assert result.returncode != 0
    assert "crowdfund.E001" in result.stderr and "DEMO_PAYMENTS" in result.stderr


def test_it_allows_demo_payments_with_debug_on():
    result = _manage("check", "--deploy", "--fail-level", "CRITICAL", DEBUG="1", DEMO_PAYMENTS="1")
    assert result.returncode == 0, result.stderr
    assert "crowdfund.E001" not in result.stdout + result.stderr
