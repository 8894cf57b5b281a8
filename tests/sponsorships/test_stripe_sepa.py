"""SEPA Direct Debit through Stripe for monthly sponsorships (STRIPE_SEPA_DEBIT).

A SEPA debit settles days after the checkout: checkout.session.completed arrives with
payment_status "unpaid", and the first invoice's invoice.paid or invoice.payment_failed
later. Against the fake Stripe API with the real SDK.
"""

import re

import pytest
from django.core.management import call_command

from ledger.models import Donation
from ledger.selectors import campaign_totals
from payments.models import PaymentEvent
from payments.providers import enabled_methods
from sponsorships.cancel import sponsorship_cancel
from sponsorships.models import Sponsorship
from tests.fakes.fixtures import fixture
from tests.gifts import form_data, post_stripe_event
from tests.payments.test_stripe import _get
from tests.sponsorships.helpers import start_sponsorship


@pytest.fixture
def sepa_on(settings, fake_stripe):
    settings.STRIPE_SEPA_DEBIT = True
    return fake_stripe


def _deliver(client, event, capture):
    with capture(execute=True):
        response = post_stripe_event(client, event)
    assert response.status_code == 200
    return PaymentEvent.objects.latest("pk")


@pytest.fixture
def signed_mandate(campaign, sepa_on, client, django_capture_on_commit_callbacks):
    """The donor chose SEPA Direct Debit and signed the mandate on Stripe's page."""
    donation, _url = start_sponsorship("sepa_debit")
    event = sepa_on.complete_subscription_delayed(donation.provider_payment_id)
    assert event["data"]["object"]["payment_status"] == "unpaid"
    _deliver(client, event, django_capture_on_commit_callbacks)
    donation.refresh_from_db()
    return donation


def _monthly(method: str, **overrides) -> dict:
    return form_data(method, frequency="monthly", preset="", monthly_preset="15", **overrides)


def test_it_is_off_unless_switched_on(settings, fake_stripe):
    assert "sepa_debit" not in enabled_methods()
    settings.STRIPE_SEPA_DEBIT = True
    assert enabled_methods()[:2] == ["card", "sepa_debit"]
    settings.STRIPE_SECRET_KEY = ""  # no Stripe, no SEPA through Stripe
    assert "sepa_debit" not in enabled_methods()


def test_the_form_offers_it_only_when_switched_on_and_only_for_monthly(
    client, campaign, fake_stripe, settings
):
    assert "SEPA Direct Debit" not in client.get("/en/donate/").content.decode()
    settings.STRIPE_SEPA_DEBIT = True
    html = client.get("/en/donate/").content.decode()
    # Shown by donate.css only while "monthly" is chosen (no script needed).
    assert 'class="method monthly-only" for="id_method_1"' in html
    assert 'value="sepa_debit"' in html and "SEPA Direct Debit" in html


def test_it_refuses_sepa_for_a_one_off_gift_and_changes_nothing(client, campaign, sepa_on):
    response = client.post("/en/donate/", form_data("sepa_debit", frequency="one_off"))
    assert response.status_code == 200
    assert "SEPA Direct Debit is for monthly sponsorships" in response.content.decode()
    assert not Donation.objects.exists() and not sepa_on.sessions


