import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import ROOT, _staff
from tests.staff.conftest import password_login

LOCKED = "Too many login attempts"


def _logged_in(client) -> bool:
    response = client.get(reverse("admin:index"))
    return response.status_code == 200 or reverse("admin:login") not in response.get("Location", "")


def _wrong(client, username="treasurer", times=1):
    return [password_login(client, username, "wrong-password").status_code for _ in range(times)]


def test_it_locks_a_username_after_five_wrong_passwords(client, treasurer):
    # Five are refused as wrong; from then on even the right password is refused.
    assert _wrong(client, times=6) == [200, 200, 200, 200, 429, 429]
    response = password_login(client, "treasurer")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "Try again in 15 minutes" in response.content.decode()
    assert not _logged_in(client)


def test_it_lets_the_owner_in_once_the_lock_expires(client, treasurer):
    _wrong(client, times=6)
    assert password_login(client, "treasurer").status_code == 429
    # Fourteen minutes on, still locked: a refused attempt does not extend the lock.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert password_login(client, "treasurer").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert password_login(client, "treasurer").status_code == 302
    assert _logged_in(client)


def test_it_locks_one_username_not_everyone(client, treasurer, editor):
    _wrong(client, times=6)
    assert password_login(client, "editor").status_code == 302


def test_it_locks_an_address_after_twenty_wrong_passwords(client, treasurer):
    # Four guesses each at five usernames stays under every username's limit; the
    # twentieth guess from the address is the last.
    for name in ["ana", "ben", "carla", "dario"]:
        assert _wrong(client, name, times=4) == [200] * 4, name
    assert _wrong(client, "elena", times=4) == [200, 200, 200, 429]
    response = password_login(client, "treasurer")
    assert response.status_code == 429
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert password_login(elsewhere, "treasurer").status_code == 302


def test_it_counts_clients_behind_our_proxy_apart(settings, treasurer):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    for name in ["ana", "ben", "carla", "dario", "elena"]:
        _wrong(attacker, name, times=4)
    assert password_login(attacker, "treasurer").status_code == 429
    colleague = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert password_login(colleague, "treasurer").status_code == 302


def test_it_ignores_a_forwarded_header_from_outside(settings, treasurer):
    # Without TRUSTED_PROXIES, a new made-up X-Forwarded-For per try does not reset the count.
    settings.TRUSTED_PROXIES = []
    for n, name in enumerate(["ana", "ben", "carla", "dario", "elena"]):
        spoofing = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        _wrong(spoofing, name, times=4)
    spoofing = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert password_login(spoofing, "treasurer").status_code == 429


SECOND_PROCESS = """
from django.conf import settings
from django.test import Client, override_settings

# As in the test process: no collectstatic output, so static files come from the finders.
static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}):
    client = Client(HTTP_HOST="localhost")
    codes = [
        client.post("/admin/login/", {"username": "treasurer", "password": "wrong"}).status_code
        for _ in range(3)
    ]
print(codes)
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_shares_the_counts_between_processes(postgres, client):
    # No role needed: throttling comes before any permission.
    _staff("treasurer", None)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    # Another worker: its own Python process and database connection, the same counters.
    other = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SECOND_PROCESS],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert other.returncode == 0, other.stderr
    assert json.loads(other.stdout.strip().splitlines()[-1]) == [200, 200, 200]
    assert _wrong(client, times=2) == [200, 429]
    assert password_login(client, "treasurer").status_code == 429
