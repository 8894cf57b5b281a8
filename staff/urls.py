from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("setup/", views.setup, name="setup"),
    path("verify/", views.verify, name="verify"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
]

# Reachable with a password alone; everything else under /admin/ needs the second factor.
TWO_FACTOR_PAGES = [f"staff:{pattern.name}" for pattern in urlpatterns]
