"""Passkeys as a second factor. The WebAuthn cryptography is the package's and is exercised
in a real browser (tests/browser/test_staff_passkeys.py); here the ceremony's result is
stood in for, and what this site builds around it is checked."""

import json
import re
from secrets import token_bytes

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential

from crowdfund.settings import webauthn_relying_party
from staff.passkeys import StaffPasskeyHelper
from staff.two_factor import PASSKEY_DEVICE_NAME, has_second_factor
from tests.conftest import _staff, confirmed_totp, totp_code
from tests.crowdfund.test_settings import _manage
from tests.staff.conftest import password_login

BEGIN_AUTH = reverse("otp_webauthn:credential-authentication-begin")
COMPLETE_AUTH = reverse("otp_webauthn:credential-authentication-complete")
BEGIN_REGISTER = reverse("otp_webauthn:credential-registration-begin")
COMPLETE_REGISTER = reverse("otp_webauthn:credential-registration-complete")


def passkey(user: User) -> WebAuthnCredential:
    """A passkey as the package stores it after a registration."""
    credential = WebAuthnCredential.objects.create(
        user=user,
        name=PASSKEY_DEVICE_NAME,
        credential_id=token_bytes(32),
        public_key=token_bytes(77),
        aaguid="00000000-0000-0000-0000-000000000000",
    )
    WebAuthnAttestation.objects.create(
        credential=credential, fmt="none", data=b"\xa0", client_data_json=b"{}"
    )
    return credential


@pytest.fixture
def root(db) -> User:
    """A superuser, whose only second factor is a passkey."""
    user = User.objects.create_superuser("root", password="pw-for-tests-only")
    passkey(user)
    return user


@pytest.fixture
def ceremony_succeeds(monkeypatch):
    """Stand in for the browser's signature: the package's check returns the person's passkey."""

    def authenticate_complete(self, user, state, data):
        assert state["challenge"], "the ceremony was begun"
        return WebAuthnCredential.objects.get(user=user)

    monkeypatch.setattr(StaffPasskeyHelper, "authenticate_complete", authenticate_complete)


