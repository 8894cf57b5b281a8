import re
import time
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import _staff, confirmed_totp, totp_code
from tests.crowdfund.test_settings import _manage
from tests.staff.conftest import password_login


def _verify(client, code, next_url=None):
    url = reverse("staff:verify") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"token": code})


def test_it_keeps_a_treasurer_with_only_a_password_from_the_donation_list(
    client, treasurer, make_donation, donation_list
):
    make_donation(donor_name="Paula Secreta", donor_email="paula@example.org")
    assert password_login(client, "treasurer").status_code == 302
    response = client.get(donation_list)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:verify"))
    followed = client.get(donation_list, follow=True).content.decode()
    assert "Paula Secreta" not in followed and "paula@example.org" not in followed
    # Nor any other admin page, nor the sidebar that lists them.
    assert client.get(reverse("admin:index")).status_code == 302
    assert 'id="nav-sidebar"' not in followed


def test_it_lets_a_treasurer_in_with_the_code_from_their_app(
    client, treasurer, make_donation, donation_list
):
    make_donation(donor_name="Paula Secreta")
    password_login(client, "treasurer")
    response = _verify(client, totp_code(treasurer.totpdevice_set.get()), donation_list)
    assert (response.status_code, response["Location"]) == (302, donation_list)
    assert "Paula Secreta" in client.get(donation_list).content.decode()


def test_it_refuses_a_code_used_before(client, treasurer, donation_list):
    code = totp_code(treasurer.totpdevice_set.get())
    password_login(client, "treasurer")
    assert _verify(client, code).status_code == 302
    client.post(reverse("admin:logout"))
    password_login(client, "treasurer")
    response = _verify(client, code)
    assert response.status_code == 200
    assert "used before" in response.content.decode()
    assert client.get(donation_list).status_code == 302


@pytest.mark.parametrize("age", [-120, 120, 3600])
def test_it_refuses_an_expired_or_future_code(client, treasurer, donation_list, age):
    password_login(client, "treasurer")
    code = totp_code(treasurer.totpdevice_set.get(), at=time.time() - age)
    assert "not valid" in _verify(client, code).content.decode()
    assert client.get(donation_list).status_code == 302


