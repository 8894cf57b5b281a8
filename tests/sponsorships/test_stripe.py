"""Monthly sponsorship through Stripe, against the fake Stripe API with the real SDK."""

import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ledger.models import Donation, Refund
from ledger.selectors import campaign_totals
from payments.models import PaymentEvent
from sponsorships.models import Sponsorship
from tests.fakes.fixtures import fixture
from tests.gifts import post_stripe_event
from tests.payments.test_stripe import _get
from tests.sponsorships.helpers import start_sponsorship


def _deliver(client, event, capture):
    with capture(execute=True):
        assert post_stripe_event(client, event).status_code == 200


@pytest.fixture
def sponsoring(campaign, fake_stripe, client, django_capture_on_commit_callbacks):
    """A donor started a €15 monthly sponsorship by card and paid the first month."""
    donation, _url = start_sponsorship("card")
    event = fake_stripe.complete_subscription(donation.provider_payment_id)
    _deliver(client, event, django_capture_on_commit_callbacks)
    return Sponsorship.objects.get(pk=donation.sponsorship_id)


def test_it_starts_a_checkout_in_subscription_mode_with_only_our_id(campaign, fake_stripe):
    donation, url = start_sponsorship("card")
    assert url == f"{fake_stripe.url}/pay/{donation.provider_payment_id}"
    params = fake_stripe.created_params[0]
    reference = str(donation.sponsorship.public_id)
    assert params["mode"] == "subscription"
    assert params["line_items[0][price_data][recurring][interval]"] == "month"
    assert params["line_items[0][price_data][unit_amount]"] == "1500"
    metadata = {k: v for k, v in params.items() if "metadata" in k}
    assert metadata == {
        "metadata[sponsorship]": reference,
        "subscription_data[metadata][sponsorship]": reference,
    }
    # The donor's name, email and message stay with the foundation.
    sent = json.dumps(params).lower()
    assert "camila" not in sent and "customer_email" not in params


def test_it_stores_the_customer_and_subscription_from_the_completed_checkout(
    sponsoring, fake_stripe, client, django_capture_on_commit_callbacks, mailoutbox
):
    assert sponsoring.status == Sponsorship.Status.ACTIVE
    assert list(fake_stripe.subscriptions) == [sponsoring.provider_subscription_id]
    subscription = fake_stripe.subscriptions[sponsoring.provider_subscription_id]
    assert sponsoring.provider_customer_id == subscription["customer"] != ""
    first = sponsoring.first_donation
    assert first.status == Donation.Status.PAID and first.amount_paid == Decimal("15.00")
    assert campaign_totals().raised == Decimal("15.00")
    # The first invoice's invoice.paid is the checkout's month, not a second one.
    first_invoice = fake_stripe.sessions[first.provider_payment_id]["invoice"]
    event = fake_stripe._event("invoice.paid", fake_stripe.render_invoice(first_invoice, set()))
    _deliver(client, event, django_capture_on_commit_callbacks)
    assert Donation.objects.count() == 1
    assert [m.subject for m in mailoutbox] == ["Thank you for your monthly sponsorship"]


def test_it_lives_a_whole_sponsorship(
    sponsoring, fake_stripe, client, django_capture_on_commit_callbacks, mailoutbox
):
    capture = django_capture_on_commit_callbacks
    subscription = sponsoring.provider_subscription_id

    paid = []
    for _month in range(3):
        event = fake_stripe.charge_month(subscription, fee_cents=47)
        paid.append(event["data"]["object"]["id"])
        _deliver(client, event, capture)
        _deliver(client, event, capture)  # a repeated delivery records nothing more
    assert campaign_totals().raised == Decimal("60.00")

    failed = fake_stripe.fail_month(subscription, code="insufficient_funds")
    failed_invoice = failed["data"]["object"]["id"]
    _deliver(client, failed, capture)
    _deliver(client, fake_stripe.subscription_event(subscription), capture)
    sponsoring.refresh_from_db()
    assert sponsoring.status == Sponsorship.Status.SUSPENDED  # past_due
    assert sponsoring.last_failure_code == "insufficient_funds"
    assert campaign_totals().raised == Decimal("60.00")  # the failed month counts nothing
    failure = [m for m in mailoutbox if "did not go through" in m.subject]
    assert len(failure) == 1
    # Stripe is still retrying: no "paused, start again" mail that could charge twice.
    assert not [m for m in mailoutbox if "paused" in m.subject]

    # Stripe's own retry succeeds: the same invoice is paid, past_due → active.
    _deliver(client, fake_stripe.retry_paid(failed_invoice), capture)
    _deliver(client, fake_stripe.subscription_event(subscription), capture)
    sponsoring.refresh_from_db()
    assert sponsoring.status == Sponsorship.Status.ACTIVE
    assert campaign_totals().raised == Decimal("75.00")

    months = Donation.objects.filter(sponsorship=sponsoring).exclude(
        pk=sponsoring.first_donation_id
    )
    assert sorted(d.provider_payment_id for d in months) == sorted([*paid, failed_invoice])
    assert all(d.status == "paid" and d.donor_id == sponsoring.donor_id for d in months)
    assert months.get(provider_payment_id=paid[0]).fee == Decimal("0.47")

    _deliver(client, fake_stripe.dispute_invoice(paid[1], 1500), capture)
    chargeback = Refund.objects.get()
    assert chargeback.kind == Refund.Kind.CHARGEBACK
    assert chargeback.donation.provider_payment_id == paid[1]
    assert campaign_totals().raised == Decimal("60.00")

    link = re.search(r"https://donar.example.org(/\S+/stop/)", mailoutbox[-1].body).group(1)
    with capture(execute=True):
        assert client.post(link).status_code == 302
    sponsoring.refresh_from_db()
    assert sponsoring.status == Sponsorship.Status.CANCELLED
    assert fake_stripe.subscriptions[subscription]["status"] == "canceled"
    with capture(execute=True):
        assert client.post(link).status_code == 302  # twice: harmless
    # Stripe's customer.subscription.deleted after our own cancel changes nothing more.
    event = fake_stripe._event(
        "customer.subscription.deleted", fake_stripe.render_subscription(subscription)
    )
    _deliver(client, event, capture)
    assert sponsoring.events.filter(to_status="cancelled").count() == 1
    assert mailoutbox[-1].subject == "Your monthly sponsorship has stopped"
    assert campaign_totals().raised == Decimal("60.00")


