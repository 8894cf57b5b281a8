"""Erasure empties the stored webhook bodies of the donor's monthly gift too: at Stripe a
subscription's events carry the customer's name and email. A replay after erasure still
counts nothing twice."""

from decimal import Decimal

import pytest

from ledger.models import Donation
from ledger.selectors import campaign_totals
from mygifts.your_data import donor_erase
from payments.models import PaymentEvent
from sponsorships.models import Sponsorship
from tests.gifts import post_stripe_event
from tests.sponsorships.helpers import start_sponsorship

# The donor's page offers the demo checkout when demo payments are on.
pytestmark = pytest.mark.usefixtures("demo_payments_on")

NAME, EMAIL = "Camila Rojas", "camila@example.org"


def _with_customer(event: dict) -> dict:
    """What Stripe puts in an invoice or a subscription's event: the customer's details."""
    obj = event["data"]["object"]
    if obj.get("object") == "invoice":
        obj.update(customer_email=EMAIL, customer_name=NAME)
    elif obj.get("object") == "customer":
        obj.update(email=EMAIL, name=NAME)
    else:
        obj["metadata"] = {**(obj.get("metadata") or {}), "note": f"{NAME} <{EMAIL}>"}
    return event


@pytest.fixture
def stopped_sponsorship(campaign, fake_stripe, client, django_capture_on_commit_callbacks):
    """A €15 monthly sponsorship by card, two months paid, then cancelled at Stripe; every
    event as Stripe sends it, with the customer's name and email."""

    def deliver(event):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_stripe_event(client, _with_customer(event)).status_code == 200
        return event

    first, _url = start_sponsorship("card", donor_email=EMAIL, donor_name=NAME)
    events = [deliver(fake_stripe.complete_subscription(first.provider_payment_id))]
    sponsorship = Sponsorship.objects.get(pk=first.sponsorship_id)
    subscription = sponsorship.provider_subscription_id
    customer = {"id": sponsorship.provider_customer_id, "object": "customer"}
    # Types the site ignores are kept too, if the endpoint sends them (signed: from Stripe).
    events.append(deliver(fake_stripe._event("customer.updated", customer)))
    events.append(deliver(fake_stripe.charge_month(subscription)))
    # The next month's renewal: Stripe names the new draft invoice, no gift of ours yet.
    renewal = fake_stripe.subscription_event(subscription)
    renewal["data"]["object"]["latest_invoice"] = "in_draft_of_next_month"
    events.append(deliver(renewal))
    events.append(deliver(fake_stripe.cancel(subscription)))
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.CANCELLED
    stored = PaymentEvent.objects.exclude(payload="")
    assert stored.count() == len(events)
    assert stored.filter(payload__contains=EMAIL).count() == len(events)
    assert stored.filter(payload__contains=subscription).count() >= 3
    return sponsorship, events


def test_erasure_empties_every_body_of_the_donors_sponsorship(stopped_sponsorship):
    sponsorship, events = stopped_sponsorship
    donor_erase(donor_id=sponsorship.donor_id)
    left = PaymentEvent.objects.exclude(payload="")
    assert list(left.values_list("event_type", flat=True)) == []
    for value in (EMAIL, NAME, sponsorship.provider_customer_id):
        assert not PaymentEvent.objects.filter(payload__contains=value).exists()
    # What each event was and what it did stays: the trail of the money, without the person.
    kept = PaymentEvent.objects.order_by("received_at", "id")
    assert [e.event_id for e in kept] == [e["id"] for e in events]
    assert all(e.outcome in ("applied", "unchanged", "ignored") for e in kept)


def test_a_replay_after_erasure_still_counts_nothing_twice(
    stopped_sponsorship, client, django_capture_on_commit_callbacks
):
    sponsorship, events = stopped_sponsorship
    donor_erase(donor_id=sponsorship.donor_id)
    totals, gifts = campaign_totals(), Donation.objects.count()
    assert totals.raised == Decimal("30.00")
    for event in events:
        with django_capture_on_commit_callbacks(execute=True):
            response = post_stripe_event(client, _with_customer(event))
        assert response.status_code == 200
        assert response.content.decode().strip() in ("duplicate", "ignored")
    assert campaign_totals() == totals and Donation.objects.count() == gifts
