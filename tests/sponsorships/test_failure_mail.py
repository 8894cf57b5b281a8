"""The failed-month email speaks of the card or of the bank, as the sponsor pays.

A card (Stripe, or Mollie's creditcard among "other methods") is declined or has expired,
and the donor renews it with the restart link; a debit (iDEAL's mandate, SEPA Direct Debit)
is refused by the bank. Each email goes out in the donor's language.
"""

import re

import pytest
from django.utils import translation

from ledger.models import Donation
from sponsorships.failures import bank_reason
from sponsorships.models import Sponsorship
from tests.gifts import post_mollie_webhook, post_stripe_event
from tests.sponsorships.helpers import start_sponsorship

SITE = "https://donar.example.org"
STOP_LINK = re.compile(rf"{SITE}/(\w\w)/\S+/stop/")
RESTART_LINK = f"{SITE}/%s/donate/?frequency=monthly&amount=15.00"


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _failure_mails(mailoutbox, subject: str) -> list:
    return [m for m in mailoutbox if m.subject == subject]


def _stripe_sponsor(client, fake_stripe, capture, method: str, language: str) -> Sponsorship:
    donation, _url = start_sponsorship(method, language=language)
    session_id = donation.provider_payment_id
    if method == "card":
        events = [fake_stripe.complete_subscription(session_id)]
    else:
        events = [
            fake_stripe.complete_subscription_delayed(session_id),
            fake_stripe.settle_first_invoice(session_id),
        ]
    for event in events:
        with capture():
            assert post_stripe_event(client, event).status_code == 200
    sponsorship = Sponsorship.objects.get(pk=donation.sponsorship_id)
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    return sponsorship


def _stripe_month_fails(client, fake_stripe, capture, sponsorship, code: str):
    event = fake_stripe.fail_month(sponsorship.provider_subscription_id, code=code)
    for _delivery in range(2):  # a replay sends nothing more
        with capture():
            assert post_stripe_event(client, event).status_code == 200


def test_a_card_sponsor_hears_of_a_declined_card_and_how_to_renew_it(
    campaign, fake_stripe, client, capture, mailoutbox
):
    sponsorship = _stripe_sponsor(client, fake_stripe, capture, "card", "en")
    _stripe_month_fails(client, fake_stripe, capture, sponsorship, "expired_card")
    (mail,) = _failure_mails(
        mailoutbox, "This month's payment for your sponsorship did not go through"
    )
    body = mail.body
    assert "Your card was declined for this month's €15.00" in body
    assert "The card issuer's reason: expired_card" in body
    assert "bank" not in body.lower()
    # Renewing: first stop this one (so the old card is never charged again), then restart.
    stop = STOP_LINK.search(body)
    restart = body.index(RESTART_LINK % "en")
    assert stop and stop.start() < restart


def test_a_card_sponsor_gets_it_in_their_own_language(
    campaign, fake_stripe, client, capture, mailoutbox
):
    sponsorship = _stripe_sponsor(client, fake_stripe, capture, "card", "es")
    _stripe_month_fails(client, fake_stripe, capture, sponsorship, "card_declined")
    (mail,) = _failure_mails(mailoutbox, "El pago de este mes de tu apadrinamiento no se completó")
    assert mail.body.startswith("Estimada/o Camila:")
    assert "card_declined" in mail.body
    assert STOP_LINK.search(mail.body).group(1) == "es"
    assert RESTART_LINK % "es" in mail.body
    assert "Motivo de tu banco" not in mail.body  # the bank variant's words


def test_a_stripe_sepa_sponsor_hears_that_the_bank_did_not_pay(
    campaign, fake_stripe, settings, client, capture, mailoutbox
):
    settings.STRIPE_SEPA_DEBIT = True
    sponsorship = _stripe_sponsor(client, fake_stripe, capture, "sepa_debit", "nl")
    _stripe_month_fails(client, fake_stripe, capture, sponsorship, "insufficient_funds")
    (mail,) = _failure_mails(
        mailoutbox, "De betaling van deze maand voor je sponsoring is niet gelukt"
    )
    assert mail.body.startswith("Beste Camila,")
    assert "Reden van je bank: insufficient_funds" in mail.body
    assert STOP_LINK.search(mail.body).group(1) == "nl"
    # Stripe retries the month and suspends by itself: we promise no count of our own.
    assert "twee maanden" not in mail.body and "two months" not in mail.body
    assert "/donate/" not in mail.body  # no restart offered while the mandate stands


