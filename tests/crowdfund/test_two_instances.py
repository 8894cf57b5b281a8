"""Two app instances share all their state: nothing lives in one worker or on one disk.

Two gunicorn instances on their own ports, run as deploy/ runs them (DEBUG off, gthread
workers), against one PostgreSQL database that this test makes and migrates, one Redis
database that it empties, and a local S3 (moto in server mode). Everything goes through
HTTP, as a visitor, an editor and a treasurer would.
"""

from __future__ import annotations

import os
import re
import socket
from binascii import unhexlify
from io import BytesIO
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection
from django_otp.oath import TOTP
from PIL import Image
from psycopg import sql

from tests.conftest import skip_or_fail
from tests.crowdfund.instances import GUNICORN, Browser, Instance, clean_env, image_src, manage
from tests.gifts import form_data
from tests.prisoners.test_admin import _new_prisoner

PASSWORD = "two-instances-password"
TOTP_KEY = "3132333435363738393031323334353637383930"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REDIS_DB = 14  # its own database number: flushing it touches nobody else's keys

SETUP = f"""
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django_otp.plugins.otp_totp.models import TOTPDevice
from ledger.models import Category, Expense

editor = User.objects.create_user("editor", password="{PASSWORD}", is_staff=True)
editor.groups.add(Group.objects.get(name="Editors"))
User.objects.create_user("guessed", password="{PASSWORD}", is_staff=True)
treasurer = User.objects.create_user("treasurer", password="{PASSWORD}", is_staff=True)
treasurer.groups.add(Group.objects.get(name="Treasurers"))
TOTPDevice.objects.create(user=treasurer, name="phone", confirmed=True, key="{TOTP_KEY}")
category = Category.objects.first()
expense = Expense.objects.create(amount="80.00", category=category, description="Lawyer")
expense.receipt.save("invoice.pdf", ContentFile({PDF!r}))
print(expense.receipt.name)
"""


def _redis_url() -> str:
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


def _answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=2):
            return True
    except OSError:
        return False


def _server_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}{password}@{host}/{name}"


