"""What each of Mollie's payment statuses does to the books, and Mollie's fee.

Every row of `STATUSES` in payments/providers/mollie_provider.py, against the gift's status
and the running totals; an authorization (a hold on a card) is not money received until it
is captured. Mollie's fee is its own figure: the amount less `settlementAmount`.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from ledger.models import Donation
from ledger.running_totals import fund_raised
from ledger.selectors import campaign_totals, campaign_totals_ledger
from payments.models import PaymentEvent
from reports.data import fund_balances, treasurer_report
from tests.gifts import post_mollie_webhook

TODAY = timezone.localdate()
ZERO = Decimal("0.00")


@pytest.fixture
def mollie_gift(give, fake_mollie, make_prisoner):
    """A donor chose iDEAL for Ana and was sent to Mollie's checkout."""
    ana = make_prisoner(name="Ana Ejemplo", slug="ana")
    _response, donation = give("ideal", other_amount="25", prisoner="ana")
    assert donation.prisoner == ana
    return donation


def _apply(client, fake_mollie, donation, status, **changes):
    fake_mollie.set_status(donation.provider_payment_id, status, **changes)
    response = post_mollie_webhook(client, donation.provider_payment_id)
    donation.refresh_from_db()
    return response


def _books(donation) -> tuple:
    """The running totals the public pages read, and the same figure from the ledger."""
    return (
        campaign_totals().raised,
        fund_raised().get(donation.prisoner_id, ZERO),
        campaign_totals_ledger().raised,
    )


# Mollie's word → the gift's status, and whether the money counts.
STATUS_TABLE = [
    ("open", Donation.Status.OPEN, False),
    ("pending", Donation.Status.PENDING, False),
    ("authorized", Donation.Status.PENDING, False),
    ("paid", Donation.Status.PAID, True),
    ("canceled", Donation.Status.CANCELED, False),
    ("expired", Donation.Status.EXPIRED, False),
    ("failed", Donation.Status.FAILED, False),
]


def test_the_table_covers_every_status_mollie_maps():
    from payments.providers.mollie_provider import STATUSES

    assert {row[0] for row in STATUS_TABLE} == set(STATUSES)


@pytest.mark.parametrize(("mollie_status", "status", "counts"), STATUS_TABLE)
def test_each_mollie_status_moves_the_gift_and_the_books_as_the_table_says(
    client,
    mollie_gift,
    fake_mollie,
    mailoutbox,
    django_capture_on_commit_callbacks,
    mollie_status,
    status,
    counts,
):
    if mollie_status == "authorized":
        fake_mollie.authorize(mollie_gift.provider_payment_id)
        with django_capture_on_commit_callbacks(execute=True):
            post_mollie_webhook(client, mollie_gift.provider_payment_id)
        mollie_gift.refresh_from_db()
    else:
        with django_capture_on_commit_callbacks(execute=True):
            assert _apply(client, fake_mollie, mollie_gift, mollie_status).status_code == 200
    assert mollie_gift.status == status
    expected = Decimal("25.00") if counts else ZERO
    assert _books(mollie_gift) == (expected, expected, expected)
    # The thank-you and its receipt go for money received, and for nothing else.
    assert len(mailoutbox) == (1 if counts else 0)
    assert (mollie_gift.paid_at is not None) == counts


def test_it_refuses_a_status_it_does_not_know_and_changes_nothing(client, mollie_gift, fake_mollie):
    # Mollie's v1 had "refunded"; v2 reports refunds apart. An unknown word is an outage.
    assert _apply(client, fake_mollie, mollie_gift, "refunded").status_code == 503
    assert mollie_gift.status == Donation.Status.OPEN
    assert PaymentEvent.objects.get().outcome == PaymentEvent.Outcome.FAILED
    assert _books(mollie_gift) == (ZERO, ZERO, ZERO)


def test_an_authorization_counts_once_it_is_captured(
    client, mollie_gift, fake_mollie, mailoutbox, django_capture_on_commit_callbacks
):
    payment_id = mollie_gift.provider_payment_id
    fake_mollie.authorize(payment_id)
    with django_capture_on_commit_callbacks(execute=True):
        post_mollie_webhook(client, payment_id)
    mollie_gift.refresh_from_db()
    assert mollie_gift.status == Donation.Status.PENDING
    assert _books(mollie_gift) == (ZERO, ZERO, ZERO)

    fake_mollie.capture(payment_id)
    with django_capture_on_commit_callbacks(execute=True):
        post_mollie_webhook(client, payment_id)
        post_mollie_webhook(client, payment_id)
    mollie_gift.refresh_from_db()
    assert mollie_gift.status == Donation.Status.PAID
    assert mollie_gift.amount_paid == Decimal("25.00")
    assert _books(mollie_gift) == (Decimal("25.00"),) * 3
    assert len(mailoutbox) == 1