def _mollie_sponsor(client, fake_mollie, capture, method: str, paid_by: str, language: str):
    donation, _url = start_sponsorship(method, language=language)
    fake_mollie.pay_first(donation.provider_payment_id, method=paid_by)
    with capture():
        assert post_mollie_webhook(client, donation.provider_payment_id).status_code == 200
    return Sponsorship.objects.get(pk=donation.sponsorship_id)


def _mollie_month_fails(client, fake_mollie, capture, sponsorship, code: str, reason: str):
    month = fake_mollie.charge_month(sponsorship.provider_subscription_id, status="pending")
    fake_mollie.fail_month(month, code=code, reason=reason)
    for _delivery in range(2):
        with capture():
            assert post_mollie_webhook(client, month).status_code == 200
    return Donation.objects.get(provider_payment_id=month)


def test_a_mollie_sponsor_paying_by_creditcard_hears_of_the_card(
    campaign, fake_mollie, client, capture, mailoutbox
):
    # "Bancontact and other methods": the donor chose a card on Mollie's page.
    sponsorship = _mollie_sponsor(client, fake_mollie, capture, "mollie", "creditcard", "nl")
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    assert sponsorship.method == Donation.Method.CARD  # learnt from Mollie's first payment
    month = _mollie_month_fails(
        client, fake_mollie, capture, sponsorship, "card_expired", "The card has expired"
    )
    assert month.method == Donation.Method.CARD
    (mail,) = _failure_mails(
        mailoutbox, "De betaling van deze maand voor je sponsoring is niet gelukt"
    )
    assert "card_expired (The card has expired)" in mail.body
    assert RESTART_LINK % "nl" in mail.body
    assert "Reden van je bank" not in mail.body


def test_a_mollie_sponsor_paying_by_ideal_hears_that_the_bank_did_not_pay(
    campaign, fake_mollie, client, capture, mailoutbox
):
    sponsorship = _mollie_sponsor(client, fake_mollie, capture, "ideal", "ideal", "es")
    assert sponsorship.method == Donation.Method.IDEAL
    _mollie_month_fails(client, fake_mollie, capture, sponsorship, "AM04", "Insufficient funds")
    (mail,) = _failure_mails(mailoutbox, "El pago de este mes de tu apadrinamiento no se completó")
    with translation.override("es"):
        # The reason in the donor's words (Mollie's bankReason is English), with its code.
        assert f"Motivo de tu banco: {bank_reason('AM04')} (AM04)" in mail.body
    assert "Insufficient funds" not in mail.body
    assert "/donate/" not in mail.body


def test_other_methods_paid_by_ideal_stay_a_debit(campaign, fake_mollie, client, capture):
    sponsorship = _mollie_sponsor(client, fake_mollie, capture, "mollie", "ideal", "en")
    assert sponsorship.method == Donation.Method.OTHER_ONLINE
    assert not sponsorship.pays_by_card


def test_a_mollie_sponsor_hears_of_the_pause_only_while_it_is_still_ahead(
    campaign, fake_mollie, client, capture, mailoutbox
):
    sponsorship = _mollie_sponsor(client, fake_mollie, capture, "ideal", "ideal", "en")
    subject = "This month's payment for your sponsorship did not go through"
    _mollie_month_fails(client, fake_mollie, capture, sponsorship, "AM04", "Insufficient funds")
    (first,) = _failure_mails(mailoutbox, subject)
    assert "Your bank's reason: not enough money in the account (AM04)" in first.body
    assert "If this happens two months in a row, we pause your sponsorship" in first.body
    _mollie_month_fails(client, fake_mollie, capture, sponsorship, "MS02", "Refused by debtor")
    second = _failure_mails(mailoutbox, subject)[1]
    assert "the account holder refused the payment (MS02)" in second.body
    # This one pauses it: the suspension email says so, not a warning of what is past.
    assert "two months in a row" not in second.body
    assert mailoutbox[-1].subject == "Your monthly sponsorship is paused"


def test_a_bank_reason_we_have_no_words_for_is_shown_as_the_bank_gave_it(
    campaign, fake_mollie, client, capture, mailoutbox
):
    sponsorship = _mollie_sponsor(client, fake_mollie, capture, "ideal", "ideal", "en")
    _mollie_month_fails(client, fake_mollie, capture, sponsorship, "SL01", "Specific service")
    (mail,) = _failure_mails(
        mailoutbox, "This month's payment for your sponsorship did not go through"
    )
    assert "Your bank's reason: SL01 (Specific service)" in mail.body
