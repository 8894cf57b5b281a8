"""The absolute lifetime of a staff session: 12 hours from the login, however busy."""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

LOGIN_AT_SESSION_KEY = "staff_login_at"


@receiver(user_logged_in, dispatch_uid="staff_session_login_at")
def _stamp_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = int(time.time())


def session_expired(session, *, max_age: int) -> bool:
    started = session.get(LOGIN_AT_SESSION_KEY)
    # A session without the stamp predates it; ending it costs one login.
    return not isinstance(started, int) or time.time() - started > max_age
