"""The staff middlewares run for every request that can carry a staff member, and only those."""

import pytest
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from staff.middleware import StaffMiddleware


def _staff_chain_ran(path: str, cookies: dict) -> bool:
    seen = {}

    def view(request):
        # django-otp's middleware, one of the staff chain, gives the user is_verified().
        seen["ran"] = hasattr(request.user, "is_verified")
        return HttpResponse("ok")

    request = RequestFactory().get(path)
    request.COOKIES.update(cookies)
    SessionMiddleware(AuthenticationMiddleware(StaffMiddleware(view)))(request)
    return seen["ran"]


@pytest.mark.parametrize(
    ("path", "cookies", "runs"),
    [
        ("/admin/login/", {}, True),
        ("/admin/2fa/verify/", {}, True),
        ("/en/", {settings.SESSION_COOKIE_NAME: "some-session"}, True),
        ("/media/photos/ana.jpg", {settings.SESSION_COOKIE_NAME: "some-session"}, True),
        ("/en/", {}, False),
        ("/webhooks/mollie/", {}, False),
        ("/en/", {"csrftoken": "x", "messages": "y"}, False),
    ],
)
def test_it_runs_the_staff_middlewares_only_where_a_staff_member_can_be(db, path, cookies, runs):
    assert _staff_chain_ran(path, cookies) is runs
