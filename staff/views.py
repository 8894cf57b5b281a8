"""The second step of the staff login, and setting up a second factor.

Both pages are open to a staff member who has given only their password (see
staff.middleware.TwoFactorMiddleware); neither shows anything but the person's own devices.
Passkeys are registered and used through the JSON endpoints in staff.passkeys, which the
package's scripts call from these pages; without JavaScript the pages work with codes alone.
"""

from base64 import b32encode

import segno
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp_webauthn.templatetags.otp_webauthn import get_configuration

from staff.forms import TokenForm
from staff.two_factor import (
    has_second_factor,
    has_totp_device,
    passkeys_for,
    second_factor_verify,
    totp_device_confirm,
    totp_device_pending,
)

RECOVERY_CODES_SESSION_KEY = "staff_recovery_codes"
WRONG_CODE = gettext_lazy(
    "This code is not valid, or it was used before. Wait for the next code in your app "
    "and try again."
)


def _next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _verified(request, device) -> None:
    otp_login(request, device)
    # The session now carries more trust than before: give it a new key.
    request.session.cycle_key()


def _page(request, template, title, **context):
    context = {
        **admin.site.each_context(request),
        # The sidebar lists the money pages; it has no place before the second step.
        "is_nav_sidebar_enabled": False,
        "title": title,
        "next": _next(request),
        **context,
    }
    return render(request, template, context)


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def verify(request):
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not has_second_factor(user):
        return redirect(f"{reverse('staff:setup')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = second_factor_verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            _verified(request, device)
            return redirect(_next(request))
        form.add_error("token", WRONG_CODE)
    return _page(
        request,
        "staff/verify.html",
        _("Two-step login"),
        form=form,
        has_passkey=bool(passkeys_for(user)),
        has_app=has_totp_device(user),
        passkey_config=get_configuration(request),
    )


@never_cache
@staff_member_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """The first factor for someone with none, or another one for someone verified."""
    user = request.user
    if has_second_factor(user) and not user.is_verified():
        # Adding a device needs the existing one: a stolen password is not enough.
        return redirect(f"{reverse('staff:verify')}?{request.GET.urlencode()}")
    app = {}
    if not has_totp_device(user):
        device = totp_device_pending(user)
        form = TokenForm(request.POST or None)
        if form.is_valid():
            codes = totp_device_confirm(device=device, token=form.cleaned_data["token"])
            if codes is not None:
                return _app_confirmed(request, device, codes)
            form.add_error("token", WRONG_CODE)
        secret = b32encode(device.bin_key).decode()
        app = {
            "form": form,
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=5, border=2),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        }
    elif request.method == "POST":
        messages.info(request, _("Your authenticator app is already set up."))
        return redirect(request.get_full_path())
    return _page(
        request,
        "staff/setup.html",
        _("Set up two-factor authentication"),
        has_second_factor=has_second_factor(user),
        passkeys=passkeys_for(user),
        passkey_config=get_configuration(request),
        **app,
    )


def _app_confirmed(request, device, codes: list[str]):
    device.refresh_from_db()
    if not request.user.is_verified():
        _verified(request, device)
    if codes:
        request.session[RECOVERY_CODES_SESSION_KEY] = codes
        return redirect(f"{reverse('staff:recovery_codes')}?{request.GET.urlencode()}")
    messages.success(request, _("Your authenticator app is set up."))
    return redirect(_next(request))


@never_cache
@staff_member_required
def recovery_codes(request):
    # Shown once: the codes leave the session as they are displayed.
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return redirect(_next(request))
    return _page(request, "staff/recovery_codes.html", _("Your recovery codes"), codes=codes)
