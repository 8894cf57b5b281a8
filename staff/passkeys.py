"""Passkeys as a second factor: django-otp-webauthn's JSON endpoints, fitted to the staff login.

The package does the WebAuthn ceremonies. These subclasses add what the staff login needs
around them: only staff may use them, the session gets a new key once it is verified (as
after a code, see staff.views), the first factor set up brings the recovery codes, and the
redirect after a passkey login stays on this site.
"""

import json

from django.http import JsonResponse
from django.urls import reverse
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from staff.two_factor import PASSKEY_DEVICE_NAME, recovery_codes_issue_first
from staff.views import RECOVERY_CODES_SESSION_KEY


class StaffPasskeyHelper(WebAuthnHelper):
    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        # The package leaves the name empty; the audit trail and the setup page show it.
        device.name = PASSKEY_DEVICE_NAME
        return device


class _StaffOnly:
    """The admin's second step is for staff; nobody else has a reason to hold a passkey here."""

    def _check_staff(self):
        if not self.request.user.is_staff:
            raise exceptions.NotAuthenticated()


class BeginRegistration(_StaffOnly, BeginCredentialRegistrationView):
    def check_can_register(self):
        self._check_staff()


class CompleteRegistration(_StaffOnly, CompleteCredentialRegistrationView):
    """The package refuses a new passkey from a session not verified with an existing
    factor; someone with no factor yet is setting up their first one, as on the app page."""

    def check_can_register(self):
        self._check_staff()

    def post(self, *args, **kwargs):
        was_verified = self.request.user.is_verified()
        response = super().post(*args, **kwargs)
        if response.status_code != 200:
            return response
        if not was_verified:
            self.request.session.cycle_key()
        codes = recovery_codes_issue_first(user=self.request.user)
        if codes:
            # Shown once by staff.views.recovery_codes, as after setting up the app.
            self.request.session[RECOVERY_CODES_SESSION_KEY] = codes
        # The setup page's script goes to the codes when there are any, else back to the page.
        return JsonResponse({**json.loads(response.content), "recovery_codes": bool(codes)})


class BeginAuthentication(_StaffOnly, BeginCredentialAuthenticationView):
    def check_can_authenticate(self):
        super().check_can_authenticate()
        self._check_staff()


class CompleteAuthentication(_StaffOnly, CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        super().check_can_authenticate()
        self._check_staff()

    def complete_auth(self, device):
        super().complete_auth(device)
        # The session now carries more trust than before: give it a new key.
        self.request.session.cycle_key()

    def get_success_url(self):
        return self.get_redirect_url() or reverse("admin:index")
