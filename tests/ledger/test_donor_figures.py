"""One donor's figures (reports/data.py: donor_year, donor_money_in) come from the
same money_in query as the treasurer's report, so a statement and the report agree."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from donors.models import Donor
from ledger.corrections import donation_correct
from ledger.donor_figures import donor_money_in, donor_year, donor_years
from ledger.models import Donation, Refund
from reports.data import treasurer_report
from sponsorships.models import Sponsorship

YEAR = 2025


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _refund(gift, amount, day, kind="refund", ref=None):
    return Refund.objects.create(
        donation=gift,
        provider=gift.provider,
        provider_refund_id=ref or f"{kind}-{gift.pk}-{day}",
        kind=kind,
        amount=Decimal(amount),
        created_at=_moment(day),
    )


@pytest.fixture
def ledger(campaign, make_donation):
    """Donor A: two one-off gifts, three paid months, a refund, a chargeback and a
    correction in 2025; a gift in 2024. Donor B: one gift in 2025."""
    a = Donor.objects.create(email="a@example.org")
    b = Donor.objects.create(email="b@example.org")

    def gift(donor, amount, day, **fields):
        return make_donation(
            amount, donor=donor, donor_email=donor.email, received_on=day, **fields
        )

    march = gift(a, "50.00", date(YEAR, 3, 1), provider="mollie", provider_payment_id="tr_1")
    june = gift(a, "40.00", date(YEAR, 6, 1), provider="stripe", provider_payment_id="cs_1")
    sponsorship = Sponsorship.objects.create(
        donor=a, amount=Decimal("15.00"), provider="mollie", method="ideal", status="active"
    )
    months = [
        gift(
            a,
            "15.00",
            date(YEAR, month, 5),
            frequency=Donation.Frequency.MONTHLY,
            sponsorship=sponsorship,
            provider="mollie",
            provider_payment_id=f"tr_m{month}",
        )
        for month in (10, 11, 12)
    ]
    _refund(june, "15.00", date(YEAR, 7, 1))
    _refund(months[1], "15.00", date(YEAR, 11, 20), kind="chargeback")
    donation_correct(
        donation_id=march.pk, amount=Decimal("-5.00"), reason="typo", user="t", on=date(YEAR, 3, 9)
    )
    gift(a, "99.00", date(YEAR - 1, 12, 1))
    gift(a, "77.00", date(YEAR, 8, 1), status="failed")
    gift(b, "30.00", date(YEAR, 4, 1))
    return a, b, {"june": june, "december": months[2]}


def test_it_nets_one_off_and_monthly_gifts_of_refunds_chargebacks_and_corrections(ledger):
    a, _b, _gifts = ledger
    figures = donor_year(donor_id=a.pk, year=YEAR)
    # 50 + 40 + 3 × 15 = 135 received; less 15 refunded, 15 charged back, 5 corrected.
    assert figures.total.received == Decimal("135.00")
    assert figures.total.refunded == Decimal("30.00")
    assert figures.total.corrected == Decimal("-5.00")
    assert figures.total.raised == Decimal("100.00")
    assert [g.money.raised for g in figures.gifts] == [
        Decimal(v) for v in ("45.00", "25.00", "15.00", "0.00", "15.00")
    ]
    assert [g.day for g in figures.gifts] == sorted(g.day for g in figures.gifts)


def test_it_equals_the_treasurers_report_for_that_donor(ledger):
    a, b, _gifts = ledger
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    statement = donor_year(donor_id=a.pk, year=YEAR).total.raised
    # The treasurer's figure, restricted to this donor: the same query, entries on their dates.
    assert donor_money_in(donor_id=a.pk, start=start, end=end).raised == statement
    # And every donor's statements together are the treasurer's report for the year.
    report = treasurer_report(start, end).totals.period.raised
    other = donor_year(donor_id=b.pk, year=YEAR).total.raised
    assert statement + other == report == Decimal("130.00")


def test_a_refund_next_year_counts_against_its_gift_on_the_statement(ledger):
    a, _b, gifts = ledger
    _refund(gifts["december"], "15.00", date(YEAR + 1, 1, 10))
    # The statement answers "what did I give in 2025": the December month was given back.
    assert donor_year(donor_id=a.pk, year=YEAR).total.raised == Decimal("85.00")
    # The books count the refund on its own day, in 2026; over both years they agree.
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    assert donor_money_in(donor_id=a.pk, start=start, end=end).raised == Decimal("100.00")
    books = donor_money_in(donor_id=a.pk, start=start, end=date(YEAR + 1, 12, 31)).raised
    statements = sum(
        (donor_year(donor_id=a.pk, year=y).total.raised for y in (YEAR, YEAR + 1)), Decimal(0)
    )
    assert books == statements == Decimal("85.00")


def test_its_digest_changes_with_a_refund_and_only_then(ledger):
    a, _b, gifts = ledger
    before = donor_year(donor_id=a.pk, year=YEAR).digest()
    assert donor_year(donor_id=a.pk, year=YEAR).digest() == before
    _refund(gifts["december"], "5.00", date(YEAR, 12, 20))
    assert donor_year(donor_id=a.pk, year=YEAR).digest() != before


def test_it_lists_the_years_a_donor_gave_in(ledger):
    a, b, _gifts = ledger
    assert donor_years(donor_id=a.pk) == [YEAR, YEAR - 1]
    assert donor_years(donor_id=b.pk) == [YEAR]
