import os
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache, caches
from django.db import connection
from django.utils import translation
from django.utils.functional import empty
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from crowdfund import content, page_cache
from crowdfund.private_storage import private_storage
from ledger.models import Donation
from messages_of_support.models import MessageOfSupport
from prisoners.models import Campaign, Prisoner
from public import cards
from reports import public_file
from staff.two_factor import has_second_factor, second_factor_required

# Fixtures that tests of several apps share (the providers' fakes, donors and their pages).
pytest_plugins = ["tests.gifts", "tests.donor_pages"]

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


# Tests that cannot share the machine with each other: app instances under gunicorn, the
# shared Redis, timing. Under pytest-xdist (make test) they all run on one worker, one after
# another, while the other workers take the rest.
SERIAL = {
    "tests/crowdfund/test_two_instances.py",
    "tests/crowdfund/test_upgrade.py",
    "tests/crowdfund/test_split_upgrade.py",
    "tests/crowdfund/test_redis_down.py",
    "tests/crowdfund/test_cache_settings.py",
    "tests/giving/test_ratelimit.py",
    "tests/ledger/test_running_totals_concurrency.py",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.split("::")[0] in SERIAL:
            item.add_marker(pytest.mark.xdist_group("serial"))


def pytest_report_header(config):
    return f"database: {connection.vendor}; chromium: {CHROMIUM or 'not found'}"


@pytest.fixture(autouse=True)
def _media_in_tmp_and_static_without_collectstatic(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Receipts and agreements' PDFs too (load_demo makes one); the storage reads its folder
    # once, so it is reset before and after.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private_storage._wrapped = empty
    # Staff users are created in many tests; a slow password hash only slows the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rate-limit counters live in the cache; each test starts with none. Production shares
    # them through the database or Redis; tests/giving/test_ratelimit.py proves that part.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }
    cache.clear()
    caches["pages"].clear()
    # The page cache's copies and the content version this process last read go with it:
    # the database is rolled back between tests, so a version number comes round again.
    content.forget()
    # Each change shows at the next request here; production's one-second wait is tested in
    # tests/crowdfund/test_content_version.py and across two instances.
    settings.CONTENT_VERSION_SECONDS = 0
    page_cache.forget_local()
    cards.forget_local()
    public_file.forget_local()
    # Production runs collectstatic for the hashed manifest; tests serve from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield
    private_storage._wrapped = empty


@pytest.fixture(autouse=True)
def _content_types_fresh():
    # A transactional test flushes the tables and post_migrate recreates the content types
    # under new ids; the process-wide cache would still hand out the old ones (the audit
    # trail's entries point at them), failing a later test at random.
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _each_test_starts_in_english():
    # A view or command that activates a language leaves it active in this thread; without
    # a reset, a test's outcome would depend on the one that ran before it.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True, scope="session")
def _restore_the_test_database_without_audit_entries():
    """Restoring the migrated rows between live-server tests is no person's write. Left to
    django-auditlog, re-adding a group's permissions would log an entry that points at a
    content type not restored yet."""
    from auditlog.context import disable_auditlog
    from django.db.backends.base.creation import BaseDatabaseCreation

    restore = BaseDatabaseCreation.deserialize_db_from_string

    def restore_without_audit(self, data):
        with disable_auditlog():
            return restore(self, data)

    BaseDatabaseCreation.deserialize_db_from_string = restore_without_audit
    yield
    BaseDatabaseCreation.deserialize_db_from_string = restore


@pytest.fixture(autouse=True, scope="session")
def _sqlite_flush_passes_the_journal():
    """Between transactional tests, Django empties every table; on SQLite with DELETE, which
    the journal's trigger refuses (PostgreSQL's TRUNCATE fires no row trigger). The flush
    alone lifts the trigger for its own statements."""
    import importlib

    from django.db import connections

    triggers = importlib.import_module("ledger.migrations.0004_journal_append_only")
    patched = []
    for conn in connections.all():
        if conn.vendor != "sqlite":
            continue
        flush = conn.ops.sql_flush

        def sql_flush(style, tables, *args, flush=flush, **kwargs):
            statements = flush(style, tables, *args, **kwargs)
            if "ledger_ledgerentry" not in tables:
                return statements
            return [*triggers.SQLITE_UNDO, *statements, *triggers.SQLITE]

        conn.ops.sql_flush = sql_flush
        patched.append(conn)
    yield
    for conn in patched:
        del conn.ops.sql_flush


@pytest.fixture(autouse=True, scope="session")
def _database_is_what_ci_demands():
    if _required("REQUIRE_POSTGRES") and connection.vendor != "postgresql":
        pytest.fail("REQUIRE_POSTGRES=1 but DATABASE_URL does not point at PostgreSQL")


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL; set DATABASE_URL=postgres://…", "REQUIRE_POSTGRES")


@pytest.fixture(scope="session")
def local_s3():
    from tests.s3 import LocalS3

    s3 = LocalS3()
    yield s3
    s3.stop()


@pytest.fixture
def bucket(settings, local_s3) -> str:
    """The photos, receipts and reports of this test in a fresh bucket of the local S3."""
    from crowdfund.storage import storages_setting

    name = local_s3.new_bucket()
    settings.STORAGES = {
        **storages_setting(local_s3.env(name), debug=False),
        "staticfiles": settings.STORAGES["staticfiles"],
    }
    return name


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


# The gift's words for a message of support, as tests write them, and the message's own.
MESSAGE_FIELDS = {
    "public_message": "text",
    "message_is_public": "is_public",
    "message_signature": "signed_with",
    "message_status": "status",
    "message_moderated_by": "moderated_by",
    "message_moderated_at": "moderated_at",
}


@pytest.fixture
def make_donation(db):
    def make(amount="25.00", **overrides) -> Donation:
        fields = {
            "amount": Decimal(amount),
            "method": Donation.Method.BANK_TRANSFER,
            "status": Donation.Status.PAID,
        }
        fields.update(overrides)
        # A message of support is a row of its own beside the gift (messages_of_support).
        message = {new: fields.pop(old) for old, new in MESSAGE_FIELDS.items() if old in fields}
        donation = Donation.objects.create(**fields)
        if message:
            MessageOfSupport.objects.create(donation=donation, **message)
        return donation

    return make


def _staff(username: str, group: str | None) -> User:
    user = User.objects.create_user(username, password="pw-for-tests-only", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db) -> User:
    return _staff("editor", "Editors")


def confirmed_totp(user: User) -> TOTPDevice:
    """The person's authenticator app, as if they had set it up."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def totp_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code the person's app shows now (or at a given Unix time)."""
    clock = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    if at is not None:
        clock.time = at
    return f"{clock.token():0{device.digits}d}"


@pytest.fixture
def treasurer(db) -> User:
    user = _staff("treasurer", "Treasurers")
    # Treasurers must use a second factor; the client fixture logs them in with it.
    confirmed_totp(user)
    return user


@pytest.fixture
def outsider(db) -> User:
    # Staff, so they can log into the admin, but in no group.
    return _staff("outsider", None)


@pytest.fixture
def client(client):
    # Unprefixed URLs (the admin) follow the browser's language; tests read English.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    force_login = client.force_login

    def force_login_with_second_factor(user, backend=None):
        # 2FA stays enforced in the tests: someone who must have (or has) a second factor is
        # logged in with it, as if they had typed their app's code. Tests of the login
        # itself use client.post to the login page instead.
        force_login(user, backend)
        if second_factor_required(user) or has_second_factor(user):
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = confirmed_totp(user).persistent_id
            session.save()

    client.force_login = force_login_with_second_factor
    return client
