"""What a donor does to a sponsorship from their page: change the amount (demo, Mollie,
Stripe over their real SDKs against the fakes), stop it, and pay from another account."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from demo.models import DemoSubscription
from sponsorships.models import AmountChange, Sponsorship, SponsorshipEvent
from tests.donor_pages import open_page
from tests.gifts import post_mollie_webhook, post_stripe_event
from tests.sponsorships.helpers import start_sponsorship

# The donor's page offers the demo checkout when demo payments are on.
pytestmark = pytest.mark.usefixtures("demo_payments_on")

PAGE = "/en/my-gifts/page/"


def _url(sponsorship, action):
    return f"/en/my-gifts/page/monthly/{sponsorship.pk}/{action}/"


def _change(client, sponsorship, amount: str):
    return client.post(_url(sponsorship, "amount"), {f"s{sponsorship.pk}-amount": amount})


@pytest.fixture
def demo_sponsorship(client, campaign, django_capture_on_commit_callbacks):
    donation, url = start_sponsorship("demo")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"id": donation.provider_payment_id, "outcome": "paid"})
    sponsorship = Sponsorship.objects.get(pk=donation.sponsorship_id)
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    open_page(client, sponsorship.donor)
    return sponsorship


@pytest.fixture
def mollie_sponsorship(client, campaign, fake_mollie, django_capture_on_commit_callbacks):
    donation, _url = start_sponsorship("ideal")
    fake_mollie.pay_first(donation.provider_payment_id)
    with django_capture_on_commit_callbacks(execute=True):
        post_mollie_webhook(client, donation.provider_payment_id)
    sponsorship = Sponsorship.objects.get(pk=donation.sponsorship_id)
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    open_page(client, sponsorship.donor)
    return sponsorship


@pytest.fixture
def stripe_sponsorship(client, campaign, fake_stripe, django_capture_on_commit_callbacks):
    donation, _url = start_sponsorship("card")
    with django_capture_on_commit_callbacks(execute=True):
        post_stripe_event(client, fake_stripe.complete_subscription(donation.provider_payment_id))
    sponsorship = Sponsorship.objects.get(pk=donation.sponsorship_id)
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    open_page(client, sponsorship.donor)
    return sponsorship


def test_it_changes_a_demo_amount_from_the_next_month(client, demo_sponsorship):
    response = _change(client, demo_sponsorship, "22,50")
    assert response.status_code == 302
    demo_sponsorship.refresh_from_db()
    assert demo_sponsorship.amount == Decimal("22.50")
    assert DemoSubscription.objects.get().amount == Decimal("22.50")
    change = AmountChange.objects.get()
    assert (change.old_amount, change.new_amount) == (Decimal("15.00"), Decimal("22.50"))
    assert change.applied_at is not None
    note = SponsorshipEvent.objects.filter(source="donor").last().note
    assert note == "amount 15.00 → 22.50"
    page = client.get(PAGE).content.decode()
    assert "new monthly amount applies from the next payment" in page
    assert "€22.50 a month" in page


def test_it_changes_the_amount_at_mollie_with_subscriptions_update(
    client, mollie_sponsorship, fake_mollie
):
    assert _change(client, mollie_sponsorship, "20").status_code == 302
    [update] = fake_mollie.subscription_updates
    assert update["id"] == mollie_sponsorship.provider_subscription_id
    assert update["amount"] == {"currency": "EUR", "value": "20.00"}
    change = AmountChange.objects.get()
    key = f"sponsorship-{mollie_sponsorship.public_id}-amount-{change.pk}"
    assert update["Idempotency-Key"] == key
    subscription = fake_mollie.subscriptions[mollie_sponsorship.provider_subscription_id]
    assert subscription["amount"]["value"] == "20.00"
    mollie_sponsorship.refresh_from_db()
    assert mollie_sponsorship.amount == Decimal("20.00")
    # Back to 15 later is a change of its own, not a replay of the first.
    assert _change(client, mollie_sponsorship, "15").status_code == 302
    assert subscription["amount"]["value"] == "15.00"


def test_it_gives_the_stripe_subscription_item_a_new_price_without_proration(
    client, stripe_sponsorship, fake_stripe
):
    assert _change(client, stripe_sponsorship, "30").status_code == 302
    [update] = fake_stripe.subscription_updates
    subscription_id = stripe_sponsorship.provider_subscription_id
    assert update["items[0][id]"] == f"si_{subscription_id[4:]}"
    assert update["items[0][price_data][unit_amount]"] == "3000"
    assert update["items[0][price_data][currency]"] == "eur"
    assert update["items[0][price_data][recurring][interval]"] == "month"
    assert update["items[0][price_data][product]"].startswith("prod_")
    assert update["proration_behavior"] == "none"
    assert fake_stripe.subscriptions[subscription_id]["amount"] == 3000
    stripe_sponsorship.refresh_from_db()
    assert stripe_sponsorship.amount == Decimal("30.00")


@pytest.mark.parametrize("amount", ["", "abc", "1", "20000", "-5"])
def test_a_bad_amount_gets_a_clear_message_and_changes_nothing(client, demo_sponsorship, amount):
    response = _change(client, demo_sponsorship, amount)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    demo_sponsorship.refresh_from_db()
    assert demo_sponsorship.amount == Decimal("15.00") and not AmountChange.objects.exists()


def test_a_provider_outage_changes_nothing(client, mollie_sponsorship, fake_mollie):
    fake_mollie.down = True
    response = _change(client, mollie_sponsorship, "20")
    assert response.status_code == 302
    page = client.get(PAGE).content.decode()
    assert "could not reach the payment provider" in page
    mollie_sponsorship.refresh_from_db()
    assert mollie_sponsorship.amount == Decimal("15.00")
    assert not AmountChange.objects.exists()  # rolled back with the rest


def test_a_stopped_sponsorship_cannot_change_its_amount(client, demo_sponsorship):
    client.post(_url(demo_sponsorship, "stop"))
    _change(client, demo_sponsorship, "20")
    demo_sponsorship.refresh_from_db()
    assert demo_sponsorship.amount == Decimal("15.00")


def test_it_stops_a_sponsorship_through_the_cancel_service(client, mollie_sponsorship, fake_mollie):
    confirm = client.get(_url(mollie_sponsorship, "stop"))
    assert "Stop my monthly gift" in confirm.content.decode()
    assert client.post(_url(mollie_sponsorship, "stop")).status_code == 302
    mollie_sponsorship.refresh_from_db()
    assert mollie_sponsorship.status == Sponsorship.Status.CANCELLED
    assert mollie_sponsorship.cancel_reason == Sponsorship.CancelReason.DONOR
    assert fake_mollie.subscriptions[mollie_sponsorship.provider_subscription_id]["status"] == (
        "canceled"
    )


def test_stripe_renews_the_card_in_a_billing_portal_session(
    client, stripe_sponsorship, fake_stripe
):
    response = client.post(_url(stripe_sponsorship, "payment-method"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{fake_stripe.url}/portal/bps_")
    [params] = fake_stripe.portal_sessions
    assert params["customer"] == stripe_sponsorship.provider_customer_id
    assert params["flow_data[type]"] == "payment_method_update"
    assert params["return_url"] == "http://testserver/en/my-gifts/page/"
    stripe_sponsorship.refresh_from_db()
    assert stripe_sponsorship.status == Sponsorship.Status.ACTIVE  # nothing else changed


def test_mollie_renews_with_a_new_first_payment_after_stopping_this_one(
    client, mollie_sponsorship, fake_mollie
):
    response = client.post(_url(mollie_sponsorship, "payment-method"))
    location = urlsplit(response["Location"])
    assert location.path == "/en/donate/"
    assert parse_qs(location.query) == {"frequency": ["monthly"], "amount": ["15.00"]}
    mollie_sponsorship.refresh_from_db()
    # Stopped first, so the old mandate and the new one never both collect.
    assert mollie_sponsorship.status == Sponsorship.Status.CANCELLED


def test_stopping_during_a_provider_outage_changes_nothing(client, mollie_sponsorship, fake_mollie):
    fake_mollie.down = True
    response = client.post(_url(mollie_sponsorship, "stop"), follow=True)
    assert "could not reach the payment provider" in response.content.decode()
    mollie_sponsorship.refresh_from_db()
    assert mollie_sponsorship.status == Sponsorship.Status.ACTIVE
