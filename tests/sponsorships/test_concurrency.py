"""Sponsorship webhooks delivered at the same moment, each on its own connection."""

import json
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from ledger.models import Donation
from ledger.selectors import campaign_totals
from payments.models import PaymentEvent
from payments.providers.base import ProviderUnavailable
from sponsorships.cancel import sponsorship_cancel
from sponsorships.models import Sponsorship
from tests.fakes.stripe_api import sign
from tests.gifts import WEBHOOK_SECRET
from tests.payments.test_concurrency import DELIVERIES, _deliver_at_once
from tests.sponsorships.helpers import start_sponsorship

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def first_paid(postgres, campaign, fake_mollie):
    donation, _url = start_sponsorship("ideal")
    fake_mollie.pay_first(donation.provider_payment_id)
    return donation


def test_it_creates_one_subscription_for_20_simultaneous_first_payment_webhooks(
    first_paid, fake_mollie, mailoutbox
):
    statuses = _deliver_at_once(first_paid.provider_payment_id, DELIVERIES)
    assert statuses == [200] * DELIVERIES
    assert len(fake_mollie.subscriptions) == 1
    assert len(fake_mollie.subscription_bodies) == 1
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    assert sponsorship.events.filter(to_status="active").count() == 1
    assert len(mailoutbox) == 1


@pytest.fixture
def active(first_paid):
    _deliver_at_once(first_paid.provider_payment_id, 1)
    return Sponsorship.objects.get()


def test_it_records_one_donation_for_20_simultaneous_deliveries_of_a_month(
    active, fake_mollie, mailoutbox
):
    month = fake_mollie.charge_month(active.provider_subscription_id)
    statuses = _deliver_at_once(month, DELIVERIES)
    assert statuses == [200] * DELIVERIES
    assert Donation.objects.filter(provider_payment_id=month).count() == 1
    assert Donation.objects.get(provider_payment_id=month).status_changes.count() == 1
    assert campaign_totals().raised == Decimal("30.00")
    assert [m.subject for m in mailoutbox].count("Receipt for your monthly sponsorship") == 1


def test_it_counts_a_failed_month_once_when_delivered_20_times(active, fake_mollie, mailoutbox):
    month = fake_mollie.charge_month(active.provider_subscription_id, status="pending")
    fake_mollie.fail_month(month, code="AM04")
    _deliver_at_once(month, DELIVERIES)
    active.refresh_from_db()
    assert active.failure_count == 1
    assert [m.subject for m in mailoutbox].count(
        "This month's payment for your sponsorship did not go through"
    ) == 1


def test_it_records_a_payment_in_flight_and_stays_cancelled(active, fake_mollie):
    # Mollie had already started this month's debit when the donor stopped.
    month = fake_mollie.charge_month(active.provider_subscription_id)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def cancel():
        try:
            barrier.wait(timeout=30)
            sponsorship_cancel(sponsorship_id=active.pk, reason="donor", source="donor")
        except (BaseException, ProviderUnavailable) as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=cancel)
    thread.start()
    barrier.wait(timeout=30)
    statuses = _deliver_at_once(month, 3)
    thread.join(timeout=60)
    assert errors == [] and statuses == [200] * 3
    active.refresh_from_db()
    assert active.status == Sponsorship.Status.CANCELLED
    assert Donation.objects.get(provider_payment_id=month).status == Donation.Status.PAID
    assert campaign_totals().raised == Decimal("30.00")


def _deliver_stripe_at_once(event: dict, count: int) -> list[int]:
    payload = json.dumps(event).encode()
    barrier = threading.Barrier(count)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def deliver():
        try:
            client = Client()
            barrier.wait(timeout=30)
            response = client.post(
                "/webhooks/stripe/",
                payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=sign(payload, WEBHOOK_SECRET),
            )
            statuses.append(response.status_code)
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return statuses


@pytest.fixture
def active_on_stripe(postgres, campaign, fake_stripe):
    donation, _url = start_sponsorship("card")
    _deliver_stripe_at_once(fake_stripe.complete_subscription(donation.provider_payment_id), 1)
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    return sponsorship


def test_it_records_one_donation_for_20_simultaneous_invoice_paid_events(
    active_on_stripe, fake_stripe, mailoutbox
):
    event = fake_stripe.charge_month(active_on_stripe.provider_subscription_id)
    invoice_id = event["data"]["object"]["id"]
    statuses = _deliver_stripe_at_once(event, DELIVERIES)
    assert statuses == [200] * DELIVERIES
    assert Donation.objects.filter(provider_payment_id=invoice_id).count() == 1
    assert Donation.objects.get(provider_payment_id=invoice_id).status_changes.count() == 1
    assert campaign_totals().raised == Decimal("30.00")
    assert [m.subject for m in mailoutbox].count("Receipt for your monthly sponsorship") == 1