def _post_json(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _scripts(page: str) -> list[str]:
    return re.findall(r"<script[^>]*>", page)


def test_it_offers_the_passkey_only_to_someone_who_has_one(client, treasurer, root):
    password_login(client, "treasurer")
    without = client.get(reverse("staff:verify")).content.decode()
    assert "passkey-verification" not in without
    assert "otp_webauthn_auth.js" not in without

    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    password_login(other, "root")
    page = other.get(reverse("staff:verify")).content.decode()
    assert 'id="passkey-verification-placeholder"' in page
    assert '<script type="module" src="/static/django_otp_webauthn/otp_webauthn_auth.js">' in page
    # Without JavaScript the button stays inside its <template>: the code form is what shows.
    template = re.search(r"<template[^>]*>(.*?)</template>", page, re.DOTALL).group(1)
    assert 'id="passkey-verification-button"' in template
    assert page.count('id="passkey-verification-button"') == 1
    assert 'name="token"' in page


def test_it_serves_the_passkey_scripts_as_files_under_the_strict_policy(client, root):
    password_login(client, "root")
    for url in (reverse("staff:verify"), reverse("staff:setup")):
        response = client.get(url, follow=True)
        page = response.content.decode()
        tags = _scripts(page)
        for tag in tags:
            # Either a file, or data that the browser never runs.
            assert " src=" in tag or 'type="application/json"' in tag, tag
        # The package's module calls gettext() on the first press: its catalogue comes first,
        # deferred, not async (the browser test pressed the button before an async one had
        # loaded); deferred scripts and modules run in document order.
        catalog = f'<script defer src="{reverse("otp_webauthn:js-i18n-catalog")}">'
        module = next(i for i, tag in enumerate(tags) if 'type="module"' in tag)
        assert tags.index(catalog) < module
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_it_lets_someone_whose_only_factor_is_a_passkey_in_with_it(
    client, root, ceremony_succeeds, make_donation, donation_list
):
    make_donation(donor_name="Paula Secreta")
    assert has_second_factor(root)
    password_login(client, "root")
    # A passkey counts: the person is asked for it, not sent to set up a factor.
    assert client.get(donation_list)["Location"].startswith(reverse("staff:verify"))

    options = _post_json(client, BEGIN_AUTH).json()
    allowed = [credential["id"] for credential in options["allowCredentials"]]
    assert len(allowed) == 1
    key_before = client.session.session_key
    done = _post_json(client, f"{COMPLETE_AUTH}?next={donation_list}")
    assert done.status_code == 200
    assert done.json()["redirect_url"] == donation_list
    assert client.session.session_key != key_before
    assert "Paula Secreta" in client.get(donation_list).content.decode()


def test_it_sends_a_passkey_login_to_this_site_only(client, root, ceremony_succeeds):
    password_login(client, "root")
    _post_json(client, BEGIN_AUTH)
    done = _post_json(client, f"{COMPLETE_AUTH}?next=https://evil.example/admin/")
    assert done.json()["redirect_url"] == reverse("admin:index")


def test_it_refuses_a_passkey_login_without_the_password_first(client, root):
    response = _post_json(client, BEGIN_AUTH)
    assert response.status_code == 403
    assert "otp_webauthn_authentication_state" not in client.session


def test_it_refuses_the_passkey_login_after_a_failed_ceremony(client, root, donation_list):
    password_login(client, "root")
    _post_json(client, BEGIN_AUTH)
    # A made-up assertion: the package's real check runs and refuses it.
    forged = {
        "id": "AAAA",
        "rawId": "AAAA",
        "type": "public-key",
        "response": {"clientDataJSON": "e30", "authenticatorData": "AAAA", "signature": "AAAA"},
    }
    assert _post_json(client, COMPLETE_AUTH, forged).status_code in {400, 403, 404}
    assert client.get(donation_list).status_code == 302


def test_it_refuses_a_new_passkey_on_a_password_alone(client, treasurer):
    password_login(client, "treasurer")
    response = _post_json(client, BEGIN_REGISTER)
    assert response.status_code == 403
    assert "otp_webauthn_register_state" not in client.session


def _register_stands_in(monkeypatch):
    def register_complete(self, user, state, data):
        assert state["challenge"], "the ceremony was begun"
        return passkey(user)

    monkeypatch.setattr(StaffPasskeyHelper, "register_complete", register_complete)


def test_it_issues_recovery_codes_when_a_passkey_is_the_first_factor(
    client, monkeypatch, db, donation_list
):
    _staff("newtreasurer", "Treasurers")
    password_login(client, "newtreasurer")
    assert client.get(donation_list)["Location"].startswith(reverse("staff:setup"))
    _register_stands_in(monkeypatch)
    options = _post_json(client, BEGIN_REGISTER).json()
    assert options["rp"] == {"name": "De Solidaire Diaspora Stg", "id": "localhost"}
    # A second factor, not a passwordless login: a security key without storage will do.
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    done = _post_json(client, COMPLETE_REGISTER)
    assert done.json()["recovery_codes"] is True

    codes_page = client.get(reverse("staff:recovery_codes")).content.decode()
    codes = re.findall(r"<li><code>(\w+)</code></li>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert client.get(donation_list).status_code == 200


def test_it_keeps_the_recovery_codes_when_a_passkey_is_added_later(client, monkeypatch, treasurer):
    StaticDevice.objects.create(user=treasurer, name="Recovery codes").token_set.create(
        token="keptcode"
    )
    client.force_login(treasurer)
    page = client.get(reverse("staff:setup")).content.decode()
    assert 'id="passkey-register-button"' in page
    assert 'name="token"' not in page  # the app is set up already
    _register_stands_in(monkeypatch)
    _post_json(client, BEGIN_REGISTER)
    done = _post_json(client, COMPLETE_REGISTER)
    assert done.json()["recovery_codes"] is False
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["keptcode"]
    assert "Passkey added on" in client.get(reverse("staff:setup")).content.decode()


def test_it_adds_the_app_next_to_a_passkey_without_new_codes(client, root):
    StaticDevice.objects.create(user=root, name="Recovery codes").token_set.create(token="kept")
    password_login(client, "root")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = root.webauthncredential_set.get().persistent_id
    session.save()
    page = client.get(reverse("staff:setup")).content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=root, confirmed=False)
    response = client.post(reverse("staff:setup"), {"token": totp_code(device)})
    assert response["Location"] == reverse("admin:index")
    device.refresh_from_db()
    assert device.confirmed
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["kept"]


def test_it_removes_passkeys_on_reset_and_logs_it(client, treasurer):
    lost = passkey(treasurer)
    root = User.objects.create_superuser("admin", password="pw-for-tests-only")
    client.force_login(root)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [treasurer.pk]},
    )
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.filter(user=treasurer).exists()
    assert not WebAuthnAttestation.objects.filter(credential_id=lost.pk).exists()
    entry = LogEntry.objects.get_for_model(WebAuthnCredential).get(action=LogEntry.Action.DELETE)
    assert entry.actor == root
    assert entry.object_pk == str(lost.pk)
    assert set(entry.changes_dict) == {"user", "name", "confirmed"}
    assert lost.public_key.hex() not in json.dumps(entry.changes)


