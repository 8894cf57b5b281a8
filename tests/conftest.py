import os
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from donations.models import Donation
from prisoners.models import Campaign, Prisoner

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _required(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def skip_or_fail(reason: str, required_by: str) -> None:
    """Skip with a reason on a developer's machine; fail in CI, where nothing may be skipped."""
    if _required(required_by):
        pytest.fail(f"{reason} ({required_by}=1 forbids skipping)")
    pytest.skip(reason)


def pytest_report_header(config):
    return f"database: {connection.vendor}; chromium: {CHROMIUM or 'not found'}"


@pytest.fixture(autouse=True)
def _media_in_tmp_and_static_without_collectstatic(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Staff users are created in many tests; a slow password hash only slows the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rate-limit counters live in the cache; each test starts with none. Production shares
    # them through the database or Redis; tests/donations/test_ratelimit.py proves that part.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    # Production runs collectstatic for the hashed manifest; tests serve from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _each_test_starts_in_english():
    # A view or command that activates a language leaves it active in this thread; without
    # a reset, a test's outcome would depend on the one that ran before it.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True, scope="session")
def _database_is_what_ci_demands():
    if _required("REQUIRE_POSTGRES") and connection.vendor != "postgresql":
        pytest.fail("REQUIRE_POSTGRES=1 but DATABASE_URL does not point at PostgreSQL")


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL; set DATABASE_URL=postgres://…", "REQUIRE_POSTGRES")


@pytest.fixture
def campaign(db) -> Campaign:
    return Campaign.objects.create(
        title_es="Solidaridad",
        title_nl="Solidariteit",
        title_en="Solidarity",
        appeal_es="<p>Apelación</p>",
        appeal_nl="<p>Oproep</p>",
        appeal_en="<p>Appeal</p>",
        goal=Decimal("10000.00"),
        account_holder="De Solidaire Diaspora Stg",
        iban="NL91ABNA0417164300",
        bic="ABNANL2A",
    )


@pytest.fixture
def make_prisoner(db):
    counter = iter(range(1, 100_000))

    def make(**overrides) -> Prisoner:
        n = next(counter)
        fields = {
            "name": f"Preso Ejemplo {n}",
            "slug": f"preso-{n}",
            "summary_es": f"Resumen {n}",
            "summary_nl": f"Samenvatting {n}",
            "summary_en": f"Summary {n}",
            "story_es": f"<p>Historia {n}</p>",
            "story_en": f"<p>Story {n}</p>",
            "goal": Decimal("1000.00"),
            "is_published": True,
            "consent_given_by": "Family",
            "consent_given_on": date(2021, 1, 1),
            "order": n,
        }
        fields.update(overrides)
        return Prisoner.objects.create(**fields)

    return make


@pytest.fixture
def make_donation(db):
    def make(amount="25.00", **overrides) -> Donation:
        fields = {
            "amount": Decimal(amount),
            "method": Donation.Method.BANK_TRANSFER,
            "status": Donation.Status.PAID,
        }
        fields.update(overrides)
        return Donation.objects.create(**fields)

    return make


def _staff(username: str, group: str | None) -> User:
    user = User.objects.create_user(username, password="pw-for-tests-only", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db) -> User:
    return _staff("editor", "Editors")


@pytest.fixture
def treasurer(db) -> User:
    return _staff("treasurer", "Treasurers")


@pytest.fixture
def outsider(db) -> User:
    # Staff, so they can log into the admin, but in no group.
    return _staff("outsider", None)


@pytest.fixture
def client(client):
    # Unprefixed URLs (the admin) follow the browser's language; tests read English.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
