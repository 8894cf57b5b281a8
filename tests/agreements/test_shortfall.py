"""Money under an agreement, per year, and the years that fell short on the treasurer's
attention list."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements.models import AgreementGift
from agreements.selectors import agreement_shortfalls, agreement_years, last_closed_year
from agreements.services import agreement_end
from donors.models import Donor
from ledger.corrections import donation_correct
from ledger.models import Donation, Refund
from reports.attention import treasurer_attention
from reports.pdf import treasurer_report_html
from sponsorships.models import Sponsorship
from tests.agreements.helpers import agreement_in_force, agreement_signed
from tests.books import set_around_the_books

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1


@pytest.fixture
def agreement(anbi):
    # € 1.200,50 a year, by bank transfer, from last year on.
    return agreement_in_force(first_year=LAST_YEAR)


def _bank_gift(make_donation, agreement, amount: str, day: date, link=True):
    gift = make_donation(amount, received_on=day, donor_email="camila@example.org")
    if link:
        AgreementGift.objects.create(agreement=agreement, donation=gift, linked_by="t")
    return gift


def test_it_lists_a_year_that_fell_short(agreement, make_donation):
    _bank_gift(make_donation, agreement, "1000.00", date(LAST_YEAR, 3, 1))
    [short] = agreement_shortfalls(until_year=LAST_YEAR)
    assert (short.agreement, short.year) == (agreement, LAST_YEAR)
    assert (short.agreed, short.received) == (Decimal("1200.50"), Decimal("1000.00"))
    assert short.shortfall == Decimal("200.50")


def test_it_shows_the_shortfall_in_the_treasurers_report(agreement, make_donation):
    _bank_gift(make_donation, agreement, "1000.00", date(LAST_YEAR, 3, 1))
    start, end = date(LAST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
    assert treasurer_attention(until=end).agreements_short_total == (1, Decimal("200.50"))
    html = treasurer_report_html(start=start, end=end, generated_by="t")
    assert agreement.number in html
    assert "Periodic gifts below the agreed yearly amount" in html


def test_it_shows_the_shortfall_on_the_fund_overview(client, treasurer, agreement, make_donation):
    _bank_gift(make_donation, agreement, "1000.00", date(LAST_YEAR, 3, 1))
    client.force_login(treasurer)
    html = client.get("/admin/reports/fundoverview/").content.decode()
    assert agreement.number in html
    assert f"/admin/agreements/periodicgiftagreement/{agreement.pk}/change/" in html


def test_it_lists_nothing_when_the_year_was_paid_in_full(agreement, make_donation):
    _bank_gift(make_donation, agreement, "600.00", date(LAST_YEAR, 3, 1))
    _bank_gift(make_donation, agreement, "600.50", date(LAST_YEAR, 9, 1))
    assert agreement_shortfalls(until_year=LAST_YEAR) == []


def test_it_counts_refunds_and_corrections(agreement, make_donation):
    gift = _bank_gift(make_donation, agreement, "1300.00", date(LAST_YEAR, 3, 1))
    assert agreement_shortfalls(until_year=LAST_YEAR) == []
    Refund.objects.create(
        donation=gift, provider="bank", provider_refund_id="r1", kind="refund", amount="50.00"
    )
    donation_correct(
        donation_id=gift.pk, amount=Decimal("-60.00"), reason="typo", user="t", on=gift.received_on
    )
    [short] = agreement_shortfalls(until_year=LAST_YEAR)
    assert short.received == Decimal("1190.00")


def test_it_counts_only_the_gifts_linked_and_in_the_year(agreement, make_donation):
    _bank_gift(make_donation, agreement, "1000.00", date(LAST_YEAR, 3, 1))
    _bank_gift(make_donation, agreement, "900.00", date(LAST_YEAR, 4, 1), link=False)
    _bank_gift(make_donation, agreement, "900.00", date(THIS_YEAR, 1, 2))
    # Not paid: it does not count.
    unpaid = _bank_gift(make_donation, agreement, "900.00", date(LAST_YEAR, 5, 1), link=False)
    set_around_the_books(Donation.objects.filter(pk=unpaid.pk), status="pending")
    AgreementGift.objects.create(agreement=agreement, donation=unpaid)
    [short] = agreement_shortfalls(until_year=LAST_YEAR)
    assert short.received == Decimal("1000.00")
    years = {row.year: row.received for row in agreement_years(agreement)}
    assert years == {LAST_YEAR: Decimal("1000.00"), THIS_YEAR: Decimal("900.00")}


def test_it_counts_a_linked_sponsorships_months(anbi, make_donation):
    donor = Donor.objects.create(email="camila@example.org")
    sponsorship = Sponsorship.objects.create(
        donor=donor, amount="100.05", provider="demo", method="card", status="active"
    )
    # The donor's one running sponsorship is linked when they choose to pay by it.
    agreement = agreement_in_force(first_year=LAST_YEAR, payment_way="monthly_sponsorship")
    assert agreement.sponsorship == sponsorship
    for month in range(1, 13):
        make_donation(
            "100.05",
            received_on=date(LAST_YEAR, month, 1),
            sponsorship=sponsorship,
            donor=donor,
            frequency="monthly",
            method="card",
        )
    assert agreement_shortfalls(until_year=LAST_YEAR) == []
    # One month refunded: now it falls short.
    month = sponsorship.donations.first()
    Refund.objects.create(
        donation=month, provider="demo", provider_refund_id="r", kind="refund", amount="100.05"
    )
    [short] = agreement_shortfalls(until_year=LAST_YEAR)
    assert short.received == Decimal("1100.55")


def test_it_links_the_sponsorship_that_runs_not_one_that_never_started(anbi, make_donation):
    donor = Donor.objects.create(email="camila@example.org")

    def sponsorship(first_payment: str) -> Sponsorship:
        started = Sponsorship.objects.create(
            donor=donor, amount="100.05", provider="demo", method="card", status="pending"
        )
        started.first_donation = make_donation(
            "100.05", status=first_payment, sponsorship=started, donor=donor, frequency="monthly"
        )
        started.save()
        return started

    sponsorship("failed")  # the first try bounced; "try again" made the next one
    sponsorship("expired")
    retried = sponsorship("open")  # its first payment is on its way
    agreement = agreement_in_force(first_year=LAST_YEAR, payment_way="monthly_sponsorship")
    assert agreement.sponsorship == retried


def test_it_leaves_out_unsigned_agreements_and_unfinished_years(anbi):
    agreement_signed(first_year=LAST_YEAR)  # not countersigned: not yet binding
    agreement_in_force(first_year=THIS_YEAR, email="later@example.org")  # year not over
    assert agreement_shortfalls() == []
    assert last_closed_year() == LAST_YEAR


def test_it_stops_listing_years_after_the_agreement_ended(agreement):
    assert [row.year for row in agreement_shortfalls(until_year=LAST_YEAR + 2)] == [
        LAST_YEAR,
        LAST_YEAR + 1,
        LAST_YEAR + 2,
    ]
    agreement_end(agreement_id=agreement.pk, on=date(LAST_YEAR + 1, 6, 1), reason="death")
    assert [row.year for row in agreement_shortfalls(until_year=LAST_YEAR + 2)] == [LAST_YEAR]


def test_it_stops_at_the_last_year_of_a_fixed_term(anbi):
    agreement = agreement_in_force(first_year=LAST_YEAR - 10)  # five years, long over
    years = [row.year for row in agreement_shortfalls(until_year=LAST_YEAR)]
    assert years == list(range(LAST_YEAR - 10, LAST_YEAR - 5))
    assert agreement.last_year == LAST_YEAR - 6
