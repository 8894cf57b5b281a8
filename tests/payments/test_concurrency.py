"""Webhooks delivered at the same moment, each on its own database connection."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from ledger.models import Donation, Refund
from ledger.selectors import campaign_totals
from payments import services as payments
from payments.models import PaymentEvent, StatusChange
from tests.gifts import form_data

DELIVERIES = 20

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _deliver_at_once(payment_id: str, count: int) -> list[int]:
    barrier = threading.Barrier(count)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def deliver():
        try:
            client = Client()
            barrier.wait(timeout=30)
            statuses.append(client.post("/webhooks/mollie/", {"id": payment_id}).status_code)
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
def paid_at_mollie(postgres, campaign, fake_mollie):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/en/donate/", form_data("ideal", other_amount="33.33"))
    donation = Donation.objects.get()
    fake_mollie.set_status(donation.provider_payment_id, "paid")
    return donation


def test_it_applies_20_simultaneous_paid_webhooks_exactly_once(paid_at_mollie, mailoutbox):
    donation = paid_at_mollie
    statuses = _deliver_at_once(donation.provider_payment_id, DELIVERIES)
    assert statuses == [200] * DELIVERIES
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    paid = StatusChange.objects.filter(donation=donation, to_status=Donation.Status.PAID)
    assert paid.count() == 1
    assert campaign_totals().raised == Decimal("33.33")
    assert Donation.objects.paid().count() == 1
    assert PaymentEvent.objects.count() == DELIVERIES
    assert PaymentEvent.objects.filter(outcome=PaymentEvent.Outcome.APPLIED).count() == 1
    assert len(mailoutbox) == 1


def test_it_records_a_refund_once_when_reported_concurrently(paid_at_mollie, fake_mollie):
    donation = paid_at_mollie
    _deliver_at_once(donation.provider_payment_id, 2)
    fake_mollie.refund(donation.provider_payment_id, "3.33")
    statuses = _deliver_at_once(donation.provider_payment_id, DELIVERIES)
    assert statuses == [200] * DELIVERIES
    assert Refund.objects.count() == 1
    assert campaign_totals().raised == Decimal("30.00")


@pytest.mark.postgres
def test_it_records_the_payment_more_than_once_without_the_row_lock(paid_at_mollie, monkeypatch):
    """The control for the test above, as pretix keeps one: take the lock away and the
    race shows, so the 'exactly once' test is able to fail."""

    def read_without_lock(provider, payment_id):
        donation = Donation.objects.filter(
            provider=provider, provider_payment_id=payment_id
        ).first()
        # Hold the unlocked window open: the other deliveries read "open" meanwhile.
        time.sleep(0.3)
        return donation

    monkeypatch.setattr(payments, "_donation_for_update", read_without_lock)
    donation = paid_at_mollie
    statuses = _deliver_at_once(donation.provider_payment_id, DELIVERIES)
    assert statuses == [200] * DELIVERIES
    paid = StatusChange.objects.filter(donation=donation, to_status=Donation.Status.PAID)
    assert paid.count() > 1  # 17 of 20 when this was written
    assert PaymentEvent.objects.filter(outcome=PaymentEvent.Outcome.APPLIED).count() > 1