@pytest.mark.parametrize("code", ["", "abcdef", "12345678901234567890", "000000"])
def test_it_refuses_a_code_that_is_not_one(client, treasurer, code):
    password_login(client, "treasurer")
    response = _verify(client, code)
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_it_leads_a_treasurer_without_a_second_factor_to_set_one_up(db, client, donation_list):
    _staff("newtreasurer", "Treasurers")
    password_login(client, "newtreasurer")
    response = client.get(donation_list)
    assert response["Location"].startswith(reverse("staff:setup"))

    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user__username="newtreasurer", confirmed=False)
    secret = re.search(r'class="staff-secret">([A-Z2-7 ]+)<', page).group(1)
    assert len(secret.replace(" ", "")) == 32

    wrong = client.post(response["Location"], {"token": "000000"})
    assert "not valid" in wrong.content.decode()
    assert client.get(donation_list).status_code == 302
    # django-otp makes the next try wait a second after a wrong code; skip that wait.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()

    confirmed = client.post(response["Location"], {"token": totp_code(device)})
    assert confirmed["Location"].startswith(reverse("staff:recovery_codes"))
    codes_page = client.get(confirmed["Location"]).content.decode()
    codes = re.findall(r"<li><code>(\w+)</code></li>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    # Shown once.
    again = client.get(confirmed["Location"], follow=True).content.decode()
    assert not any(code in again for code in codes)
    assert client.get(donation_list).status_code == 200


def test_it_logs_in_with_a_recovery_code_once(db, client, donation_list):
    user = _staff("newtreasurer", "Treasurers")
    confirmed_totp(user)
    code = StaticToken.random_token()
    StaticDevice.objects.create(user=user, name="Recovery codes").token_set.create(token=code)
    password_login(client, "newtreasurer")
    assert _verify(client, code).status_code == 302
    assert client.get(donation_list).status_code == 200
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    password_login(other, "newtreasurer")
    assert "not valid" in _verify(other, code).content.decode()


def test_it_never_adds_a_device_on_a_password_alone(client, treasurer):
    password_login(client, "treasurer")
    response = client.get(reverse("staff:setup"))
    assert response["Location"].startswith(reverse("staff:verify"))
    assert TOTPDevice.objects.filter(user=treasurer).count() == 1


def test_it_lets_an_editor_work_without_a_second_factor_or_opt_in(client, editor):
    password_login(client, "editor")
    assert client.get(reverse("admin:prisoners_prisoner_changelist")).status_code == 200
    # Reviewing messages of support is editorial work too: no second factor forced for it.
    queue_url = reverse("admin:messages_of_support_messageofsupport_changelist")
    queue = client.get(queue_url, follow=True)
    assert queue.status_code == 200 and "/2fa/" not in queue.request["PATH_INFO"]
    client.get(reverse("staff:setup"))
    device = TOTPDevice.objects.get(user=editor)
    client.post(reverse("staff:setup"), {"token": totp_code(device)})
    # Once opted in, the editor's next login asks for the code too.
    client.post(reverse("admin:logout"))
    password_login(client, "editor")
    response = client.get(reverse("admin:prisoners_prisoner_changelist"))
    assert response["Location"].startswith(reverse("staff:verify"))


def test_it_asks_for_2fa_from_whoever_is_given_money_permissions_directly(client, editor):
    editor.user_permissions.add(Permission.objects.get(codename="view_donation"))
    password_login(client, "editor")
    response = client.get(reverse("admin:ledger_donation_changelist"))
    assert response["Location"].startswith(reverse("staff:setup"))


def test_it_lets_a_superuser_reset_a_lost_phone_and_logs_it(client, treasurer):
    root = User.objects.create_superuser("root", password="pw-for-tests-only")
    lost_phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    lost_phone.force_login(treasurer)
    session = lost_phone.session
    session["otp_device_id"] = treasurer.totpdevice_set.get().persistent_id
    session.save()
    assert lost_phone.get(reverse("admin:index")).status_code == 200

    client.force_login(root)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [treasurer.pk]},
        follow=True,
    )
    assert "Reset two-factor authentication for 1 person" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=treasurer).exists()
    entry = LogEntry.objects.get_for_model(TOTPDevice).get(action=LogEntry.Action.DELETE)
    assert entry.actor == root
    # The session verified with the lost phone must set up a new device.
    assert lost_phone.get(reverse("admin:index"))["Location"].startswith(reverse("staff:setup"))


def test_it_offers_the_reset_to_superusers_only(client, treasurer):
    treasurer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    client.force_login(treasurer)
    page = client.get(reverse("admin:auth_user_changelist"))
    assert page.status_code == 200
    assert "reset_second_factor" not in page.content.decode()
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [treasurer.pk]},
    )
    assert TOTPDevice.objects.filter(user=treasurer).exists()


def test_it_skips_2fa_for_the_demo_accounts_with_debug_alone(client, settings, donation_list, db):
    _staff("newtreasurer", "Treasurers")
    settings.OTP_DEMO_SKIP = True
    settings.DEBUG = True
    password_login(client, "newtreasurer")
    assert client.get(donation_list).status_code == 200
    settings.DEBUG = False
    assert client.get(donation_list)["Location"].startswith(reverse("staff:setup"))


def test_it_will_not_start_with_the_demo_skip_in_production():
    result = _manage("check", OTP_DEMO_SKIP="1", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "OTP_DEMO_SKIP may only be on with DEBUG" in result.stderr


@pytest.mark.parametrize(("skip", "says"), [(True, "skipped"), (False, "authenticator app")])
def test_it_tells_how_to_log_in_to_the_demo_accounts(db, settings, skip, says):
    settings.DEBUG, settings.OTP_DEMO_SKIP = True, skip
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert says in out.getvalue() and "demo-password" in out.getvalue()