def test_it_records_an_invoice_in_flight_and_stays_cancelled_on_stripe(
    active_on_stripe, fake_stripe, mailoutbox
):
    # Stripe had already invoiced and charged this month when the donor stopped.
    subscription_id = active_on_stripe.provider_subscription_id
    event = fake_stripe.charge_month(subscription_id)
    invoice_id = event["data"]["object"]["id"]
    stale = fake_stripe.subscription_event(subscription_id)  # sent while still active
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def cancel():
        try:
            barrier.wait(timeout=30)
            sponsorship_cancel(sponsorship_id=active_on_stripe.pk, reason="donor", source="donor")
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=cancel)
    thread.start()
    barrier.wait(timeout=30)
    statuses = _deliver_stripe_at_once(event, 3)
    thread.join(timeout=60)
    assert errors == [] and statuses == [200] * 3
    active_on_stripe.refresh_from_db()
    assert active_on_stripe.status == Sponsorship.Status.CANCELLED
    assert active_on_stripe.events.filter(to_status="cancelled").count() == 1
    assert fake_stripe.subscriptions[subscription_id]["status"] == "canceled"
    assert Donation.objects.get(provider_payment_id=invoice_id).status == Donation.Status.PAID
    assert campaign_totals().raised == Decimal("30.00")
    # Its customer.subscription.updated, sent before the stop, arrives late: the body says
    # "active", the re-fetched subscription "canceled"; nothing is revived.
    assert stale["data"]["object"]["status"] == "active"
    _deliver_stripe_at_once(stale, 1)
    active_on_stripe.refresh_from_db()
    assert active_on_stripe.status == Sponsorship.Status.CANCELLED


def test_it_counts_a_failed_invoice_once_when_delivered_20_times(
    active_on_stripe, fake_stripe, mailoutbox
):
    event = fake_stripe.fail_month(active_on_stripe.provider_subscription_id)
    _deliver_stripe_at_once(event, DELIVERIES)
    active_on_stripe.refresh_from_db()
    assert active_on_stripe.failure_count == 1
    assert [m.subject for m in mailoutbox].count(
        "This month's payment for your sponsorship did not go through"
    ) == 1


def _one_active_sponsorship_paid_once(first: Donation, event: dict, mailoutbox) -> Sponsorship:
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    assert sponsorship.events.filter(to_status="active").count() == 1
    # One first-month Donation, paid once: no second row, no second status change.
    assert Donation.objects.get() == first
    first.refresh_from_db()
    assert first.status == Donation.Status.PAID
    assert first.status_changes.filter(to_status=Donation.Status.PAID).count() == 1
    assert campaign_totals().raised == Decimal("15.00")
    deliveries = PaymentEvent.objects.filter(event_id=event["id"])
    assert deliveries.count() == DELIVERIES
    assert deliveries.filter(outcome=PaymentEvent.Outcome.APPLIED).count() == 1
    assert [m.subject for m in mailoutbox] == ["Thank you for your monthly sponsorship"]
    return sponsorship


def test_it_starts_one_sponsorship_for_20_simultaneous_checkout_completed_events(
    postgres, campaign, fake_stripe, mailoutbox
):
    first, _url = start_sponsorship("card")
    event = fake_stripe.complete_subscription(first.provider_payment_id)
    assert event["data"]["object"]["mode"] == "subscription"
    statuses = _deliver_stripe_at_once(event, DELIVERIES)
    assert statuses == [200] * DELIVERIES
    sponsorship = _one_active_sponsorship_paid_once(first, event, mailoutbox)
    session = fake_stripe.sessions[first.provider_payment_id]
    assert sponsorship.provider_subscription_id == session["subscription"]
    assert len(fake_stripe.subscriptions) == 1


def test_it_starts_one_sponsorship_for_20_simultaneous_first_sepa_invoice_paid_events(
    postgres, campaign, fake_stripe, settings, mailoutbox
):
    settings.STRIPE_SEPA_DEBIT = True
    first, _url = start_sponsorship("sepa_debit")
    session_id = first.provider_payment_id
    _deliver_stripe_at_once(fake_stripe.complete_subscription_delayed(session_id), 1)
    event = fake_stripe.settle_first_invoice(session_id)
    statuses = _deliver_stripe_at_once(event, DELIVERIES)
    assert statuses == [200] * DELIVERIES
    _one_active_sponsorship_paid_once(first, event, mailoutbox)
