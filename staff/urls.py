from django.urls import path

from staff import passkey_urls, views

app_name = "staff"

urlpatterns = [
    path("setup/", views.setup, name="setup"),
    path("verify/", views.verify, name="verify"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
]

# Reachable with a password alone; everything else under /admin/ needs the second factor.
# The passkey endpoints check for themselves that a new passkey needs the existing factor.
TWO_FACTOR_PAGES = [
    *(f"staff:{pattern.name}" for pattern in urlpatterns),
    *(f"otp_webauthn:{pattern.name}" for pattern in passkey_urls.urlpatterns),
]
