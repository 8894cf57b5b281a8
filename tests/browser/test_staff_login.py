import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import confirmed_totp, totp_code

pytestmark = [
    pytest.mark.browser,
    # The live server needs real commits; restore the migrated roles for the tests after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _treasurer(username: str) -> User:
    # A superuser sees the money like a treasurer and needs no migrated group, which the
    # restore between live-server tests does not always bring back.
    return User.objects.create_superuser(username, password="pw-for-tests-only")


def _password(page, url, username):
    page.goto(url + "/admin/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill("pw-for-tests-only")
    page.get_by_role("button", name="Iniciar sesión").click()


def test_it_asks_a_treasurer_for_the_code_after_the_password(page, demo_site):
    device = confirmed_totp(_treasurer("tesorera"))
    _password(page, demo_site.url, "tesorera")
    assert "/admin/2fa/verify/" in page.url
    page.locator("input[name=token]").fill(totp_code(device))
    page.locator("input[type=submit]").click()
    page.get_by_role("link", name="Donaciones").first.click()
    assert "/admin/ledger/donation/" in page.url
    assert page.csp_errors == []


def test_it_walks_a_new_treasurer_through_setting_up_an_app(page, demo_site):
    _treasurer("nueva")
    _password(page, demo_site.url, "nueva")
    assert "/admin/2fa/setup/" in page.url
    assert page.locator(".staff-qr svg").is_visible()
    # The phone's app would read the key from the QR code; the test reads it from the database.
    device = TOTPDevice.objects.get(user__username="nueva")
    page.locator("input[name=token]").fill(totp_code(device))
    page.locator("input[type=submit]").click()
    assert page.locator(".staff-recovery-codes li").count() == 10
    page.locator("a.button").click()
    assert page.url.rstrip("/").endswith("/admin")
    assert page.csp_errors == []
