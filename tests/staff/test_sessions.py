import time
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staff.sessions import LOGIN_AT_SESSION_KEY
from tests.conftest import totp_code
from tests.staff.conftest import password_login


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_it_moves_the_idle_limit_of_one_hour_with_every_request(client, treasurer, donation_list):
    client.force_login(treasurer)
    client.get(donation_list)
    session = Session.objects.get(session_key=client.session.session_key)
    assert abs(session.expire_date - (timezone.now() + timedelta(hours=1))) < timedelta(seconds=30)
    # An hour without a request: the session is gone.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert _sent_to_login(client.get(donation_list))


def _logged_in_for(client, user, hours: float):
    client.force_login(user)
    session = client.session
    session[LOGIN_AT_SESSION_KEY] = int(time.time() - hours * 3600)
    session.save()


def test_it_ends_a_session_twelve_hours_after_the_login_however_busy(
    client, treasurer, donation_list
):
    _logged_in_for(client, treasurer, hours=12.01)
    assert _sent_to_login(client.get(donation_list))
    assert "_auth_user_id" not in client.session


def test_it_keeps_a_busy_session_younger_than_twelve_hours(client, treasurer, donation_list):
    _logged_in_for(client, treasurer, hours=11.9)
    assert client.get(donation_list).status_code == 200


def test_it_gives_the_session_a_new_key_at_each_login_step(client, treasurer, donation_list):
    client.get(reverse("admin:login"))
    session = client.session
    session["planted"] = "by someone who knows this key"
    session.save()
    planted = session.session_key

    password_login(client, "treasurer")
    after_password = client.session.session_key
    assert after_password != planted
    assert not Session.objects.filter(session_key=planted).exists()

    client.post(reverse("staff:verify"), {"token": totp_code(treasurer.totpdevice_set.get())})
    assert client.session.session_key not in {planted, after_password}
    assert client.get(donation_list).status_code == 200


def test_it_ends_the_other_sessions_when_the_password_changes(client, treasurer, donation_list):
    other_device = Client(HTTP_ACCEPT_LANGUAGE="en")
    for each in (client, other_device):
        each.force_login(treasurer)
        session = each.session
        session["otp_device_id"] = treasurer.totpdevice_set.get().persistent_id
        session.save()
    assert other_device.get(donation_list).status_code == 200

    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": "pw-for-tests-only",
            "new_password1": "a-new-long-passphrase-77",
            "new_password2": "a-new-long-passphrase-77",
        },
    )
    assert response.status_code == 302
    assert client.get(donation_list).status_code == 200
    assert _sent_to_login(other_device.get(donation_list))