def test_it_logs_adding_a_passkey_but_not_each_use(db, treasurer):
    credential = passkey(treasurer)
    entries = LogEntry.objects.get_for_model(WebAuthnCredential)
    assert list(entries.values_list("action", flat=True)) == [LogEntry.Action.CREATE]
    # What the package saves at every passkey login.
    credential.sign_count = 7
    credential.set_last_used_timestamp(commit=False)
    credential.save(update_fields=["sign_count", "last_used_at", "backup_state"])
    assert entries.count() == 1


@pytest.mark.parametrize(
    ("site_url", "rp_id", "origins"),
    [
        ("https://giving.example.org", "giving.example.org", ["https://giving.example.org"]),
        ("https://example.org:8443/", "example.org", ["https://example.org:8443"]),
        ("http://127.0.0.1:8000", "localhost", ["http://localhost:8000"]),
        ("http://localhost:8000", "localhost", ["http://localhost:8000"]),
    ],
)
def test_it_derives_the_relying_party_from_site_url(site_url, rp_id, origins):
    assert webauthn_relying_party(site_url) == (rp_id, origins)


def test_it_configures_passkeys_from_the_site_url_at_start_up(db):
    shown = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.OTP_WEBAUTHN_RP_ID, s.OTP_WEBAUTHN_ALLOWED_ORIGINS, s.OTP_WEBAUTHN_RP_NAME)",
        SITE_URL="https://donar.example.org",
        SECRET_KEY="x" * 50,
    )
    assert shown.stdout.strip() == (
        "donar.example.org ['https://donar.example.org'] De Solidaire Diaspora Stg"
    )
    # The package's own checks agree, also for a local run on 127.0.0.1.
    for site_url in ("https://donar.example.org", "http://127.0.0.1:8000"):
        checked = _manage("check", SITE_URL=site_url, SECRET_KEY="x" * 50)
        assert checked.returncode == 0, checked.stderr
        assert "otp_webauthn" not in checked.stderr


def test_it_keeps_other_admin_pages_closed_next_to_the_open_passkey_endpoints(client, root):
    password_login(client, "root")
    assert client.get(reverse("admin:index")).status_code == 302
    # The script catalogue and the ceremony endpoints answer before the second step.
    assert client.get(reverse("otp_webauthn:js-i18n-catalog")).status_code == 200
    assert _post_json(client, BEGIN_AUTH).status_code == 200


def test_it_refuses_the_passkey_endpoints_to_someone_who_is_not_staff(client, db):
    client.force_login(User.objects.create_user("donor", password="pw-for-tests-only"))
    assert _post_json(client, BEGIN_AUTH).status_code == 403
    assert _post_json(client, BEGIN_REGISTER).status_code == 403


def test_it_counts_the_app_code_still_for_someone_with_both(client, treasurer, root):
    passkey(treasurer)
    password_login(client, "treasurer")
    device = confirmed_totp(treasurer)
    response = client.post(reverse("staff:verify"), {"token": totp_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