def test_it_counts_only_what_was_captured_of_an_authorization(client, mollie_gift, fake_mollie):
    payment_id = mollie_gift.provider_payment_id
    fake_mollie.authorize(payment_id)
    post_mollie_webhook(client, payment_id)
    fake_mollie.capture(payment_id, "20.00")
    post_mollie_webhook(client, payment_id)
    mollie_gift.refresh_from_db()
    assert (mollie_gift.status, mollie_gift.amount_paid) == ("paid", Decimal("20.00"))
    assert mollie_gift.amount_mismatch is True  # the treasurer's attention list names it
    assert _books(mollie_gift) == (Decimal("20.00"),) * 3


@pytest.mark.parametrize(("then", "status"), [("canceled", "canceled"), ("failed", "failed")])
def test_an_authorization_voided_or_lapsed_never_counts(
    client, mollie_gift, fake_mollie, then, status
):
    fake_mollie.authorize(mollie_gift.provider_payment_id)
    post_mollie_webhook(client, mollie_gift.provider_payment_id)
    _apply(client, fake_mollie, mollie_gift, then)
    assert mollie_gift.status == status
    assert _books(mollie_gift) == (ZERO, ZERO, ZERO)


# Mollie's fee.


def test_it_records_mollies_fee_from_the_settlement_amount(client, mollie_gift, fake_mollie):
    _apply(client, fake_mollie, mollie_gift, "paid", settlement="24.36")
    assert mollie_gift.fee == Decimal("0.64")
    # The fee is the foundation's cost, not less money given: the totals keep the gift.
    assert _books(mollie_gift) == (Decimal("25.00"),) * 3
    [ana] = [f for f in fund_balances() if f.prisoner == mollie_gift.prisoner]
    assert (ana.received, ana.fees, ana.balance) == (
        Decimal("25.00"),
        Decimal("0.64"),
        Decimal("24.36"),
    )
    report = treasurer_report(date(TODAY.year, 1, 1), TODAY)
    assert {r["method"]: r["fees"] for r in report.by_method} == {"ideal": Decimal("0.64")}
    assert report.totals.period.fees == Decimal("0.64")


def test_it_records_no_fee_where_mollie_settles_the_whole_amount(client, mollie_gift, fake_mollie):
    # Mollie's published example: settlementAmount equal to the amount.
    _apply(client, fake_mollie, mollie_gift, "paid")
    assert mollie_gift.fee == ZERO


def test_it_applies_the_fee_once_however_often_mollie_calls(client, mollie_gift, fake_mollie):
    _apply(client, fake_mollie, mollie_gift, "paid", settlement="24.36")
    for _ in range(2):
        post_mollie_webhook(client, mollie_gift.provider_payment_id)
    outcomes = list(PaymentEvent.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == ["applied", "unchanged", "unchanged"]
    mollie_gift.refresh_from_db()
    assert mollie_gift.fee == Decimal("0.64")


def test_a_refund_does_not_turn_into_a_fee(client, mollie_gift, fake_mollie):
    _apply(client, fake_mollie, mollie_gift, "paid", settlement="24.36")
    # Mollie recalculates the settlement after a full refund: below zero.
    fake_mollie.refund(mollie_gift.provider_payment_id, "25.00")
    _apply(client, fake_mollie, mollie_gift, "paid", settlement="-0.64")
    assert mollie_gift.fee == Decimal("0.64")
    assert _books(mollie_gift) == (ZERO, ZERO, ZERO)
    [ana] = [f for f in fund_balances() if f.prisoner == mollie_gift.prisoner]
    assert ana.balance == Decimal("-0.64")  # the fee stays a cost of the refunded gift


def test_it_does_not_guess_the_fee_of_a_payment_first_seen_refunded(
    client, mollie_gift, fake_mollie
):
    # The webhooks were lost; sync_payments finds the payment paid and partly refunded.
    fake_mollie.set_status(mollie_gift.provider_payment_id, "paid", settlement="14.36")
    fake_mollie.refund(mollie_gift.provider_payment_id, "10.00")
    post_mollie_webhook(client, mollie_gift.provider_payment_id)
    mollie_gift.refresh_from_db()
    assert mollie_gift.status == Donation.Status.PAID
    assert mollie_gift.fee is None
    assert _books(mollie_gift) == (Decimal("15.00"),) * 3


@pytest.mark.parametrize("settlement", ["25.01", "-3.00"])
def test_it_records_no_fee_from_a_settlement_that_is_no_fee(
    client, mollie_gift, fake_mollie, settlement
):
    _apply(client, fake_mollie, mollie_gift, "paid", settlement=settlement)
    assert mollie_gift.status == Donation.Status.PAID
    assert mollie_gift.fee is None


def test_it_follows_mollies_recalculated_fee_before_any_refund(client, mollie_gift, fake_mollie):
    _apply(client, fake_mollie, mollie_gift, "paid", settlement="24.36")
    _apply(client, fake_mollie, mollie_gift, "paid", settlement="24.40")
    assert mollie_gift.fee == Decimal("0.60")
    assert "fee 0.60" in PaymentEvent.objects.order_by("id").last().detail
