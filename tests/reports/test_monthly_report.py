"""Monthly giving in the treasurer's report and the fund overview: recurring income per month,
new and stopped sponsorships, and the active ones at each month's end (issue #10)."""

import io
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from donors.models import Donor
from ledger.corrections import donation_correct
from ledger.models import Donation, Refund
from ledger.selectors import money_in
from reports.monthly import last_months, monthly_giving
from reports.pdf import treasurer_report_pdf
from sponsorships.models import PledgeChange, Sponsorship, SponsorshipEvent
from sponsorships.selectors import sponsorship_totals
from sponsorships.status import subscription_apply_status
from tests.books import set_around_the_books
from tests.migration_state import apps_after

START, END = date(2025, 1, 1), date(2025, 6, 30)
S = Sponsorship.Status


def _aware(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


def _month(sponsorship, day: date, status="paid", amount=None) -> Donation:
    """One month of a sponsorship, as the webhook records it."""
    return Donation.objects.create(
        amount=amount or sponsorship.amount,
        status=status,
        received_on=day if status == "paid" else None,
        paid_at=_aware(day) if status == "paid" else None,
        frequency=Donation.Frequency.MONTHLY,
        method="other_online",
        provider="demo",
        provider_payment_id=f"demo_{sponsorship.pk}_{day:%Y%m%d}",
        prisoner=sponsorship.prisoner,
        sponsorship=sponsorship,
        donor=sponsorship.donor,
        donor_email=sponsorship.donor.email,
    )


def _sponsor(amount, first_paid: date, *, email, prisoner=None) -> Sponsorship:
    """A sponsorship whose first month was paid on `first_paid`, made active through the one
    status function, as the activation after the first payment does."""
    donor = Donor.objects.create(email=email)
    sponsorship = Sponsorship.objects.create(
        donor=donor, prisoner=prisoner, amount=Decimal(amount), provider="demo", method="ideal"
    )
    sponsorship.first_donation = _month(sponsorship, first_paid)
    sponsorship.save()
    subscription_apply_status(
        sponsorship_id=sponsorship.pk, status=S.ACTIVE, source="webhook", at=_aware(first_paid)
    )
    return sponsorship


def _stop(sponsorship, status, day: date) -> None:
    subscription_apply_status(
        sponsorship_id=sponsorship.pk,
        status=status,
        source="webhook",
        at=_aware(day),
        cancel_reason="donor",
    )
    # The audit row is written with the clock; history happened on `day`.
    SponsorshipEvent.objects.filter(sponsorship=sponsorship, to_status=status).update(
        created_at=_aware(day)
    )


@pytest.fixture
def sponsorships(campaign, make_prisoner, make_donation):
    """Half a year: Carla sponsors since 2024; Ana's sponsor starts in January, has March's
    month refunded in April and cancels in May; a general-fund sponsor starts in March and is
    suspended in June. A one-off gift and a checkout never paid do not count."""
    ana = make_prisoner(name="Ana Ejemplo", slug="ana")
    carla = _sponsor("10.00", date(2024, 11, 3), email="carla@example.org")
    _month(carla, date(2024, 12, 3))
    for day in (date(2025, 1, 3), date(2025, 2, 3)):
        _month(carla, day)

    for_ana = _sponsor("15.00", date(2025, 1, 10), email="a@example.org", prisoner=ana)
    _month(for_ana, date(2025, 2, 10))
    march = _month(for_ana, date(2025, 3, 10))
    _month(for_ana, date(2025, 4, 10))
    _month(for_ana, date(2025, 5, 10))
    Refund.objects.create(
        donation=march,
        provider="demo",
        provider_refund_id="re_march",
        kind="refund",
        amount=Decimal("15.00"),
        created_at=_aware(date(2025, 4, 2)),
    )
    _stop(for_ana, S.CANCELLED, date(2025, 5, 20))

    general = _sponsor("25.00", date(2025, 3, 5), email="g@example.org")
    _month(general, date(2025, 4, 5))
    _month(general, date(2025, 5, 5))
    _month(general, date(2025, 6, 5), status="failed")
    _stop(general, S.SUSPENDED, date(2025, 6, 12))

    make_donation("100.00", prisoner=ana, received_on=date(2025, 3, 15))  # one-off
    never_paid = Sponsorship.objects.create(
        donor=Donor.objects.create(email="n@example.org"),
        amount=Decimal("50.00"),
        provider="demo",
        method="ideal",
    )
    subscription_apply_status(sponsorship_id=never_paid.pk, status=S.CANCELLED, source="return")
    return ana


# Month: payments, received, refunds and corrections, income, new, stopped, active, pledged.
EXPECTED = {
    1: (2, "25.00", "0.00", "25.00", 1, 0, 2, "25.00"),
    2: (2, "25.00", "0.00", "25.00", 0, 0, 2, "25.00"),
    3: (2, "40.00", "0.00", "40.00", 1, 0, 3, "50.00"),
    4: (2, "40.00", "-15.00", "25.00", 0, 0, 3, "50.00"),
    5: (2, "40.00", "0.00", "40.00", 0, 1, 2, "35.00"),
    6: (0, "0.00", "0.00", "0.00", 0, 1, 1, "10.00"),
}


def test_it_works_out_each_month_of_monthly_giving(sponsorships):
    giving = monthly_giving(START, END)
    assert (giving.opening_active, giving.opening_pledged) == (1, Decimal("10.00"))
    rows = {
        row.month.month: (
            row.payments,
            str(row.received),
            str(row.adjusted),
            str(row.income),
            row.started,
            row.stopped,
            row.active,
            str(row.pledged),
        )
        for row in giving.months
    }
    assert rows == EXPECTED
    assert [row.month for row in giving.months] == [date(2025, m, 1) for m in range(1, 7)]
    assert giving.money.raised == Decimal("155.00")
    assert (giving.started, giving.stopped) == (2, 2)
    assert (giving.closing_active, giving.closing_pledged) == (1, Decimal("10.00"))


def test_the_active_sponsorships_today_are_those_the_site_shows(sponsorships):
    """The table's last month ends where the home page's figure stands."""
    giving = monthly_giving(START, timezone.localdate())
    totals = sponsorship_totals()
    assert (giving.closing_active, giving.closing_pledged) == (
        totals.active_sponsors,
        totals.monthly_pledged,
    )


def test_its_recurring_income_is_the_monthly_part_of_money_in(sponsorships):
    """The same selector as every other figure: monthly and one-off add up to all money in."""
    everything = money_in(start=START, end=END, by="month")
    monthly = money_in(start=START, end=END, by="month", frequency="monthly")
    one_off = money_in(start=START, end=END, by="month", frequency="one_off")
    for month, row in everything.items():
        parts = [part[month].raised for part in (monthly, one_off) if month in part]
        assert sum(parts) == row.raised
    assert sum(r.income for r in monthly_giving(START, END).months) == sum(
        r.raised for r in monthly.values()
    )


def test_a_correction_of_a_month_counts_in_the_month_it_was_booked(sponsorships):
    month = Donation.objects.get(provider_payment_id__endswith="_20250405")
    donation_correct(donation_id=month.pk, amount=Decimal("-5.00"), reason="x", user="t", on=END)
    june = monthly_giving(START, END).months[-1]
    assert (june.adjusted, june.income) == (Decimal("-5.00"), Decimal("-5.00"))


def test_a_period_that_ends_mid_month_counts_to_its_last_day(sponsorships):
    giving = monthly_giving(date(2025, 5, 1), date(2025, 5, 15))
    assert [(r.payments, r.stopped, r.active) for r in giving.months] == [(2, 0, 3)]
    assert giving.opening_active == 3


def test_a_stripe_subscription_that_recovered_from_past_due_never_stopped(sponsorships):
    general = Sponsorship.objects.get(amount=Decimal("25.00"))
    subscription_apply_status(sponsorship_id=general.pk, status=S.ACTIVE, source="webhook")
    assert [r.stopped for r in monthly_giving(START, END).months] == [0, 0, 0, 0, 1, 0]


def test_it_runs_the_same_queries_however_many_sponsorships(sponsorships):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            monthly_giving(START, END)
        return len(ctx.captured_queries)

    few = queries()
    for n in range(20):
        _month(_sponsor("5.00", date(2025, 2, 1), email=f"s{n}@example.org"), date(2025, 3, 1))
    assert queries() == few == 5


def test_last_months_runs_from_the_first_of_the_month_a_year_ago():
    assert last_months(today=date(2025, 3, 14)) == (date(2024, 4, 1), date(2025, 3, 14))
    assert last_months(today=date(2025, 1, 31), count=1) == (date(2025, 1, 1), date(2025, 1, 31))


def test_money_in_refuses_a_grouping_it_does_not_know(db):
    with pytest.raises(ValueError, match="week"):
        money_in(by="week")


def _pdf_text(language="en") -> str:
    with translation.override(language):
        pdf = treasurer_report_pdf(start=START, end=END, generated_by="t")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_has_a_table_of_monthly_giving(sponsorships):
    text = _pdf_text()
    section = text[text.index("Monthly giving") :]
    assert "Active at the start of the period: 1, pledging €10.00 a month" in section
    lines = section.splitlines()
    # One line per month, the figures in order: payments, received, refunds and corrections,
    # income,
    # new, stopped, active, pledged.
    assert "April 2025 2 €40.00 -€15.00 €25.00 0 0 3 €50.00" in lines
    assert "May 2025 2 €40.00 €0.00 €40.00 0 1 2 €35.00" in lines
    assert "June 2025 0 €0.00 €0.00 €0.00 0 1 1 €10.00" in lines
    assert "Total 10 €170.00 -€15.00 €155.00 2 2 1 €10.00" in lines


def test_the_pdf_table_of_monthly_giving_in_dutch(sponsorships):
    text = _pdf_text("nl")
    assert "april 2025 2 € 40,00 -€ 15,00 € 25,00 0 0 3 € 50,00" in text.splitlines()


def test_the_fund_overview_shows_the_last_twelve_months(client, treasurer, sponsorships):
    client.force_login(treasurer)
    today = timezone.localdate()
    first_paid = today.replace(day=1)
    _sponsor("12.00", first_paid, email="new@example.org")
    page = client.get(reverse("admin:reports_fundoverview_changelist")).content.decode()
    assert "Monthly giving" in page
    assert page.count('class="giving-month"') == 12
    assert f"{today:%B %Y}" in page
    assert "€12.00" in page
    # The admin's CSP allows no inline style: the columns' widths come from its stylesheet.
    table = page[page.index('<table class="monthly-giving"') :]
    assert " style=" not in table[: table.index("</table>")]


def test_the_pdf_says_so_when_there_was_no_monthly_giving(campaign, make_donation):
    make_donation("30.00", received_on=date(2025, 2, 1))  # one-off only
    text = _pdf_text()
    assert "No monthly giving in this period." in text
    assert "Active at the start of the period" not in text


def _raise(sponsorship, amount: str, on: date) -> None:
    with transaction.atomic():
        locked = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
        locked.pledge_change(Decimal(amount), on=on)


def test_a_changed_amount_leaves_the_months_before_it_at_the_old_amount(sponsorships):
    """Ana's sponsor gives €20 instead of €15 from 15 March: January and February pledged
    €15 for her, and keep saying so."""
    for_ana = Sponsorship.objects.get(prisoner=sponsorships)
    _raise(for_ana, "20.00", date(2025, 3, 15))
    giving = monthly_giving(START, END)
    assert giving.opening_pledged == Decimal("10.00")
    assert [str(row.pledged) for row in giving.months] == [
        "25.00",  # Carla 10 + Ana 15
        "25.00",
        "55.00",  # Carla 10 + Ana 20 + the general fund 25
        "55.00",
        "35.00",  # Ana's sponsorship stopped in May
        "10.00",
    ]
    # Before the period, at its opening and after a later change too.
    assert monthly_giving(date(2025, 2, 1), date(2025, 2, 28)).opening_pledged == Decimal("25.00")
    _raise(Sponsorship.objects.get(donor__email="carla@example.org"), "12.00", date(2025, 6, 1))
    giving = monthly_giving(START, END)
    assert [str(row.pledged) for row in giving.months][-2:] == ["35.00", "12.00"]
    assert giving.opening_pledged == Decimal("10.00")


def test_a_changed_amount_before_the_period_counts_in_all_of_it(sponsorships):
    carla = Sponsorship.objects.get(donor__email="carla@example.org")
    _raise(carla, "11.00", date(2024, 12, 20))
    giving = monthly_giving(START, END)
    assert giving.opening_pledged == Decimal("11.00")
    assert str(giving.months[-1].pledged) == "11.00"


def test_the_pdf_keeps_the_old_amount_in_the_months_before_a_change(sponsorships):
    _raise(Sponsorship.objects.get(prisoner=sponsorships), "20.00", date(2025, 3, 15))
    lines = _pdf_text().splitlines()
    assert "January 2025 2 €25.00 €0.00 €25.00 1 0 2 €25.00" in lines
    assert "February 2025 2 €25.00 €0.00 €25.00 0 0 2 €25.00" in lines
    assert "March 2025 2 €40.00 €0.00 €40.00 1 0 3 €55.00" in lines


def test_the_pledge_history_is_append_only(sponsorships):
    _raise(Sponsorship.objects.get(prisoner=sponsorships), "20.00", date(2025, 3, 15))
    change = PledgeChange.objects.get()
    assert (change.old_amount, change.new_amount) == (Decimal("15.00"), Decimal("20.00"))
    change.new_amount = Decimal("30.00")
    with pytest.raises(ValueError, match="append-only"):
        change.save()
    with pytest.raises(ValueError, match="append-only"):
        PledgeChange.objects.filter(pk=change.pk).update(new_amount=Decimal("30.00"))
    with pytest.raises(ValueError, match="append-only"):
        PledgeChange.objects.all().delete()
    assert PledgeChange.objects.get().new_amount == Decimal("20.00")


def test_the_migration_fills_the_history_from_what_was_recorded(sponsorships):
    """Before the history existed: Ana's sponsor changed €15 to €20 on their page on 15 March
    (recorded as an AmountChange), and the general fund's €25 became €30 without a record,
    the May month being the first charged at €30."""
    from sponsorships.models import AmountChange

    fill = import_module("donations.migrations.0029_pledge_history_fill").fill
    for_ana = Sponsorship.objects.get(prisoner=sponsorships)
    Sponsorship.objects.filter(pk=for_ana.pk).update(amount=Decimal("20.00"))
    AmountChange.objects.create(
        sponsorship=for_ana,
        old_amount=Decimal("15.00"),
        new_amount=Decimal("20.00"),
        requested_at=_aware(date(2025, 3, 15)),
        applied_at=_aware(date(2025, 3, 15)),
    )
    audit = SponsorshipEvent.objects.create(
        sponsorship=for_ana,
        from_status="active",
        to_status="active",
        source="donor",
        note="amount 15.00 → 20.00",
        created_at=_aware(date(2025, 3, 15)),
    )
    general = Sponsorship.objects.get(amount=Decimal("25.00"))
    Sponsorship.objects.filter(pk=general.pk).update(amount=Decimal("30.00"))
    set_around_the_books(
        Donation.objects.filter(sponsorship=general, received_on=date(2025, 5, 5)),
        amount=Decimal("30.00"),
    )
    fill(apps_after("donations", "0029_pledge_history_fill"), None)
    fill(apps_after("donations", "0029_pledge_history_fill"), None)  # run twice: nothing doubles
    recorded = PledgeChange.objects.get(sponsorship=for_ana)
    assert (recorded.applies_from, recorded.event, recorded.source) == (
        date(2025, 3, 15),
        audit,
        "records",
    )
    guessed = PledgeChange.objects.get(sponsorship=general)
    assert (guessed.old_amount, guessed.new_amount, guessed.applies_from) == (
        Decimal("25.00"),
        Decimal("30.00"),
        date(2025, 5, 5),
    )
    assert PledgeChange.objects.count() == 2
    giving = monthly_giving(START, END)
    assert [str(r.pledged) for r in giving.months] == [
        "25.00",
        "25.00",
        "55.00",
        "55.00",
        "40.00",
        "10.00",
    ]