def test_it_refuses_sepa_when_switched_off_and_changes_nothing(client, campaign, fake_stripe):
    response = client.post("/en/donate/", _monthly("sepa_debit"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Sponsorship.objects.exists() and not fake_stripe.sessions


def test_the_form_starts_a_subscription_checkout_for_sepa_debit_only(client, campaign, sepa_on):
    response = client.post("/en/donate/", _monthly("sepa_debit"))
    sponsorship = Sponsorship.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(f"{sepa_on.url}/pay/cs_test_")
    assert sponsorship.method == Donation.Method.SEPA_DEBIT
    params = sepa_on.created_params[0]
    assert params["mode"] == "subscription"
    methods = {k: v for k, v in params.items() if "payment_method_types" in k}
    assert methods == {"allowed_payment_method_types[0]": "sepa_debit"}


def test_a_completed_but_unpaid_checkout_records_nothing_yet(signed_mandate, mailoutbox):
    sponsorship = signed_mandate.sponsorship
    assert signed_mandate.status == Donation.Status.PENDING
    assert sponsorship.status == Sponsorship.Status.PENDING
    assert campaign_totals().raised == 0
    assert mailoutbox == []  # no welcome for a month that may still bounce


def test_the_first_month_counts_once_its_invoice_is_paid(
    signed_mandate, sepa_on, client, django_capture_on_commit_callbacks, mailoutbox
):
    capture = django_capture_on_commit_callbacks
    session_id = signed_mandate.provider_payment_id
    paid = sepa_on.settle_first_invoice(session_id, fee_cents=35)
    assert _deliver(client, paid, capture).outcome == PaymentEvent.Outcome.APPLIED
    signed_mandate.refresh_from_db()
    assert signed_mandate.status == Donation.Status.PAID
    assert signed_mandate.fee is not None and str(signed_mandate.fee) == "0.35"
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    assert sponsorship.provider_subscription_id == sepa_on.sessions[session_id]["subscription"]
    assert campaign_totals().raised == 15
    # Stripe's other word for the same money, and a replay: nothing more.
    succeeded = sepa_on.session_event(session_id, "checkout.session.async_payment_succeeded")
    assert _deliver(client, succeeded, capture).outcome == PaymentEvent.Outcome.UNCHANGED
    assert _deliver(client, paid, capture).outcome == PaymentEvent.Outcome.DUPLICATE
    assert Donation.objects.count() == 1
    assert signed_mandate.status_changes.filter(to_status="paid").count() == 1
    assert [m.subject for m in mailoutbox] == ["Thank you for your monthly sponsorship"]

    # Later months are debited too, and recorded as SEPA debits.
    month = sepa_on.charge_month(sponsorship.provider_subscription_id)
    _deliver(client, month, capture)
    recorded = Donation.objects.get(provider_payment_id=month["data"]["object"]["id"])
    assert recorded.method == Donation.Method.SEPA_DEBIT
    assert recorded.status == Donation.Status.PAID
    assert campaign_totals().raised == 30


def test_async_payment_succeeded_before_invoice_paid_counts_the_month_once(
    signed_mandate, sepa_on, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    session_id = signed_mandate.provider_payment_id
    paid = sepa_on.settle_first_invoice(session_id)
    succeeded = sepa_on.session_event(session_id, "checkout.session.async_payment_succeeded")
    _deliver(client, succeeded, capture)
    _deliver(client, paid, capture)
    assert campaign_totals().raised == 15
    assert Sponsorship.objects.get().status == Sponsorship.Status.ACTIVE
    assert signed_mandate.status_changes.filter(to_status="paid").count() == 1


def test_a_bounced_first_debit_records_a_failed_month_and_starts_nothing(
    signed_mandate, sepa_on, client, django_capture_on_commit_callbacks, mailoutbox
):
    capture = django_capture_on_commit_callbacks
    session_id = signed_mandate.provider_payment_id
    failed = sepa_on.fail_first_invoice(session_id, code="insufficient_funds")
    _deliver(client, failed, capture)
    signed_mandate.refresh_from_db()
    assert signed_mandate.status == Donation.Status.FAILED
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.status == Sponsorship.Status.PENDING
    assert sponsorship.failure_count == 0  # a first payment is not a failed month
    async_failed = sepa_on.session_event(session_id, "checkout.session.async_payment_failed")
    _deliver(client, async_failed, capture)
    _deliver(client, failed, capture)  # replayed: told once
    assert campaign_totals().raised == 0
    # The donor left our page days ago believing it started: told once, with a retry.
    (mail,) = mailoutbox
    assert mail.subject == "The first payment for your sponsorship did not go through"
    assert "Your bank did not pay the first month of your sponsorship, €15.00" in mail.body
    assert "your sponsorship has not started" in mail.body
    assert f"https://donar.example.org/en/donate/?retry={signed_mandate.public_id}" in mail.body
    assert "/stop/" not in mail.body  # nothing to stop
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.PENDING
    assert sponsorship.last_failure_code == "insufficient_funds"


def test_a_bounced_first_debit_reported_by_the_session_first_is_told_once(
    signed_mandate, sepa_on, client, django_capture_on_commit_callbacks, mailoutbox
):
    capture = django_capture_on_commit_callbacks
    session_id = signed_mandate.provider_payment_id
    failed = sepa_on.fail_first_invoice(session_id, code="insufficient_funds")
    async_failed = sepa_on.session_event(session_id, "checkout.session.async_payment_failed")
    _deliver(client, async_failed, capture)
    signed_mandate.refresh_from_db()
    assert signed_mandate.status == Donation.Status.FAILED
    _deliver(client, failed, capture)
    _deliver(client, failed, capture)
    assert [m.subject for m in mailoutbox] == [
        "The first payment for your sponsorship did not go through"
    ]


def test_a_lost_invoice_paid_is_recovered_by_sync_payments(
    signed_mandate, sepa_on, django_capture_on_commit_callbacks
):
    sepa_on.settle_first_invoice(signed_mandate.provider_payment_id)  # its webhook is lost
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sync_payments", older_than=0)
    signed_mandate.refresh_from_db()
    assert signed_mandate.status == Donation.Status.PAID
    assert Sponsorship.objects.get().status == Sponsorship.Status.ACTIVE


def test_a_sponsorship_cancelled_before_its_first_debit_settles_is_stopped_at_stripe(
    signed_mandate, sepa_on, client, django_capture_on_commit_callbacks, mailoutbox
):
    sponsorship = signed_mandate.sponsorship
    sponsorship_cancel(sponsorship_id=sponsorship.pk, reason="treasurer", source="admin")
    session_id = signed_mandate.provider_payment_id
    _deliver(client, sepa_on.settle_first_invoice(session_id), django_capture_on_commit_callbacks)
    signed_mandate.refresh_from_db()
    # The money arrived, so it is in the books; but no month follows.
    assert signed_mandate.status == Donation.Status.PAID
    subscription_id = sepa_on.sessions[session_id]["subscription"]
    assert sepa_on.subscriptions[subscription_id]["status"] == "canceled"
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.CANCELLED
    assert sponsorship.provider_subscription_id == subscription_id
    assert [m.subject for m in mailoutbox] == []


def test_its_fake_answers_a_sepa_checkout_with_the_shapes_of_stripes_examples(
    signed_mandate, sepa_on
):
    session_id = signed_mandate.provider_payment_id
    session = _get(sepa_on, f"/v1/checkout/sessions/{session_id}?expand[0]=subscription")
    assert set(session) == set(fixture("stripe/checkout_session"))
    assert session["payment_method_types"] == ["sepa_debit"]
    assert (session["status"], session["payment_status"]) == ("complete", "unpaid")
    assert session["subscription"]["status"] == "incomplete"
    failed = sepa_on.fail_first_invoice(session_id, code="debit_not_authorized")
    assert set(failed["data"]["object"]) == set(fixture("stripe/invoice"))
    invoice = _get(sepa_on, f"/v1/invoices/{failed['data']['object']['id']}?expand[0]=payments")
    intent_id = invoice["payments"]["data"][0]["payment"]["payment_intent"]
    intent = _get(sepa_on, f"/v1/payment_intents/{intent_id}")
    assert set(intent) == set(fixture("stripe/payment_intent"))
    assert intent["payment_method_types"] == ["sepa_debit"]
    assert intent["last_payment_error"]["code"] == "debit_not_authorized"


def test_trying_again_after_a_bounced_first_debit_comes_back_monthly_by_sepa(
    signed_mandate, sepa_on, client, django_capture_on_commit_callbacks
):
    failed = sepa_on.fail_first_invoice(signed_mandate.provider_payment_id)
    _deliver(client, failed, django_capture_on_commit_callbacks)
    html = client.get(f"/en/donate/?retry={signed_mandate.public_id}").content.decode()
    checked = re.findall(r'<input type="radio" name="(\w+)" value="([^"]*)"[^>]*checked', html)
    assert ("frequency", "monthly") in checked
    assert ("method", "sepa_debit") in checked
    assert ("monthly_preset", "15") in checked
    assert not [value for name, value in checked if name == "preset"]
