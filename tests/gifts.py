"""What the tests of giving and paying share: the providers' fakes, the donate form's data,
and posting their webhooks."""

import json

import pytest
from django.urls import reverse

from ledger.models import Donation
from tests.fakes.mollie_api import FakeMollie
from tests.fakes.stripe_api import FakeStripe, sign

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def fake_mollie(settings):
    fake = FakeMollie()
    settings.MOLLIE_API_KEY = "test_fakekey1234567890"
    settings.MOLLIE_API_URL = fake.url
    settings.SITE_URL = "https://donar.example.org"
    yield fake
    fake.close()


@pytest.fixture
def fake_stripe(settings):
    fake = FakeStripe()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    settings.SITE_URL = "https://donar.example.org"
    yield fake
    fake.close()


@pytest.fixture
def closed_port_url():
    # Nothing listens here: connection refused, like a provider outage.
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def form_data(method: str, **overrides) -> dict:
    data = {
        "preset": "25",
        "other_amount": "",
        "prisoner": "",
        "purpose": "",
        "donor_name": "Camila",
        "donor_email": "camila@example.org",
        "public_message": "",
        "method": method,
        "website": "",
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def give(client, campaign):
    """Submit the donation form; returns (response, donation or None)."""

    def submit(method: str, lang: str = "en", **overrides):
        response = client.post(f"/{lang}/donate/", form_data(method, **overrides))
        donation = Donation.objects.order_by("-id").first()
        return response, donation

    return submit


def post_stripe_event(client, event: dict, secret: str = WEBHOOK_SECRET, header=None):
    payload = json.dumps(event).encode()
    signature = sign(payload, secret) if header is None else header
    return client.post(
        reverse("webhook_stripe"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


def post_mollie_webhook(client, payment_id: str):
    return client.post(reverse("webhook_mollie"), {"id": payment_id})


def said_by_the_server(html: str, element_id: str) -> str:
    """What an element by the donate button says on the server's own reading of the form
    (its `initial` lines: what shows before anything is ticked, and without :has())."""
    import re

    inner = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:p|button)>', html, re.S).group(1)
    spans = re.findall(r'<span class="pick [^"]*\binitial\b[^"]*">(.*?)</span>', inner, re.S)
    return "".join(spans)