def _admin(db_name: str, statement: str) -> None:
    with psycopg.connect(_server_url("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL(statement).format(sql.Identifier(db_name)))


@pytest.fixture(scope="module")
def site(tmp_path_factory, local_s3):
    """Two instances A and B, one database, one Redis, one bucket."""
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL; set DATABASE_URL=postgres://…", "REQUIRE_POSTGRES")
    redis_url = _redis_url()
    if not _answers(redis_url):
        skip_or_fail(f"needs Redis at {redis_url} (set REDIS_URL)", "REQUIRE_REDIS")
    if not GUNICORN.exists():
        skip_or_fail("needs gunicorn in the virtualenv", "REQUIRE_REDIS")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    db_name = f"{connection.settings_dict['NAME']}_two_instances"
    _admin(db_name, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _admin(db_name, "CREATE DATABASE {}")
    folder = tmp_path_factory.mktemp("two-instances")
    bucket = local_s3.new_bucket()
    env = clean_env(
        DJANGO_SETTINGS_MODULE="tests.crowdfund.instance_settings",
        DEBUG="0",
        SECRET_KEY="two-instances-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        DATABASE_URL=_server_url(db_name),
        REDIS_URL=redis_url,
        # Our "proxy" is the test itself: each browser says which client it is.
        TRUSTED_PROXIES="127.0.0.1",
        DEMO_PAYMENTS="1",
        # Any file left on a local disk would show up here; none may.
        MEDIA_ROOT=str(folder / "media"),
        PRIVATE_MEDIA_ROOT=str(folder / "private"),
        REPORT_CACHE_DIR=str(folder / "reports"),
        **local_s3.env(bucket),
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo")
    receipt = manage(env, "shell", "-c", SETUP).strip().splitlines()[-1]
    a = Instance("A", env, folder / "a.log")
    b = Instance("B", env, folder / "b.log")
    try:
        for instance in (a, b):
            instance.start()
        for instance in (a, b):
            instance.wait_until_up()
        yield {"a": a, "b": b, "bucket": bucket, "receipt": receipt, "folder": folder}
    finally:
        a.stop()
        b.stop()
        redis.Redis.from_url(redis_url).flushdb()
        _admin(db_name, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _start_gift(browser: Browser, instance: Instance, email: str) -> int:
    browser.get(f"{instance.url}/en/donate/")  # the CSRF cookie, as a browser gets it
    fields = form_data("demo", donor_email=email)
    return browser.post(f"{instance.url}/en/donate/", fields).status


def test_it_adds_up_checkout_starts_from_both_instances(site):
    a, b = site["a"], site["b"]
    # One email, ten starts allowed (DONATION_RATE_LIMIT_STARTS_PER_EMAIL), each from its
    # own address so that only the email's counter can trip.
    statuses = [
        _start_gift(Browser(f"198.51.100.{n}"), a if n < 6 else b, "same@example.org")
        for n in range(10)
    ]
    assert statuses == [302] * 10
    assert _start_gift(Browser("198.51.100.50"), a, "same@example.org") == 429
    assert _start_gift(Browser("198.51.100.51"), b, "same@example.org") == 429
    # The counter is in Redis, not in either instance.
    import redis

    keys = redis.Redis.from_url(_redis_url()).keys("*rate:donate-email:*")
    assert len([key for key in keys if not key.endswith(b":start")]) == 1


def _login(browser: Browser, instance: Instance, username: str, password: str) -> int:
    browser.get(f"{instance.url}/admin/login/")
    fields = {"username": username, "password": password, "next": "/admin/"}
    return browser.post(f"{instance.url}/admin/login/", fields).status


def test_it_adds_up_wrong_passwords_from_both_instances(site):
    a, b = site["a"], site["b"]
    guesser = Browser("203.0.113.7")
    wrong = [_login(guesser, a, "guessed", "wrong") for _ in range(3)]
    wrong += [_login(guesser, b, "guessed", "wrong") for _ in range(2)]
    # Five wrong passwords for one username, three through A and two through B: locked.
    assert wrong == [200, 200, 200, 200, 429]
    for instance in (a, b):
        owner = Browser("203.0.113.8")
        assert _login(owner, instance, "guessed", PASSWORD) == 429


def _jpeg() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (120, 40, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_it_serves_a_photo_uploaded_through_one_instance_from_the_other(site, local_s3):
    a, b = site["a"], site["b"]
    editor = Browser("192.0.2.10")
    assert _login(editor, a, "editor", PASSWORD) == 302
    editor.get(f"{a.url}/admin/prisoners/prisoner/add/")
    fields = _new_prisoner(photo_alt_es="Retrato", is_published="on", slug="nueva-foto")
    saved = editor.post(
        f"{a.url}/admin/prisoners/prisoner/add/",
        fields,
        files={"photo": ("retrato.jpg", _jpeg(), "image/jpeg")},
    )
    assert saved.status == 302, saved.text[:2000]

    visitor = Browser("192.0.2.11")
    page = visitor.get(f"{b.url}/en/prisoners/nueva-foto/")
    assert page.status == 200
    src = image_src(page.text, "portrait")
    photo = visitor.get(f"{b.url}{src}")
    assert photo.status == 200 and photo.headers["Content-Type"] == "image/jpeg"
    key = f"public/{src.removeprefix('/media/')}"
    assert local_s3.read(site["bucket"], key) == photo.body
    assert not (site["folder"] / "media").exists()


def test_it_serves_the_report_built_by_one_instance_from_the_other(site, local_s3):
    a, b = site["a"], site["b"]
    first = Browser("192.0.2.20").get(f"{a.url}/en/report.pdf")
    assert first.status == 200 and first.body.startswith(b"%PDF")
    [key] = local_s3.keys(site["bucket"], "private/reports/public-en-")
    built_at = local_s3.modified(site["bucket"], key)
    name = key.removeprefix("private/reports/")
    assert f"Built {name}" in a.log_text()

    second = Browser("192.0.2.21").get(f"{b.url}/en/report.pdf")
    assert second.status == 200 and second.body == first.body
    assert second.headers["ETag"] == first.headers["ETag"]
    assert "Built public-" not in b.log_text()
    assert local_s3.keys(site["bucket"], "private/reports/public-en-") == [key]
    assert local_s3.modified(site["bucket"], key) == built_at
    assert not (site["folder"] / "reports").exists()


def test_it_refuses_a_receipt_to_anonymous_visitors_on_both_instances(site, local_s3):
    receipt = site["receipt"]
    assert receipt.startswith("receipts/")
    assert f"private/{receipt}" in local_s3.keys(site["bucket"], "private/receipts/")
    for instance in (site["a"], site["b"]):
        visitor = Browser("192.0.2.30")
        refused = visitor.get(f"{instance.url}/admin/ledger/expense/receipt/{receipt}")
        assert refused.status == 302
        assert "/admin/login/" in refused.headers["Location"]
        assert visitor.get(f"{instance.url}/media/{receipt}").status == 404
        assert visitor.get(f"{instance.url}/media/../private/{receipt}").status == 404


def test_it_gives_the_treasurer_the_receipt_through_the_other_instance(site):
    a, b = site["a"], site["b"]
    treasurer = Browser("192.0.2.40")
    assert _login(treasurer, a, "treasurer", PASSWORD) == 302
    treasurer.get(f"{a.url}/admin/2fa/verify/")
    code = TOTP(unhexlify(TOTP_KEY), step=30, t0=0, digits=6).token()
    verified = treasurer.post(f"{a.url}/admin/2fa/verify/?next=/admin/", {"token": f"{code:06d}"})
    assert verified.status == 302, verified.text[:2000]
    # Logged in through A; the session and the file are found by B.
    download = treasurer.get(f"{b.url}/admin/ledger/expense/receipt/{site['receipt']}")
    assert download.status == 200
    assert download.body == PDF
    assert re.match(r"attachment", download.headers["Content-Disposition"])
