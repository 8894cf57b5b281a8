import pytest
from django.urls import reverse

PASSWORD = "pw-for-tests-only"


def password_login(client, username: str, password: str = PASSWORD):
    """The first login step through the real page, as a person types it."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
    )


@pytest.fixture
def donation_list():
    return reverse("admin:ledger_donation_changelist")
