"""Payments confirmed at the same moment, each on its own connection, add up exactly."""

import threading
from datetime import UTC, date, datetime, time
from decimal import Decimal
from time import sleep

import pytest
from django.db import connection

from donors.models import Donor
from ledger import running_totals as totals
from ledger.models import Donation, FundTotal
from ledger.selectors import campaign_totals, campaign_totals_ledger
from payments.models import StatusChange
from payments.providers.base import PaymentReport
from payments.services import payment_apply_status
from reports.totals_check import totals_differences

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# (amount, fund: a prisoner's number or None for the general fund, email, day paid).
# The same donor's gifts go to five funds in five quarters, so that nothing but the donor's
# own lock stands between them.
SAME_DONOR = [
    ("10.00", fund, "same@example.org", day)
    for fund, day in [
        (0, date(2025, 1, 15)),
        (1, date(2025, 4, 15)),
        (2, date(2025, 7, 15)),
        (3, date(2025, 10, 15)),
        (None, date(2026, 1, 15)),
    ]
]
GIFTS = [
    *SAME_DONOR,
    *[("2.50", None, "", date(2025, 1, 15))] * 3,
    ("7.25", 0, "other@example.org", date(2025, 1, 15)),
    ("1.00", None, "third@example.org", date(2025, 1, 15)),
]


@pytest.fixture
def open_gifts(postgres, campaign, make_prisoner):
    return _open(GIFTS, make_prisoner)


def _open(gifts, make_prisoner):
    prisoners = [make_prisoner() for _ in range(4)]
    # A sponsor's donor record exists before these gifts.
    sponsor = Donor.objects.create(email="same@example.org")
    for index, (amount, fund, email, _day) in enumerate(gifts):
        Donation.objects.create(
            amount=Decimal(amount),
            prisoner=None if fund is None else prisoners[fund],
            method=Donation.Method.IDEAL,
            provider=Donation.Provider.MOLLIE,
            provider_payment_id=f"tr_{index}",
            status=Donation.Status.OPEN,
            donor_email=email,
            donor=sponsor if email == sponsor.email else None,
        )
    return prisoners


def _pay_all_at_once(gifts=GIFTS) -> None:
    barrier = threading.Barrier(len(gifts))
    errors: list[BaseException] = []

    def pay(index: int):
        try:
            barrier.wait(timeout=30)
            payment_apply_status(
                provider=Donation.Provider.MOLLIE,
                report=PaymentReport(
                    payment_id=f"tr_{index}",
                    status=Donation.Status.PAID,
                    paid_at=datetime.combine(gifts[index][3], time(12), tzinfo=UTC),
                ),
                source=StatusChange.Source.WEBHOOK,
            )
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(len(gifts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def test_simultaneous_payments_give_exact_totals(open_gifts):
    _pay_all_at_once()
    assert FundTotal.objects.get(prisoner=open_gifts[0]).raised == Decimal("17.25")
    assert FundTotal.objects.get(prisoner=None).raised == Decimal("18.50")
    # One donor for the five gifts from one address, one per gift without an email.
    assert campaign_totals().donors == 6
    assert campaign_totals() == campaign_totals_ledger()
    assert totals_differences() == []


def test_the_donor_is_counted_more_than_once_without_the_donor_lock(
    postgres, campaign, make_prisoner, monkeypatch
):
    """The control for the test above: take the donor's lock away and the same donor's
    simultaneous gifts are each counted as a new donor, so that test is able to fail."""

    counted = totals._donors_new

    def count_then_wait(donations):
        # Hold the window between the check and the commit open: the other payments check
        # meanwhile.
        new = counted(donations)
        sleep(0.3)
        return new

    _open(SAME_DONOR, make_prisoner)
    monkeypatch.setattr(totals, "_lock_donors", lambda donor_ids: None)
    monkeypatch.setattr(totals, "_donors_new", count_then_wait)
    _pay_all_at_once(SAME_DONOR)
    assert campaign_totals().donors > 1  # 5 of 1 when this was written
    assert totals_differences() != []
