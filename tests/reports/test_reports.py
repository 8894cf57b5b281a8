import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from pypdf import PdfReader

from ledger.models import Category, Donation, Expense, FundTransfer, Refund, StatementLine
from reports.attention import treasurer_attention
from reports.data import treasurer_report
from reports.pdf import treasurer_report_html, treasurer_report_pdf

START, END = date(2025, 1, 1), date(2025, 12, 31)


def pdf_text(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def _paid(amount, day, **fields):
    when = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return Donation.objects.create(
        amount=Decimal(amount),
        status="paid",
        received_on=day,
        paid_at=when,
        method=fields.pop("method", "bank_transfer"),
        **fields,
    )


@pytest.fixture
def ledger(campaign, make_prisoner):
    """A known year: two funds, gifts before and in the period, a fee, a refund, spending,
    a transfer, and things that need attention."""
    ana = make_prisoner(name="Ana Ejemplo", slug="ana")
    ben = make_prisoner(name="Ben Ejemplo", slug="ben")
    legal = Category.objects.create(
        code="lawyers",
        purpose="legal_defense",
        name_en="Lawyers",
        name_nl="Advocaten",
        name_es="Abogados",
    )
    needs = Category.objects.create(
        code="food", purpose="basic_needs", name_en="Food", name_nl="Voedsel", name_es="Alimentos"
    )
    _paid("100.00", date(2024, 12, 20), prisoner=ana)  # before: opening balance
    _paid("50.00", date(2025, 2, 3), prisoner=ana, donor_email="x@example.org")
    card = _paid(
        "40.00",
        date(2025, 2, 10),
        prisoner=ana,
        method="card",
        provider="stripe",
        provider_payment_id="cs_1",
        fee=Decimal("1.45"),
        donor_email="x@example.org",
    )
    Refund.objects.create(
        donation=card,
        provider="stripe",
        provider_refund_id="re_1",
        kind="refund",
        amount=Decimal("10.00"),
        created_at=timezone.make_aware(datetime(2025, 2, 15)),
    )
    _paid("25.00", date(2025, 3, 1), frequency="monthly", donor_email="y@example.org")
    _paid("30.00", date(2025, 3, 2), prisoner=ben)
    _paid("999.00", date(2026, 1, 2), prisoner=ben)  # after the period
    Expense.objects.create(
        date=date(2025, 4, 1),
        amount=Decimal("60.00"),
        prisoner=ana,
        category=legal,
        description="Invoice 17",
    )
    Expense.objects.create(
        date=date(2025, 4, 2), amount=Decimal("12.50"), category=needs, description="Soap"
    )
    FundTransfer.objects.create(
        date=date(2025, 6, 1),
        amount=Decimal("20.00"),
        from_prisoner=ana,
        to_prisoner=ben,
        reason="Agreed",
    )
    Donation.objects.create(amount=Decimal("15.00"), status="pending", method="card")
    _paid("5.00", date(2025, 5, 5), amount_mismatch=True, amount_paid=Decimal("4.00"))
    return ana, ben


def test_the_figures_agree_with_the_ledger_to_the_cent(ledger):
    ana, ben = ledger
    report = treasurer_report(START, END)
    funds = {f.prisoner.slug if f.prisoner else "general": f for f in report.funds}
    assert funds["ana"].opening == Decimal("100.00")
    assert funds["ana"].period.received == Decimal("90.00")
    assert funds["ana"].period.fees == Decimal("1.45")
    assert funds["ana"].period.refunded == Decimal("10.00")
    assert funds["ana"].period.net_income == Decimal("78.55")
    assert funds["ana"].closing == Decimal("100") + Decimal("78.55") - 60 - 20
    assert funds["ben"].closing == Decimal("50.00")
    assert funds["general"].closing == Decimal("25.00") + Decimal("4.00") - Decimal("12.50")
    assert report.all_agree
    assert report.totals.closing == sum(f.closing for f in report.funds)
    assert (report.gifts.count, report.gifts.donors) == (5, 4)
    assert report.gifts.median == Decimal("30.00")  # 4, 25, 30, 40, 50
    assert (report.gifts.one_off, report.gifts.monthly) == (4, 1)
    assert [(r["month"].month, r["gross"]) for r in report.by_month] == [
        (2, Decimal("90.00")),
        (3, Decimal("55.00")),
        (5, Decimal("4.00")),
    ]
    assert {r["method"]: (r["gross"], r["fees"]) for r in report.by_method} == {
        "bank_transfer": (Decimal("109.00"), Decimal("0.00")),
        "card": (Decimal("40.00"), Decimal("1.45")),
    }
    attention = treasurer_attention(until=END)
    assert attention.pending == (1, Decimal("15.00"))
    assert attention.mismatched == (1, Decimal("4.00"))


def test_the_median_of_an_even_number_of_gifts_is_the_mean_of_the_middle_two(campaign):
    for amount in ("10.00", "20.00", "31.00", "1000.00"):
        _paid(amount, date(2025, 1, 2))
    assert treasurer_report(START, END).gifts.median == Decimal("25.50")


def test_the_pdf_states_the_totals_balances_and_its_own_check(ledger, settings):
    with translation.override("en"):
        pdf = treasurer_report_pdf(start=START, end=END, generated_by="tesorera")
    text, reader = pdf_text(pdf)
    assert "Treasurer's report" in text and "tesorera" in text
    assert "Jan. 1, 2025" in text and "Dec. 31, 2025" in text
    assert "€78.55" in text  # Ana's net income
    assert "€98.55" in text  # Ana's closing balance: 100 + 78.55 - 60 - 20
    assert "€1.45" in text  # the card fee
    assert "Checked: for every fund" in text
    assert "Invoice 17" in text and "Soap" in text  # the spending list has descriptions
    assert "Online payments still pending" in text and "€15.00" in text
    assert reader.metadata.title.startswith("Treasurer's report 2025-01-01")
    assert reader.metadata.author == "De Solidaire Diaspora Stg"


def test_the_pdf_speaks_the_treasurers_language(ledger):
    with translation.override("nl"):
        text, _reader = pdf_text(treasurer_report_pdf(start=START, end=END, generated_by="t"))
    assert "Verslag van de penningmeester" in text
    assert "€ 78,55" in text


def test_the_page_count_does_not_grow_with_donations(ledger):
    few = len(
        PdfReader(io.BytesIO(treasurer_report_pdf(start=START, end=END, generated_by="t"))).pages
    )
    Donation.objects.bulk_create(
        Donation(amount=Decimal("7.00"), status="paid", method="card", received_on=date(2025, 7, 1))
        for _ in range(2000)
    )
    many = len(
        PdfReader(io.BytesIO(treasurer_report_pdf(start=START, end=END, generated_by="t"))).pages
    )
    assert few == many


def test_the_report_runs_the_same_queries_for_100_and_5000_donations(campaign, make_prisoner):
    prisoners = [make_prisoner() for _ in range(3)]

    def add(count):
        Donation.objects.bulk_create(
            Donation(
                amount=Decimal("5.00") + i % 7,
                status="paid",
                method="ideal",
                prisoner=prisoners[i % 3],
                received_on=START + timedelta(days=i % 365),
                donor_email=f"d{i}@example.org",
            )
            for i in range(count)
        )

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            treasurer_report(START, END)
        return len(ctx.captured_queries)

    add(100)
    small = queries()
    add(4900)
    assert Donation.objects.count() == 5000
    assert queries() == small


def test_it_lists_statement_lines_waiting_for_review(ledger):
    from ledger.models import BankStatement

    statement = BankStatement.objects.create(file_name="x", format="camt053", account_iban="NL")
    for n, (amount, credit) in enumerate([("8.00", True), ("2.00", True), ("70.00", False)]):
        StatementLine.objects.create(
            statement=statement,
            dedupe_key=f"k{n}",
            account_iban="NL",
            booking_date=START,
            amount=Decimal(amount),
            is_credit=credit,
        )
    attention = treasurer_attention(until=END)
    assert attention.review_credits == (2, Decimal("10.00"))
    assert attention.review_debits == (1, Decimal("70.00"))


def test_a_reversed_chargeback_counts_in_the_period_it_was_reversed(campaign, make_prisoner):
    ana = make_prisoner()
    gift = _paid("30.00", date(2025, 11, 1), prisoner=ana)
    rows = [
        ("chb_1", "chargeback", datetime(2025, 12, 1)),
        ("chb_1:reversed", "reversed", datetime(2026, 1, 10)),
    ]
    for refund_id, kind, day in rows:
        Refund.objects.create(
            donation=gift,
            provider="mollie",
            provider_refund_id=refund_id,
            kind=kind,
            amount=Decimal("30.00"),
            created_at=timezone.make_aware(day),
        )
    year = {f.prisoner: f for f in treasurer_report(START, END).funds}[ana]
    assert (year.period.refunded, year.closing) == (Decimal("30.00"), Decimal("0.00"))
    january = {f.prisoner: f for f in treasurer_report(date(2026, 1, 1), date(2026, 1, 31)).funds}
    assert january[ana].period.refunded == Decimal("-30.00")
    assert january[ana].closing == Decimal("30.00") and january[ana].agrees


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _chart_bars(html: str) -> list[dict]:
    svg = re.search(r"<svg class=\"chart\".*?</svg>", html, re.DOTALL).group(0)
    return [dict(re.findall(r'(\w+)="([^"]*)"', rect)) for rect in re.findall(r"<rect [^>]*>", svg)]


@pytest.mark.parametrize("language", ["nl", "es", "en"])
def test_it_draws_the_chart_with_plain_coordinates_in_every_language(ledger, language):
    with translation.override(language):
        html = treasurer_report_html(start=START, end=END, generated_by="t")
    bars = _chart_bars(html)
    assert len(bars) == 3  # February, March and May
    for bar in bars:
        for name in ("x", "y", "width", "height"):
            assert NUMBER.fullmatch(bar[name]), (language, name, bar[name])
    # February (90.00) is the tallest month and fills the chart's 160 units.
    assert max(float(bar["height"]) for bar in bars) == 160.0


@pytest.fixture
def large_spending(ledger):
    category = Category.objects.create(
        code="experts",
        purpose="legal_defense",
        name_en="Expert reports",
        name_nl="Deskundigenrapporten",
        name_es="Peritajes",
    )
    Expense.objects.create(
        date=date(2025, 10, 19),
        amount=Decimal("45678.90"),
        prisoner=ledger[0],
        category=category,
        description="Honorarios del abogado por la defensa en el juicio oral, primera parte",
    )


def _pages(language: str) -> list[str]:
    with translation.override(language):
        pdf = treasurer_report_pdf(start=START, end=END, generated_by="t")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize(("language", "day"), [("nl", "19-10-2025"), ("es", "19/10/2025")])
def test_it_keeps_dates_and_amounts_on_one_line(large_spending, language, day):
    pages = _pages(language)
    spending = next(page for page in pages if day[:5] in page)
    assert day in spending
    assert "€ 45.678,90" in spending
    # The fund summary: each fund's and the total's figures whole, never "€" over "145,00".
    text = "\n".join(pages)
    assert "€ 45.738,90" in text  # Ana's spending: 60.00 + 45,678.90
    assert not re.search(r"€\s*\n", text)
