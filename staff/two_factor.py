"""Who must use a second factor, and the operations on staff members' devices.

Devices are django-otp's: a TOTP device (an authenticator app), passkeys (django-otp-webauthn
credentials: a security key, a phone or the computer itself) and a static device that holds
the single-use recovery codes. Any confirmed app or passkey is a second factor.
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django_otp import devices_for_user, verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

TREASURERS = "Treasurers"
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
PASSKEY_DEVICE_NAME = "Passkey"


# Reviewing messages of support is editorial: the queue shows the message and its public
# signature, never an amount or an email, so it does not make 2FA compulsory for editors.
# The apps whose every permission shows gifts, donors or money (by label: staff is below them
# all and imports none). An editor's review of messages of support is not among them.
MONEY_APPS = frozenset(
    {
        "ledger",
        "payments",
        "statements",
        "sponsorships",
        "donors",
        "annual_statements",
        "retention",
        "reports",
        "demo",
    }
)


def second_factor_required(user: User) -> bool:
    """Anyone who can see gifts, donors or money; editors may opt in."""
    if not (user.is_authenticated and user.is_staff):
        return False
    if settings.DEBUG and settings.OTP_DEMO_SKIP:
        return False
    return (
        user.is_superuser
        or user.groups.filter(name=TREASURERS).exists()
        # A permission given to the person directly counts as much as the role.
        or any(perm.partition(".")[0] in MONEY_APPS for perm in user.get_all_permissions())
    )


def second_factor_passed(user) -> bool:
    """The rule TwoFactorMiddleware keeps under /admin/, for staff-only answers elsewhere:
    someone who has a second factor, or must have one, has used it in this session."""
    is_verified = getattr(user, "is_verified", None)
    if is_verified and is_verified():
        return True
    return not (has_second_factor(user) or second_factor_required(user))


def has_second_factor(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def has_totp_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def passkeys_for(user: User) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"))


def totp_device_pending(user: User) -> TOTPDevice:
    """The app device being set up: kept across page loads so the QR code stays the same."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the app with its first code; None if the code is wrong.

    Returns the recovery codes issued now: ten at the first setup, none when the person
    already had codes (from a passkey set up first).
    """
    with transaction.atomic():
        # Locked so that two tabs confirming at once cannot confirm twice.
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed or not device.verify_token(token):
            return None
        device.confirmed = True
        device.save()
        return recovery_codes_issue_first(user=device.user)


def recovery_codes_issue_first(*, user: User) -> list[str]:
    """Codes for someone who has none yet, whichever factor they set up first; else []."""
    with transaction.atomic():
        # Locked on the person's row so that an app and a passkey confirmed at the same
        # moment cannot issue two sets, the second silently voiding the first.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if StaticDevice.objects.filter(user=user).exists():
            return []
        return recovery_codes_issue(user=user)


def recovery_codes_issue(*, user: User) -> list[str]:
    """New single-use codes; any earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_verify(*, user: User, token: str) -> Device | None:
    """The device that accepts this code (app first, then a recovery code), if any.

    Each device is checked under its own row lock by django-otp, which also refuses a code
    used before and slows down guessing after each wrong code.
    """
    token = "".join(token.split())
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True):
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def second_factor_reset(*, user: User) -> int:
    """Remove every device (app, passkeys, recovery codes), so the person sets up a new one
    at their next login.

    Their open sessions lose their verification at once: django-otp only trusts a session
    whose device still exists.
    """
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    return removed