def test_it_reads_a_cancellation_at_stripe_from_the_webhook(
    sponsoring, fake_stripe, client, django_capture_on_commit_callbacks
):
    _deliver(
        client,
        fake_stripe.cancel(sponsoring.provider_subscription_id),
        django_capture_on_commit_callbacks,
    )
    sponsoring.refresh_from_db()
    assert sponsoring.status == Sponsorship.Status.CANCELLED
    assert sponsoring.cancel_reason == Sponsorship.CancelReason.PROVIDER


def test_it_finds_the_subscription_of_an_invoice_in_the_older_api_shape(
    sponsoring, fake_stripe, client, django_capture_on_commit_callbacks
):
    fake_stripe.legacy_invoices = True  # `subscription` at the top, no `parent`
    event = fake_stripe.charge_month(sponsoring.provider_subscription_id)
    assert event["data"]["object"]["parent"] is None
    _deliver(client, event, django_capture_on_commit_callbacks)
    month = Donation.objects.get(provider_payment_id=event["data"]["object"]["id"])
    assert month.sponsorship_id == sponsoring.pk and month.status == Donation.Status.PAID


def test_it_recovers_a_lost_invoice_paid_with_sync_subscriptions(
    sponsoring, fake_stripe, django_capture_on_commit_callbacks
):
    lost = fake_stripe.charge_month(sponsoring.provider_subscription_id)["data"]["object"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sync_subscriptions")
        call_command("sync_subscriptions")  # idempotent
    month = Donation.objects.get(provider_payment_id=lost)
    assert month.status == Donation.Status.PAID and month.sponsorship_id == sponsoring.pk
    assert campaign_totals().raised == Decimal("30.00")


def test_sync_subscriptions_exits_non_zero_when_stripe_is_down(sponsoring, fake_stripe):
    fake_stripe.down = True
    with pytest.raises(CommandError, match="stripe"):
        call_command("sync_subscriptions")


def test_it_changes_nothing_for_a_forged_invoice_paid(sponsoring, fake_stripe, client):
    event = fake_stripe.charge_month(sponsoring.provider_subscription_id)
    response = post_stripe_event(client, event, secret="whsec_not_stripes")
    assert response.status_code == 400
    assert Donation.objects.count() == 1
    assert PaymentEvent.objects.latest("pk").outcome == PaymentEvent.Outcome.REJECTED
    assert PaymentEvent.objects.latest("pk").payload == ""


def test_its_fake_answers_with_the_shapes_of_stripes_published_examples(sponsoring, fake_stripe):
    subscription_id = sponsoring.provider_subscription_id
    paid = fake_stripe.charge_month(subscription_id)
    failed = fake_stripe.fail_month(subscription_id)
    updated = fake_stripe.subscription_event(subscription_id)
    deleted = fake_stripe.cancel(subscription_id)
    for event in (paid, failed, updated, deleted):
        assert set(event) == set(fixture("stripe/event"))
    for event in (paid, failed):
        assert set(event["data"]["object"]) == set(fixture("stripe/invoice"))
    for event in (updated, deleted):
        assert set(event["data"]["object"]) == set(fixture("stripe/subscription"))
    invoice_id = paid["data"]["object"]["id"]
    invoice = _get(fake_stripe, f"/v1/invoices/{invoice_id}?expand[0]=payments")
    assert set(invoice) - {"payments"} == set(fixture("stripe/invoice"))
    assert set(invoice["payments"]["data"][0]) == set(fixture("stripe/invoice_payment"))
    listed = _get(fake_stripe, f"/v1/invoices?subscription={subscription_id}")["data"]
    assert {i["id"] for i in listed} >= {invoice_id, failed["data"]["object"]["id"]}
    session = _get(
        fake_stripe,
        f"/v1/checkout/sessions/{sponsoring.first_donation.provider_payment_id}"
        "?expand[0]=subscription",
    )
    assert set(session) == set(fixture("stripe/checkout_session"))
    assert set(session["subscription"]) == set(fixture("stripe/subscription"))


def test_it_reads_stripes_end_of_a_past_due_subscription_with_sync_subscriptions(
    sponsoring, fake_stripe, client, django_capture_on_commit_callbacks
):
    subscription = sponsoring.provider_subscription_id
    fake_stripe.fail_month(subscription)
    _deliver(
        client, fake_stripe.subscription_event(subscription), django_capture_on_commit_callbacks
    )
    sponsoring.refresh_from_db()
    assert sponsoring.status == Sponsorship.Status.SUSPENDED
    fake_stripe.cancel(subscription)  # retries exhausted; the deleted event is lost
    call_command("sync_subscriptions")
    sponsoring.refresh_from_db()
    assert sponsoring.status == Sponsorship.Status.CANCELLED
