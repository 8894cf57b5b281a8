"""Limits that stop card testing, not a solidarity evening (giving/ratelimit.py)."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from giving.ratelimit import checkout_allowed
from ledger.models import Donation
from tests.books import set_around_the_books
from tests.gifts import form_data

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def demo_on(settings):
    settings.DEMO_PAYMENTS = True
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def _start(client, n: int, *, remote: str, forwarded: str = "", lang: str = "en", **overrides):
    data = form_data("demo", donor_email=f"donor{n}@example.org", **overrides)
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post(f"/{lang}/donate/", data, REMOTE_ADDR=remote, **extra)


def test_it_lets_forty_donors_behind_one_trusted_proxy_give(client, campaign):
    statuses = [
        _start(client, n, remote=PROXY, forwarded=f"198.51.100.{n}").status_code for n in range(40)
    ]
    assert statuses == [302] * 40
    assert Donation.objects.count() == 40


def test_it_stops_forty_starts_from_one_address_that_forges_forwarded_for(client, campaign):
    statuses = [
        _start(client, n, remote="203.0.113.9", forwarded=f"198.51.100.{n}").status_code
        for n in range(40)
    ]
    assert statuses == [302] * 30 + [429] * 10
    assert Donation.objects.count() == 30


def test_it_stops_an_address_after_failed_payments_below_the_start_cap(client, campaign, settings):
    settings.DONATION_FAILURES_PER_IP = 3
    for n in range(3):
        assert _start(client, n, remote="203.0.113.9").status_code == 302
    # What the provider's webhook reports for a tester's stolen cards.
    set_around_the_books(Donation.objects.all(), status=Donation.Status.FAILED)
    assert _start(client, 10, remote="203.0.113.9").status_code == 429
    assert _start(client, 11, remote="203.0.113.10").status_code == 302


def test_it_counts_checkouts_left_open_as_abandoned(client, campaign, settings):
    settings.DONATION_FAILURES_PER_IP = 2
    for n in range(2):
        _start(client, n, remote="203.0.113.9")
    assert _start(client, 5, remote="203.0.113.9").status_code == 302
    long_ago = timezone.now() - timedelta(minutes=20)
    set_around_the_books(Donation.objects.filter(status=Donation.Status.OPEN), created_at=long_ago)
    assert _start(client, 6, remote="203.0.113.9").status_code == 429


def test_it_does_not_count_gifts_that_were_paid(client, campaign, settings):
    settings.DONATION_FAILURES_PER_IP = 2
    for n in range(4):
        _start(client, n, remote="203.0.113.9")
    set_around_the_books(Donation.objects.all(), status=Donation.Status.PAID)
    assert _start(client, 9, remote="203.0.113.9").status_code == 302


def test_it_stops_an_email_after_failed_payments_from_any_address(client, campaign, settings):
    settings.DONATION_FAILURES_PER_EMAIL = 2
    for n in range(2):
        _start(client, 0, remote=f"203.0.113.{n + 1}")
    set_around_the_books(Donation.objects.all(), status=Donation.Status.CANCELED)
    assert _start(client, 0, remote="203.0.113.50").status_code == 429
    assert _start(client, 1, remote="203.0.113.50").status_code == 302


def test_it_offers_a_blocked_donor_the_bank_transfer_in_their_language(
    client, campaign, settings, make_prisoner
):
    make_prisoner(slug="ana")
    settings.DONATION_RATE_LIMIT_STARTS_PER_IP = 0
    response = _start(client, 0, remote="203.0.113.9", lang="nl", prisoner="ana", preset="50")
    html = response.content.decode()
    assert response.status_code == 429
    assert '<html lang="nl">' in html
    assert "Geven per overschrijving" in html
    assert "/nl/bank-transfer/?prisoner=ana&amp;amount=50.00" in html
    assert not Donation.objects.exists()


def _test_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_shares_counters_between_processes_through_the_database_cache(postgres, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "crowdfund_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    settings.DONATION_RATE_LIMIT_STARTS_PER_IP = 5
    # Another worker: its own process, the settings' default cache (the same table).
    other_worker = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from giving.ratelimit import _hit\n"
            "print([_hit('ip', '198.51.100.7', 30) for _ in range(5)])",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _test_database_url(), "REDIS_URL": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert other_worker.returncode == 0, other_worker.stderr
    assert checkout_allowed(ip="198.51.100.7", email="a@example.org") is False
    assert checkout_allowed(ip="198.51.100.8", email="b@example.org") is True
