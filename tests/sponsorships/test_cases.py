"""The cases of monthly giving the whole-life tests pass by, on both providers: a first
payment that fails, a month refunded, a stop at the provider's side, a second stop, an
outage or a stranger at the cancel link. Real SDKs against the fake APIs."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ledger.models import Donation, Refund
from ledger.selectors import campaign_totals
from payments.models import PaymentEvent
from sponsorships.links import sponsorship_token
from sponsorships.models import Sponsorship
from tests.gifts import post_mollie_webhook, post_stripe_event
from tests.sponsorships.helpers import start_sponsorship

STOPPED = "Your monthly sponsorship has stopped"


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def on_mollie(campaign, fake_mollie, client, capture):
    """An active €15 sponsorship by iDEAL at Mollie."""
    donation, _url = start_sponsorship("ideal")
    fake_mollie.pay_first(donation.provider_payment_id)
    with capture():
        assert post_mollie_webhook(client, donation.provider_payment_id).status_code == 200
    sponsorship = Sponsorship.objects.get(pk=donation.sponsorship_id)
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    return sponsorship


@pytest.fixture
def on_stripe(campaign, fake_stripe, client, capture):
    """An active €15 sponsorship by card at Stripe."""
    donation, _url = start_sponsorship("card")
    with capture():
        event = fake_stripe.complete_subscription(donation.provider_payment_id)
        assert post_stripe_event(client, event).status_code == 200
    sponsorship = Sponsorship.objects.get(pk=donation.sponsorship_id)
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    return sponsorship


def _stop_url(sponsorship) -> str:
    return f"/en/sponsorship/{sponsorship_token(sponsorship)}/stop/"


def _stopped_mails(mailoutbox) -> int:
    return [m.subject for m in mailoutbox].count(STOPPED)


# A first payment that does not go through: nothing starts, nothing counts.


@pytest.mark.parametrize("status", ["failed", "canceled", "expired"])
def test_mollie_a_first_payment_that_fails_starts_nothing(
    campaign, fake_mollie, client, capture, mailoutbox, status
):
    donation, _url = start_sponsorship("ideal")
    fake_mollie.set_status(donation.provider_payment_id, status)
    with capture():
        assert post_mollie_webhook(client, donation.provider_payment_id).status_code == 200
    call_command("sync_subscriptions")
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.status == Sponsorship.Status.PENDING
    assert fake_mollie.subscriptions == {} and mailoutbox == []
    assert campaign_totals().raised == 0
    html = client.get(f"/en/donate/thanks/{donation.public_id}/").content.decode()
    assert "your sponsorship has not started" in html and "?retry=" in html


def test_stripe_an_abandoned_subscription_checkout_starts_nothing(
    campaign, fake_stripe, client, capture, mailoutbox
):
    donation, _url = start_sponsorship("card")
    with capture():
        assert post_stripe_event(client, fake_stripe.expire(donation.provider_payment_id))
    call_command("sync_subscriptions")
    donation.refresh_from_db()
    assert donation.status == Donation.Status.EXPIRED
    assert Sponsorship.objects.get().status == Sponsorship.Status.PENDING
    assert fake_stripe.subscriptions == {} and mailoutbox == []
    assert campaign_totals().raised == 0


# A month refunded by the foundation at the provider: taken off that month only.


def test_mollie_a_refunded_month_is_taken_off_that_month(on_mollie, fake_mollie, client, capture):
    month = fake_mollie.charge_month(on_mollie.provider_subscription_id)
    with capture():
        post_mollie_webhook(client, month)
    fake_mollie.refund(month, "5.00")
    with capture():
        post_mollie_webhook(client, month)
        post_mollie_webhook(client, month)
    refund = Refund.objects.get()
    assert refund.donation.provider_payment_id == month and refund.amount == Decimal("5.00")
    assert campaign_totals().raised == Decimal("25.00")


def test_stripe_a_refunded_month_is_taken_off_that_month(on_stripe, fake_stripe, client, capture):
    paid = fake_stripe.charge_month(on_stripe.provider_subscription_id)
    invoice_id = paid["data"]["object"]["id"]
    with capture():
        post_stripe_event(client, paid)
    refunded = fake_stripe.refund_invoice(invoice_id, 500)
    with capture():
        assert post_stripe_event(client, refunded).status_code == 200
        post_stripe_event(client, refunded)
    refund = Refund.objects.get()
    assert refund.donation.provider_payment_id == invoice_id and refund.amount == Decimal("5.00")
    assert refund.kind == Refund.Kind.REFUND
    assert campaign_totals().raised == Decimal("25.00")


# Stopped at the provider's side (its dashboard): read, and told once.


def test_mollie_a_stop_at_mollie_is_read_by_sync_subscriptions(
    on_mollie, fake_mollie, capture, mailoutbox
):
    # Mollie calls no webhook for a subscription's own changes: the sync reads them.
    fake_mollie.cancel(on_mollie.provider_subscription_id)
    with capture():
        call_command("sync_subscriptions")
        call_command("sync_subscriptions")
    on_mollie.refresh_from_db()
    assert on_mollie.status == Sponsorship.Status.CANCELLED
    assert on_mollie.cancel_reason == Sponsorship.CancelReason.PROVIDER
    assert _stopped_mails(mailoutbox) == 1


# Stopping what the provider stopped already (its event lost): harmless, once.


@pytest.mark.parametrize("provider", ["mollie", "stripe"])
def test_stopping_what_the_provider_already_stopped_is_harmless(
    campaign, request, provider, client, capture, mailoutbox
):
    sponsorship = request.getfixturevalue(f"on_{provider}")
    request.getfixturevalue(f"fake_{provider}").cancel(sponsorship.provider_subscription_id)
    with capture():
        assert client.post(_stop_url(sponsorship)).status_code == 302
        assert client.post(_stop_url(sponsorship)).status_code == 302
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.CANCELLED
    assert sponsorship.cancel_reason == Sponsorship.CancelReason.DONOR
    assert sponsorship.events.filter(to_status="cancelled").count() == 1
    assert _stopped_mails(mailoutbox) == 1


# The cancel link while the provider is down, or does not know the subscription.


@pytest.mark.parametrize("provider", ["mollie", "stripe"])
def test_stopping_while_the_provider_is_down_changes_nothing_and_says_so(
    campaign, request, provider, client, mailoutbox
):
    sponsorship = request.getfixturevalue(f"on_{provider}")
    request.getfixturevalue(f"fake_{provider}").down = True
    response = client.post(_stop_url(sponsorship))
    assert response.status_code == 503
    assert "nothing has changed yet" in response.content.decode()
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    assert len(mailoutbox) == 1  # the welcome only


@pytest.mark.parametrize("provider", ["mollie", "stripe"])
def test_stopping_a_subscription_the_provider_does_not_know_changes_nothing_and_says_so(
    campaign, request, provider, client, treasurer, mailoutbox
):
    sponsorship = request.getfixturevalue(f"on_{provider}")
    # Gone at the provider (a deleted customer, a test key against live data): it may
    # still be charged somewhere, so it is never marked stopped here alone.
    del request.getfixturevalue(f"fake_{provider}").subscriptions[
        sponsorship.provider_subscription_id
    ]
    response = client.post(_stop_url(sponsorship))
    assert response.status_code == 502
    assert "does not recognise this sponsorship" in response.content.decode()
    client.force_login(treasurer)
    data = {"action": "cancel_sponsorships", "_selected_action": [sponsorship.pk], "post": "yes"}
    response = client.post("/admin/sponsorships/sponsorship/", data, follow=True)
    assert "the provider does not know these subscriptions" in response.content.decode()
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    assert not sponsorship.events.filter(to_status="cancelled").exists()
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("provider", ["mollie", "stripe"])
def test_a_forged_cancel_link_never_reaches_the_provider(request, provider, client):
    sponsorship = request.getfixturevalue(f"on_{provider}")
    fake = request.getfixturevalue(f"fake_{provider}")
    token = sponsorship_token(sponsorship)
    forged = re.sub(r"[A-Za-z0-9]$", lambda m: "A" if m.group() != "A" else "B", token)
    for url in (
        f"/en/sponsorship/{forged}/stop/",
        f"/en/sponsorship/{sponsorship.public_id}/stop/",
    ):
        assert client.post(url).status_code == 404
    assert fake.calls("DELETE", "/v") == 0
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.ACTIVE


# A month while the provider is down: answered 503, so the provider sends it again.


def test_stripe_answers_503_for_a_month_while_stripe_is_down(on_stripe, fake_stripe, client):
    paid = fake_stripe.charge_month(on_stripe.provider_subscription_id)
    fake_stripe.down = True
    assert post_stripe_event(client, paid).status_code == 503
    assert PaymentEvent.objects.latest("pk").outcome == PaymentEvent.Outcome.FAILED
    fake_stripe.down = False
    assert post_stripe_event(client, paid).status_code == 200  # Stripe's retry
    assert campaign_totals().raised == Decimal("30.00")


# A paid first month whose subscription was not made (the provider was down, the task lost).


def test_mollie_sync_subscriptions_creates_a_subscription_the_outage_left_out(
    campaign, fake_mollie, client, capture, mailoutbox
):
    donation, _url = start_sponsorship("ideal")
    fake_mollie.pay_first(donation.provider_payment_id)
    # The webhook records the payment; the activation after commit never runs.
    assert post_mollie_webhook(client, donation.provider_payment_id).status_code == 200
    fake_mollie.down = True
    with pytest.raises(CommandError):
        call_command("sync_subscriptions")
    fake_mollie.down = False
    with capture():
        call_command("sync_subscriptions")
        call_command("sync_subscriptions")
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    assert list(fake_mollie.subscriptions) == [sponsorship.provider_subscription_id]
    assert (
        fake_mollie.calls("POST", f"/v2/customers/{sponsorship.provider_customer_id}/subscr") == 1
    )
    assert [m.subject for m in mailoutbox] == ["Thank you for your monthly sponsorship"]


def test_stripe_sync_subscriptions_reads_a_subscription_the_outage_left_out(
    campaign, fake_stripe, client, capture, mailoutbox
):
    donation, _url = start_sponsorship("card")
    event = fake_stripe.complete_subscription(donation.provider_payment_id)
    assert post_stripe_event(client, event).status_code == 200  # activation never ran
    fake_stripe.down = True
    with pytest.raises(CommandError):
        call_command("sync_subscriptions")
    fake_stripe.down = False
    with capture():
        call_command("sync_subscriptions")
        call_command("sync_subscriptions")
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    assert (
        sponsorship.provider_subscription_id
        == fake_stripe.sessions[donation.provider_payment_id]["subscription"]
    )
    assert [m.subject for m in mailoutbox] == ["Thank you for your monthly sponsorship"]
