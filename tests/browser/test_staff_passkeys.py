"""A passkey added and used in a real browser, with Chromium's virtual authenticator in
place of a security key or a phone: the WebAuthn ceremonies run for real against the live
server, and the package checks real signatures."""

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_static.models import StaticToken
from django_otp_webauthn.models import WebAuthnCredential

from tests.browser.test_staff_login import _password

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def site(live_server, settings):
    # WebAuthn needs a secure context: over plain http that is localhost only, and the
    # origin the browser signs includes the live server's port.
    assert live_server.url.startswith("http://localhost:")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return live_server


def _authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return cdp


def test_it_adds_a_passkey_at_setup_and_logs_in_with_it(page, site):
    # A superuser must use a second factor and needs no migrated group.
    User.objects.create_superuser("tesorera", password="pw-for-tests-only")
    _authenticator(page)
    # A press before the script catalogue had loaded once threw "gettext is not defined".
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))

    _password(page, site.url, "tesorera")
    assert "/admin/2fa/setup/" in page.url
    page.locator("#passkey-register-button").click()
    # The first factor brings the recovery codes, whichever it is.
    page.locator(".staff-recovery-codes li").first.wait_for()
    assert page.locator(".staff-recovery-codes li").count() == 10
    assert StaticToken.objects.filter(device__user__username="tesorera").count() == 10
    credential = WebAuthnCredential.objects.get(user__username="tesorera")
    assert len(credential.public_key) > 32
    page.locator("a.button").click()
    assert page.url.rstrip("/").endswith("/admin")

    # A new login, on the same device: the passkey stays in the authenticator.
    page.context.clear_cookies()
    _password(page, site.url, "tesorera")
    assert "/admin/2fa/verify/" in page.url
    page.locator("#passkey-verification-button").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/admin"))
    page.get_by_role("link", name="Donaciones").first.click()
    assert "/admin/ledger/donation/" in page.url
    credential.refresh_from_db()
    assert credential.last_used_at is not None
    assert page.csp_errors == []
    assert script_errors == []


def test_it_keeps_the_code_login_without_javascript(browser, site):
    from tests.browser.conftest import _phone_context
    from tests.conftest import confirmed_totp, totp_code

    user = User.objects.create_superuser("sinjs", password="pw-for-tests-only")
    device = confirmed_totp(user)
    WebAuthnCredential.objects.create(
        user=user, name="Passkey", credential_id=b"x" * 16, public_key=b"k", aaguid=""
    )
    context = _phone_context(browser, java_script_enabled=False)
    page = context.new_page()
    _password(page, site.url, "sinjs")
    assert "/admin/2fa/verify/" in page.url
    assert not page.locator("#passkey-verification-button").is_visible()
    page.locator("input[name=token]").fill(totp_code(device))
    page.locator("input[type=submit]").click()
    assert page.url.rstrip("/").endswith("/admin")
    context.close()
