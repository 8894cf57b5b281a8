"""The ANBI page's financial statements: a closed year's income and expenditure and the
balance of each fund, as a PDF that agrees with the treasurer's report to the cent."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from crowdfund.money import format_eur
from ledger.corrections import donation_correct
from ledger.models import Category, Donation, Expense, FundTransfer, Refund
from reports import pdf as report_pdf
from reports.data import closed_years, financial_statements, treasurer_report
from reports.pdf import treasurer_report_pdf

THIS_YEAR = timezone.localdate().year
YEAR = THIS_YEAR - 1  # the last closed year
BEFORE = YEAR - 1

# Worked out by hand for YEAR (see `books`).
RECEIVED = Decimal("200.25")  # 40.25 + 30 + 50 + 20 + 60
REFUNDED = Decimal("45.00")  # a refund of 15 and a chargeback of 30
CORRECTED = Decimal("-10.50")
INCOME = Decimal("144.75")
FEES = Decimal("1.44")
SPENT = Decimal("52.40")  # 35 + 12.40 + 5
RESULT = Decimal("90.91")  # 144.75 - 1.44 - 52.40
OPENING = Decimal("130.00")  # BEFORE: 100 + 50 in, 20 out
CLOSING = Decimal("220.91")


@pytest.fixture(autouse=True)
def _report_cache_in_tmp(settings, tmp_path):
    settings.REPORT_CACHE_DIR = tmp_path / "reports"


def _noon(day: date):
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 12))


@pytest.fixture
def books(campaign, make_prisoner, make_donation):
    ana = make_prisoner(name="Ana Ejemplo", slug="ana")
    hidden = make_prisoner(name="Hidden Person", slug="hidden", is_published=False)
    lawyers = Category.objects.create(
        code="lawyers", purpose="legal_defense", name_en="Lawyers' fees", name_nl="Advocaten"
    )
    hygiene = Category.objects.create(
        code="hygiene", purpose="basic_needs", name_en="Hygiene", name_nl="Hygiëne"
    )
    # The year before: the opening balances.
    make_donation("100.00", received_on=date(BEFORE, 6, 1))
    make_donation("50.00", prisoner=ana, received_on=date(BEFORE, 7, 1))
    Expense.objects.create(
        amount=Decimal("20.00"), prisoner=ana, category=hygiene, date=date(BEFORE, 8, 1)
    )
    # The year itself.
    day = date(YEAR, 3, 1)
    refunded = make_donation(
        "40.25", prisoner=ana, received_on=day, provider="mollie", fee=Decimal("0.54")
    )
    charged_back = make_donation(
        "30.00", prisoner=ana, received_on=day, provider="stripe", fee=Decimal("0.90")
    )
    corrected = make_donation("50.00", prisoner=ana, received_on=day)
    make_donation("20.00", received_on=day)
    make_donation("60.00", prisoner=hidden, received_on=day)
    make_donation("99.00", prisoner=ana, status="failed", received_on=day)
    for donation, kind, amount, ref in [
        (refunded, "refund", "15.00", "re_1"),
        (charged_back, "chargeback", "30.00", "dp_1"),
    ]:
        Refund.objects.create(
            donation=donation,
            provider=donation.provider,
            provider_refund_id=ref,
            kind=kind,
            amount=Decimal(amount),
            created_at=_noon(date(YEAR, 3, 5)),
        )
    donation_correct(
        donation_id=corrected.pk, amount=CORRECTED, reason="typo", user="t", on=date(YEAR, 3, 6)
    )
    for amount, prisoner, category in [
        ("35.00", ana, lawyers),
        ("12.40", None, hygiene),
        ("5.00", hidden, hygiene),
    ]:
        Expense.objects.create(
            amount=Decimal(amount), prisoner=prisoner, category=category, date=date(YEAR, 5, 1)
        )
    FundTransfer.objects.create(
        amount=Decimal("10.00"), to_prisoner=ana, reason="family", date=date(YEAR, 6, 1)
    )
    # This year: still open, in no statements.
    make_donation("500.00", received_on=date(THIS_YEAR, 1, 2))
    return ana


def _get(client, year, lang="en", **headers):
    response = client.get(f"/{lang}/anbi/financial-statements/{year}.pdf", **headers)
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_it_counts_the_year_as_worked_out_by_hand(books):
    statements = financial_statements(YEAR)
    period = statements.totals.period
    assert (period.received, period.refunded, period.corrected) == (RECEIVED, REFUNDED, CORRECTED)
    assert (statements.income, period.fees, period.spent) == (INCOME, FEES, SPENT)
    assert statements.expenditure == FEES + SPENT
    assert statements.result == RESULT
    assert (statements.totals.opening, statements.totals.closing) == (OPENING, CLOSING)
    assert statements.totals.agrees


def test_its_figures_equal_the_treasurers_report_for_the_year(books):
    statements = financial_statements(YEAR)
    report = treasurer_report(date(YEAR, 1, 1), date(YEAR, 12, 31))
    assert statements.totals == report.totals
    assert statements.income == report.totals.period.raised
    spent = {category.pk: amount for category, amount in statements.spending}
    assert spent == report.totals.period.spent_by_category
    shown = {fund.name: fund for fund in statements.funds}
    for fund in report.funds:
        if fund.prisoner is None or fund.prisoner.is_published:
            assert shown[fund.name] == fund


def test_it_shows_an_unpublished_prisoners_fund_only_together_with_others(books):
    statements = financial_statements(YEAR)
    names = [fund.name for fund in statements.funds]
    assert "Hidden Person" not in names
    assert names == ["General fund", "Ana Ejemplo", "Funds of prisoners not shown on this site"]
    together = statements.funds[-1]
    assert (together.opening, together.period.net_income, together.closing) == (
        Decimal("0.00"),
        Decimal("60.00"),
        Decimal("55.00"),
    )
    assert sum(f.closing for f in statements.funds) == CLOSING


def test_the_pdf_shows_the_years_income_and_expenditure_as_the_treasurers_report_does(
    client, books
):
    response, pdf = _get(client, YEAR, "en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(pdf)
    assert f"Financial statements {YEAR}" in text
    for amount in (INCOME, FEES + SPENT, RESULT, Decimal("35.00"), Decimal("12.40")):
        assert format_eur(amount, "en") in text
    assert "Lawyers' fees" in text and "Hygiene" in text
    assert "Hidden Person" not in text
    with translation.override("en"):
        treasurer = _text(
            treasurer_report_pdf(start=date(YEAR, 1, 1), end=date(YEAR, 12, 31), generated_by="t")
        )
    # The same figures in both documents, to the cent.
    net_income = INCOME - FEES
    for amount in (RECEIVED, REFUNDED, CORRECTED, FEES, net_income, SPENT, OPENING, CLOSING):
        formatted = format_eur(amount, "en")
        assert formatted in text, formatted
        assert formatted in treasurer, formatted


def test_the_pdf_is_tagged_and_in_the_pages_language(client, books):
    _response, pdf = _get(client, YEAR, "nl")
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl" and "/StructTreeRoot" in root
    assert reader.metadata.author == "De Solidaire Diaspora Stg"
    assert str(YEAR) in reader.metadata.title
    text = _text(pdf)
    assert "Advocaten" in text and "Hygiëne" in text  # the categories in Dutch
    assert format_eur(INCOME, "nl") in text  # "€ 144,75"


@pytest.mark.parametrize("year", [THIS_YEAR, THIS_YEAR + 1, BEFORE - 1, 1])
def test_it_has_no_statements_for_an_open_year_or_one_before_the_books(client, books, year):
    response, _pdf = _get(client, year)
    assert response.status_code == 404


def test_it_lists_every_closed_year_since_the_books_began_newest_first(db, make_donation):
    assert closed_years() == []
    make_donation("10.00", received_on=date(THIS_YEAR, 1, 5))
    assert closed_years() == []  # only the open year has entries
    make_donation("10.00", received_on=date(THIS_YEAR - 3, 5, 1))
    # The years between have no entries, but balances that carry over: they get statements.
    assert closed_years() == [THIS_YEAR - 1, THIS_YEAR - 2, THIS_YEAR - 3]


def test_it_is_built_once_per_content_and_rebuilt_when_the_year_is_corrected(
    client, books, monkeypatch
):
    builds = []
    original = report_pdf.render_pdf
    monkeypatch.setattr(
        report_pdf, "render_pdf", lambda *a, **k: builds.append(1) or original(*a, **k)
    )
    first, body = _get(client, YEAR)
    second, again = _get(client, YEAR)
    assert len(builds) == 1 and body == again and first["ETag"] == second["ETag"]
    not_modified, _ = _get(client, YEAR, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and len(builds) == 1
    # Spending booked late into the closed year: a new version, with the new figures.
    Expense.objects.create(
        amount=Decimal("1.00"),
        category=Category.objects.get(code="hygiene"),
        date=date(YEAR, 12, 31),
    )
    third, changed = _get(client, YEAR)
    assert len(builds) == 2 and third["ETag"] != first["ETag"]
    assert format_eur(RESULT - 1, "en") in _text(changed)


def test_each_language_has_its_own_version(client, books):
    english, _ = _get(client, YEAR, "en")
    dutch, _ = _get(client, YEAR, "nl")
    assert english["ETag"] != dutch["ETag"]


def _gift_of_the_year(amount: str) -> Donation:
    return Donation.objects.get(received_on=date(YEAR, 3, 1), amount=Decimal(amount))


def _late_correction(ana):
    donation_correct(
        donation_id=_gift_of_the_year("20.00").pk,
        amount=Decimal("-2.00"),
        reason="found late",
        user="t",
        on=date(YEAR, 12, 31),
    )


def _late_refund(ana):
    gift = _gift_of_the_year("20.00")
    Refund.objects.create(
        donation=gift,
        provider="mollie",
        provider_refund_id="re_late",
        kind="refund",
        amount=Decimal("2.00"),
        created_at=_noon(date(YEAR, 11, 30)),
    )


def _late_fee(ana):
    # A provider reports a fee after the year closed: the payment path saves the whole gift.
    gift = _gift_of_the_year("20.00")
    gift.fee = Decimal("2.00")
    gift.save()


def _expense_dated_back(ana):
    expense = Expense.objects.create(
        amount=Decimal("2.00"),
        category=Category.objects.get(code="hygiene"),
        date=date(THIS_YEAR, 1, 3),
    )
    expense.date = date(YEAR, 12, 30)
    expense.save()


def _expense_to_another_category(ana):
    expense = Expense.objects.get(category__code="lawyers")
    expense.category = Category.objects.get(code="hygiene")
    expense.save()


def _prisoner_renamed(ana):
    ana.name = "Ana Renombrada"
    ana.save()


def _category_renamed(ana):
    category = Category.objects.get(code="hygiene")
    category.name_en = "Soap and towels"
    category.save()


@pytest.mark.parametrize(
    ("change", "shown", "gone"),
    [
        (_late_correction, format_eur(RESULT - 2, "en"), format_eur(RESULT, "en")),
        (_late_refund, format_eur(RESULT - 2, "en"), format_eur(RESULT, "en")),
        (_late_fee, format_eur(RESULT - 2, "en"), format_eur(RESULT, "en")),
        (_expense_dated_back, format_eur(RESULT - 2, "en"), format_eur(RESULT, "en")),
        (
            _expense_to_another_category,
            f"Hygiene (basic needs) {format_eur(Decimal('52.40'), 'en')}",
            "Lawyers' fees",
        ),
        (_prisoner_renamed, "Ana Renombrada", "Ana Ejemplo"),
        (_category_renamed, "Soap and towels", "Hygiene"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_a_late_change_to_a_closed_year_shows_in_the_served_pdf(client, books, change, shown, gone):
    before, pdf = _get(client, YEAR)
    assert shown not in _text(pdf) and gone in _text(pdf)
    change(books)
    after, pdf = _get(client, YEAR)
    assert after["ETag"] != before["ETag"]
    assert shown in _text(pdf) and gone not in _text(pdf)


def test_a_gift_in_the_open_year_leaves_the_closed_years_file_alone(
    client, books, make_donation, monkeypatch
):
    builds = []
    original = report_pdf.render_pdf
    monkeypatch.setattr(
        report_pdf, "render_pdf", lambda *a, **k: builds.append(1) or original(*a, **k)
    )
    first, _ = _get(client, YEAR)
    make_donation("35.00", received_on=date(THIS_YEAR, 2, 1))
    books.save()  # a story edited: nothing the statements show
    again, _ = _get(client, YEAR)
    assert again["ETag"] == first["ETag"] and len(builds) == 1
