"""When Stripe gives up on a failed month: `unpaid`, or cancelled for failed payments.

While Stripe retries (past_due) the sponsorship shows suspended without a word (the failure
email went). Once its retries are spent, the donor gets the suspension email, with the
restart link, once: however often Stripe or sync_subscriptions report it.
"""

import pytest
from django.core.management import call_command

from payments.models import PaymentEvent
from sponsorships.models import Sponsorship, SponsorshipMail
from tests.gifts import post_stripe_event
from tests.sponsorships.helpers import start_sponsorship

PAUSED = "Your monthly sponsorship is paused"
STOPPED = "Your monthly sponsorship has stopped"
FAILED = "This month's payment for your sponsorship did not go through"


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    def post(event: dict) -> PaymentEvent:
        with django_capture_on_commit_callbacks(execute=True):
            assert post_stripe_event(client, event).status_code == 200
        return PaymentEvent.objects.latest("pk")

    return post


@pytest.fixture
def sponsoring(campaign, fake_stripe, deliver):
    donation, _url = start_sponsorship("card")
    deliver(fake_stripe.complete_subscription(donation.provider_payment_id))
    return Sponsorship.objects.get(pk=donation.sponsorship_id)


@pytest.fixture
def past_due(sponsoring, fake_stripe, deliver, mailoutbox):
    """A month was declined; Stripe is retrying it."""
    subscription = sponsoring.provider_subscription_id
    deliver(fake_stripe.fail_month(subscription))
    deliver(fake_stripe.subscription_event(subscription))
    sponsoring.refresh_from_db()
    assert sponsoring.status == Sponsorship.Status.SUSPENDED
    assert [m.subject for m in mailoutbox] == ["Thank you for your monthly sponsorship", FAILED]
    return sponsoring


def _subjects(mailoutbox) -> list[str]:
    return [m.subject for m in mailoutbox]


def test_unpaid_after_the_retries_sends_the_suspension_email_once(
    past_due, fake_stripe, deliver, mailoutbox, django_capture_on_commit_callbacks
):
    event = fake_stripe.give_up(past_due.provider_subscription_id, then="unpaid")
    assert deliver(event).outcome == PaymentEvent.Outcome.UNCHANGED  # still suspended
    past_due.refresh_from_db()
    assert past_due.status == Sponsorship.Status.SUSPENDED
    assert _subjects(mailoutbox).count(PAUSED) == 1
    paused = next(m for m in mailoutbox if m.subject == PAUSED)
    assert "https://donar.example.org/en/donate/?frequency=monthly&amount=15.00" in paused.body

    # The same event replayed, a fresh event saying the same, and the reconciliation.
    assert deliver(event).outcome == PaymentEvent.Outcome.DUPLICATE
    deliver(fake_stripe.subscription_event(past_due.provider_subscription_id))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sync_subscriptions")
    assert _subjects(mailoutbox).count(PAUSED) == 1
    assert SponsorshipMail.objects.filter(kind="suspended").count() == 1


def test_cancelled_for_failed_payments_sends_the_suspension_email_not_the_stop(
    past_due, fake_stripe, deliver, mailoutbox
):
    event = fake_stripe.give_up(past_due.provider_subscription_id, then="canceled")
    assert event["type"] == "customer.subscription.deleted"
    deliver(event)
    deliver(event)
    past_due.refresh_from_db()
    assert past_due.status == Sponsorship.Status.CANCELLED
    assert past_due.cancel_reason == Sponsorship.CancelReason.PROVIDER
    assert _subjects(mailoutbox).count(PAUSED) == 1
    assert STOPPED not in _subjects(mailoutbox)


def test_unpaid_then_cancelled_for_the_same_failures_tells_the_donor_once(
    past_due, fake_stripe, deliver, mailoutbox
):
    subscription = past_due.provider_subscription_id
    deliver(fake_stripe.give_up(subscription, then="unpaid"))
    deliver(fake_stripe.give_up(subscription, then="canceled"))
    past_due.refresh_from_db()
    assert past_due.status == Sponsorship.Status.CANCELLED
    assert _subjects(mailoutbox).count(PAUSED) == 1
    assert STOPPED not in _subjects(mailoutbox)


def test_giving_up_without_a_past_due_seen_before_still_tells_the_donor_once(
    sponsoring, fake_stripe, deliver, mailoutbox
):
    # The invoice.payment_failed and past_due events were lost; only the end arrives.
    fake_stripe.fail_month(sponsoring.provider_subscription_id)
    event = fake_stripe.give_up(sponsoring.provider_subscription_id, then="canceled")
    deliver(event)
    deliver(fake_stripe.subscription_event(sponsoring.provider_subscription_id))
    sponsoring.refresh_from_db()
    assert sponsoring.status == Sponsorship.Status.CANCELLED
    assert _subjects(mailoutbox).count(PAUSED) == 1
    assert STOPPED not in _subjects(mailoutbox)


def test_a_lost_unpaid_event_is_found_by_sync_subscriptions_once(
    past_due, fake_stripe, mailoutbox, django_capture_on_commit_callbacks
):
    fake_stripe.give_up(past_due.provider_subscription_id, then="unpaid")  # webhook lost
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sync_subscriptions")
        call_command("sync_subscriptions")
    assert _subjects(mailoutbox).count(PAUSED) == 1


def test_a_second_suspension_gets_its_own_email(past_due, fake_stripe, deliver, mailoutbox):
    subscription = past_due.provider_subscription_id
    deliver(fake_stripe.give_up(subscription, then="unpaid"))
    # The donor paid the open invoice; Stripe is active again, then gives up once more.
    failed_invoice = fake_stripe.subscriptions[subscription]["latest_invoice"]
    deliver(fake_stripe.retry_paid(failed_invoice))
    deliver(fake_stripe.subscription_event(subscription))
    past_due.refresh_from_db()
    assert past_due.status == Sponsorship.Status.ACTIVE
    deliver(fake_stripe.fail_month(subscription))
    deliver(fake_stripe.give_up(subscription, then="unpaid"))
    assert _subjects(mailoutbox).count(PAUSED) == 2


def test_a_cancel_requested_at_stripe_is_still_the_stop_email(
    sponsoring, fake_stripe, deliver, mailoutbox
):
    deliver(fake_stripe.cancel(sponsoring.provider_subscription_id))
    assert STOPPED in _subjects(mailoutbox) and PAUSED not in _subjects(mailoutbox)
