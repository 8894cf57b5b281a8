from urllib.parse import urlencode

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.module_loading import import_string

from crowdfund.client_ip import client_ip
from crowdfund.middleware import admin_prefix
from staff.sessions import session_expired
from staff.two_factor import has_second_factor, second_factor_passed
from staff.urls import TWO_FACTOR_PAGES


def _has_session(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _is_staff(request) -> bool:
    # Read only with a session cookie: without one nobody is logged in, and the user's
    # lookup would cost every visitor a session read.
    if not _has_session(request):
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


class SessionLifetimeMiddleware:
    """Ends a login after SESSION_ABSOLUTE_AGE, even if it was never idle for an hour."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # No session cookie, no login: an anonymous visitor costs no session or user lookup.
        if (
            _has_session(request)
            and request.user.is_authenticated
            and session_expired(request.session, max_age=settings.SESSION_ABSOLUTE_AGE)
        ):
            logout(request)
        return self.get_response(request)


class TwoFactorMiddleware:
    """Keeps a staff member out of the admin until their second factor is checked.

    Someone with a device is asked for its code; someone who must have one and has none is
    sent to set it up. Only the login, the logout and these two pages stay open, so no page
    with donor or money data is reachable with a password alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(admin_prefix()) or self._is_open(request.path):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated or not user.is_staff or second_factor_passed(user):
            return self.get_response(request)
        if has_second_factor(user):
            return self._to("staff:verify", request)
        return self._to("staff:setup", request)

    @staticmethod
    def _is_open(path: str) -> bool:
        open_pages = ["admin:login", "admin:logout", *TWO_FACTOR_PAGES]
        return path in {reverse(name) for name in open_pages}

    @staticmethod
    def _to(url_name: str, request):
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(f"{reverse(url_name)}?{query}" if query else reverse(url_name))


class AuditActorMiddleware(AuditlogMiddleware):
    """django-auditlog's actor middleware, with the client address read through
    TRUSTED_PROXIES instead of the first, client-written X-Forwarded-For entry.

    The actor and the address are recorded for a logged-in staff member only, the actor the
    audit trail is for. Anyone else (a visitor, a donor giving again in the browser whose
    session their first gift started, a provider's webhook) writes entries with neither:
    the site keeps no visitor's address, and this skips auditlog's per-request signal wiring.
    """

    def __call__(self, request):
        if not _is_staff(request):
            return self.get_response(request)
        return super().__call__(request)

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request) or None

    @staticmethod
    def _get_remote_port(request):
        return None


class StaffMiddleware:
    """The middlewares in STAFF_MIDDLEWARE (2FA, session lifetime, the audit trail's actor),
    run only for a request that can carry a staff member: one under the admin's address, or
    one with a session cookie.

    Every other request (a visitor, a webhook) has no login to check, and each of these
    middlewares cost it a few microseconds for nothing: together a tenth of the site's own
    cost per request. All staff pages, logins included, are under the admin's address.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        chain = get_response
        for dotted_path in reversed(settings.STAFF_MIDDLEWARE):
            chain = import_string(dotted_path)(chain)
        self.staff_chain = chain

    def __call__(self, request):
        if _has_session(request) or request.path.startswith(admin_prefix()):
            return self.staff_chain(request)
        return self.get_response(request)
