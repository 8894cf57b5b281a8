"""Monthly sponsorship through Mollie, against the fake Mollie API with the real SDK."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ledger.models import Donation, Refund
from ledger.selectors import campaign_totals
from payments.models import PaymentEvent
from sponsorships.models import Sponsorship
from tests.gifts import post_mollie_webhook
from tests.sponsorships.helpers import start_sponsorship


@pytest.fixture
def sponsoring(campaign, fake_mollie, client, django_capture_on_commit_callbacks):
    """A donor started a €15 monthly sponsorship by iDEAL and paid the first month."""
    donation, url = start_sponsorship("ideal")
    paid_at = datetime(2025, 1, 31, 10, 0, tzinfo=UTC)
    fake_mollie.pay_first(donation.provider_payment_id, paid_at=paid_at)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_mollie_webhook(client, donation.provider_payment_id).status_code == 200
    return Sponsorship.objects.get(pk=donation.sponsorship_id)


def _deliver(client, payment_id, capture):
    with capture(execute=True):
        assert post_mollie_webhook(client, payment_id).status_code == 200


def test_it_starts_with_a_customer_and_a_first_payment(campaign, fake_mollie):
    donation, url = start_sponsorship("ideal")
    assert url == f"{fake_mollie.url}/checkout/{donation.provider_payment_id}"
    body = fake_mollie.created_bodies[0]
    assert body["sequenceType"] == "first" and body["method"] == "ideal"
    assert body["metadata"] == {"sponsorship": str(donation.sponsorship.public_id)}
    customer = fake_mollie.customers[donation.sponsorship.provider_customer_id]
    # The donor's name and email stay with the foundation.
    assert customer["name"] is None and customer["email"] is None
    assert fake_mollie.payments[donation.provider_payment_id]["customerId"] == customer["id"]


def test_it_creates_the_subscription_once_after_the_first_payment(
    sponsoring, fake_mollie, client, django_capture_on_commit_callbacks, mailoutbox
):
    assert sponsoring.status == Sponsorship.Status.ACTIVE
    assert list(fake_mollie.subscriptions) == [sponsoring.provider_subscription_id]
    body = fake_mollie.subscription_bodies[0]
    assert body["amount"] == {"currency": "EUR", "value": "15.00"}
    assert body["interval"] == "1 month"
    # One month after 31 January (Amsterdam), clamped to February's last day.
    assert body["startDate"] == "2025-02-28"
    assert body["metadata"] == {"sponsorship": str(sponsoring.public_id)}
    assert body["mandateId"] == sponsoring.provider_mandate_id != ""
    assert body["webhookUrl"] == "https://donar.example.org/webhooks/mollie/"
    assert body["Idempotency-Key"] == f"sponsorship-{sponsoring.public_id}-subscription"
    assert sponsoring.started_on is not None
    # The first payment reported again (webhook, return page) creates nothing more.
    _deliver(
        client, sponsoring.first_donation.provider_payment_id, django_capture_on_commit_callbacks
    )
    assert fake_mollie.calls("POST", f"/v2/customers/{sponsoring.provider_customer_id}/subscr") == 1
    assert [m.subject for m in mailoutbox] == ["Thank you for your monthly sponsorship"]


def test_it_lives_a_whole_sponsorship(
    sponsoring, fake_mollie, client, django_capture_on_commit_callbacks, mailoutbox
):
    capture = django_capture_on_commit_callbacks
    subscription = sponsoring.provider_subscription_id
    assert campaign_totals().raised == Decimal("15.00")

    first = fake_mollie.charge_month(subscription)
    _deliver(client, first, capture)
    second = fake_mollie.charge_month(subscription, status="pending")
    _deliver(client, second, capture)
    assert campaign_totals().raised == Decimal("30.00")  # pending counts nothing yet
    fake_mollie.fail_month(second, code="MS02", reason="Refused by debtor")
    _deliver(client, second, capture)
    _deliver(client, second, capture)  # the failure reported twice is counted once
    third = fake_mollie.charge_month(subscription)
    _deliver(client, third, capture)
    assert campaign_totals().raised == Decimal("45.00")

    months = Donation.objects.filter(sponsorship=sponsoring).exclude(
        pk=sponsoring.first_donation_id
    )
    assert {d.provider_payment_id: d.status for d in months} == {
        first: "paid",
        second: "failed",
        third: "paid",
    }
    assert all(d.donor_id == sponsoring.donor_id and d.frequency == "monthly" for d in months)
    sponsoring.refresh_from_db()
    assert sponsoring.last_failure_code == "MS02"
    assert sponsoring.last_failure_reason == "Refused by debtor"
    assert sponsoring.status == Sponsorship.Status.ACTIVE  # one failed month is not two
    failure = [m for m in mailoutbox if "did not go through" in m.subject]
    assert len(failure) == 1 and "MS02" in failure[0].body

    fake_mollie.chargeback(first, "15.00")
    _deliver(client, first, capture)
    assert Refund.objects.get().kind == Refund.Kind.CHARGEBACK
    assert campaign_totals().raised == Decimal("30.00")

    link = re.search(r"https://donar.example.org(/\S+/stop/)", mailoutbox[-1].body).group(1)
    with capture(execute=True):
        assert client.post(link).status_code == 302
    sponsoring.refresh_from_db()
    assert sponsoring.status == Sponsorship.Status.CANCELLED
    assert fake_mollie.subscriptions[subscription]["status"] == "canceled"
    with capture(execute=True):
        assert client.post(link).status_code == 302  # twice: harmless
    assert mailoutbox[-1].subject == "Your monthly sponsorship has stopped"
    assert campaign_totals().raised == Decimal("30.00")


def test_it_records_mollies_fee_on_every_month(
    sponsoring, fake_mollie, client, django_capture_on_commit_callbacks
):
    month = fake_mollie.charge_month(sponsoring.provider_subscription_id)
    fake_mollie.set_status(month, "paid", settlement="14.61")
    _deliver(client, month, django_capture_on_commit_callbacks)
    fees = dict(Donation.objects.filter(sponsorship=sponsoring).values_list("pk", "fee"))
    # The first month as Mollie's example settles it (all of it), the second less its fee.
    assert fees == {
        sponsoring.first_donation_id: Decimal("0.00"),
        Donation.objects.get(provider_payment_id=month).pk: Decimal("0.39"),
    }


def test_it_suspends_when_the_bank_says_the_mandate_is_gone(
    sponsoring, fake_mollie, client, django_capture_on_commit_callbacks, mailoutbox
):
    payment = fake_mollie.charge_month(sponsoring.provider_subscription_id, status="pending")
    fake_mollie.fail_month(payment, code="AC04", reason="Account closed")
    _deliver(client, payment, django_capture_on_commit_callbacks)
    sponsoring.refresh_from_db()
    assert sponsoring.status == Sponsorship.Status.SUSPENDED
    # No more debits on a closed account: stopped at Mollie too.
    assert fake_mollie.subscriptions[sponsoring.provider_subscription_id]["status"] == "canceled"
    assert mailoutbox[-1].subject == "Your monthly sponsorship is paused"
    call_command("sync_subscriptions")  # our own stop at Mollie is not the donor's
    sponsoring.refresh_from_db()
    assert sponsoring.status == Sponsorship.Status.SUSPENDED


def test_it_recovers_a_lost_monthly_webhook_with_sync_subscriptions(
    sponsoring, fake_mollie, django_capture_on_commit_callbacks
):
    lost = fake_mollie.charge_month(sponsoring.provider_subscription_id)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sync_subscriptions")
        call_command("sync_subscriptions")  # idempotent
    month = Donation.objects.get(provider_payment_id=lost)
    assert month.status == Donation.Status.PAID and month.sponsorship_id == sponsoring.pk
    assert campaign_totals().raised == Decimal("30.00")


def test_it_reads_a_suspension_at_mollie_with_sync_subscriptions(sponsoring, fake_mollie):
    fake_mollie.invalidate_mandate(sponsoring.provider_mandate_id)
    call_command("sync_subscriptions")
    sponsoring.refresh_from_db()
    assert sponsoring.status == Sponsorship.Status.SUSPENDED


def test_sync_subscriptions_exits_non_zero_when_mollie_is_down(sponsoring, fake_mollie):
    fake_mollie.down = True
    with pytest.raises(CommandError, match="mollie"):
        call_command("sync_subscriptions")


def test_it_answers_503_for_an_unknown_payment_while_mollie_is_down(client, campaign, fake_mollie):
    fake_mollie.down = True
    assert post_mollie_webhook(client, "tr_maybeamonth").status_code == 503
    assert PaymentEvent.objects.get().outcome == PaymentEvent.Outcome.FAILED
    assert Donation.objects.count() == 0


def test_it_still_answers_200_for_a_payment_that_is_not_ours(client, campaign, fake_mollie):
    assert post_mollie_webhook(client, "tr_notours123").status_code == 200
    assert PaymentEvent.objects.get().outcome == PaymentEvent.Outcome.UNKNOWN
