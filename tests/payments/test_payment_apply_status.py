"""`payment_apply_status` itself: every transition, refunds twice, and the provider's dates."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ledger.models import Donation, Refund
from payments.models import StatusChange
from payments.providers.base import PaymentReport, RefundReport
from payments.services import payment_apply_status

S = Donation.Status
FINAL = {S.PAID, S.FAILED, S.CANCELED, S.EXPIRED}
# Written out, not derived from STATUS_RANK: a payment only moves forward, and a final
# state (paid, failed, canceled, expired) never changes again.
MAY_MOVE_TO = {
    S.NEW: {S.OPEN, S.PENDING, *FINAL},
    S.OPEN: {S.PENDING, *FINAL},
    S.PENDING: FINAL,
    S.PAID: set(),
    S.FAILED: set(),
    S.CANCELED: set(),
    S.EXPIRED: set(),
}
PAID_AT = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


@pytest.fixture
def donation(campaign, make_donation):
    def make(status=S.OPEN, amount="25.00") -> Donation:
        return make_donation(
            amount,
            status=status,
            method=Donation.Method.IDEAL,
            provider=Donation.Provider.MOLLIE,
            provider_payment_id="tr_table1",
            donor_email="camila@example.org",
        )

    return make


def _apply(status, **report):
    return payment_apply_status(
        provider=Donation.Provider.MOLLIE,
        report=PaymentReport(payment_id="tr_table1", status=status, **report),
        source=StatusChange.Source.SYNC,
    )


@pytest.mark.parametrize("reported", S.values)
@pytest.mark.parametrize("start", S.values)
def test_it_moves_only_forward_and_queues_one_receipt_for_paid(
    donation, mailoutbox, django_capture_on_commit_callbacks, start, reported
):
    gift = donation(status=start)
    paid_report = (
        {"amount_paid": Decimal("25.00"), "paid_at": PAID_AT} if reported == S.PAID else {}
    )
    with django_capture_on_commit_callbacks(execute=True):
        _apply(reported, **paid_report)
    gift.refresh_from_db()

    moves = reported in MAY_MOVE_TO[start]
    assert gift.status == (reported if moves else start)
    changes = list(StatusChange.objects.values_list("from_status", "to_status"))
    assert changes == ([(start, reported)] if moves else [])
    receipts = 1 if moves and reported == S.PAID else 0
    assert len(mailoutbox) == receipts
    if receipts:
        assert gift.paid_at == PAID_AT


def test_it_changes_nothing_when_the_same_report_comes_twice(
    donation, mailoutbox, django_capture_on_commit_callbacks
):
    gift = donation()
    with django_capture_on_commit_callbacks(execute=True):
        first = _apply(S.PAID, amount_paid=Decimal("25.00"), paid_at=PAID_AT)
        second = _apply(S.PAID, amount_paid=Decimal("25.00"), paid_at=PAID_AT)
    assert first.changes == ["open → paid"]
    assert second.changes == []
    assert gift.status_changes.count() == 1
    assert len(mailoutbox) == 1


def test_it_answers_none_for_a_payment_that_is_not_ours(donation):
    donation()
    applied = payment_apply_status(
        provider=Donation.Provider.MOLLIE,
        report=PaymentReport(payment_id="tr_someone_else", status=S.PAID),
        source=StatusChange.Source.SYNC,
    )
    assert applied is None
    assert not StatusChange.objects.exists()


def test_it_dates_the_payment_by_the_provider_not_by_our_clock(donation):
    gift = donation()
    # Paid at 23:30 on New Year's Eve in Amsterdam (22:30 UTC), applied long after.
    paid_at = datetime(2025, 12, 31, 22, 30, tzinfo=UTC)
    _apply(S.PAID, amount_paid=Decimal("25.00"), paid_at=paid_at)
    gift.refresh_from_db()
    assert gift.paid_at == paid_at
    assert gift.received_on == date(2025, 12, 31)
    assert gift.status_changes.get().created_at > paid_at  # the audit trail keeps our clock


def test_it_takes_the_received_day_in_amsterdam_not_in_utc(donation):
    gift = donation()
    # 23:30 UTC on 31 December is already 00:30 on 1 January in Amsterdam.
    _apply(S.PAID, paid_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    gift.refresh_from_db()
    assert gift.received_on == date(2026, 1, 1)


def test_it_falls_back_to_the_report_time_when_the_provider_gives_no_date(donation):
    gift = donation()
    reported_at = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
    payment_apply_status(
        provider=Donation.Provider.MOLLIE,
        report=PaymentReport(payment_id="tr_table1", status=S.PAID),
        source=StatusChange.Source.WEBHOOK,
        reported_at=reported_at,
    )
    gift.refresh_from_db()
    assert (gift.paid_at, gift.received_on) == (reported_at, date(2026, 2, 1))


REFUNDED_AT = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
CHARGED_BACK_AT = datetime(2026, 4, 2, 15, 45, tzinfo=UTC)
REVERSED_AT = datetime(2026, 5, 11, 10, 5, tzinfo=UTC)


def _refunds(*, reversed_at=None):
    return (
        RefundReport(refund_id="re_1", amount=Decimal("5.00"), created_at=REFUNDED_AT),
        RefundReport(
            refund_id="chb_1",
            amount=Decimal("20.00"),
            is_chargeback=True,
            created_at=CHARGED_BACK_AT,
            reversed=reversed_at is not None,
            reversed_at=reversed_at,
        ),
    )


def test_it_records_each_refund_chargeback_and_reversal_once_on_the_providers_dates(donation):
    gift = donation()
    paid = {"amount_paid": Decimal("25.00"), "paid_at": PAID_AT}
    _apply(S.PAID, **paid, refunds=_refunds())
    _apply(S.PAID, **paid, refunds=_refunds())
    _apply(S.PAID, **paid, refunds=_refunds(reversed_at=REVERSED_AT))
    _apply(S.PAID, **paid, refunds=_refunds(reversed_at=REVERSED_AT))

    rows = list(
        Refund.objects.order_by("created_at").values_list(
            "provider_refund_id", "kind", "amount", "created_at"
        )
    )
    assert rows == [
        ("re_1", Refund.Kind.REFUND, Decimal("5.00"), REFUNDED_AT),
        ("chb_1", Refund.Kind.CHARGEBACK, Decimal("20.00"), CHARGED_BACK_AT),
        ("chb_1:reversed", Refund.Kind.CHARGEBACK_REVERSED, Decimal("20.00"), REVERSED_AT),
    ]
    assert all(r.recorded_at > r.created_at for r in Refund.objects.all())
    assert gift.status_changes.count() == 1


def test_it_ignores_refunds_of_a_payment_that_is_not_paid(donation):
    donation(status=S.OPEN)
    _apply(S.OPEN, refunds=_refunds())
    assert not Refund.objects.exists()


def test_it_dates_a_reversal_without_a_provider_date_when_it_was_reported(donation):
    donation(status=S.PAID)
    reported_at = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    refunds = (
        RefundReport(refund_id="dp_1", amount=Decimal("25.00"), is_chargeback=True, reversed=True),
    )
    payment_apply_status(
        provider=Donation.Provider.MOLLIE,
        report=PaymentReport(payment_id="tr_table1", status=S.PAID, refunds=refunds),
        source=StatusChange.Source.WEBHOOK,
        reported_at=reported_at,
    )
    assert set(Refund.objects.values_list("created_at", flat=True)) == {reported_at}
