"""The treasurer's attention list: a fund below zero, spending without a receipt, statement
lines left in review, and agreements waiting for the countersignature, named in the admin's
fund overview and in the treasurer's PDF alike, and gone once resolved."""

import html
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agreements.models import PeriodicGiftAgreement
from agreements.services import agreement_create
from ledger.models import BankStatement, Category, Expense, StatementLine
from reports.attention import treasurer_attention
from reports.pdf import treasurer_report_pdf
from tests.agreements.conftest import cleaned

TODAY = timezone.localdate()
START, END = date(TODAY.year, 1, 1), TODAY
OVERVIEW = reverse("admin:reports_fundoverview_changelist")
BELOW_ZERO = "Funds below zero"
NO_RECEIPT = "Spending without a receipt"
LONG_REVIEW = "Statement lines in review for more than 30 days"
COUNTERSIGN = "Agreements waiting for the foundation's countersignature"


@pytest.fixture
def lawyers(db):
    return Category.objects.create(code="lawyers", purpose="legal_defense", name_en="Lawyers")


def _label(concern) -> str:
    return str(concern.label)


def _concerns() -> dict:
    return {_label(c): c for c in treasurer_attention().concerns}


def _line(n: int, *, imported_days_ago: int, status="review", credit=True, amount="10.00"):
    statement = BankStatement.objects.create(
        file_name=f"s{n}.xml",
        format="camt053",
        account_iban="NL91ABNA0417164300",
        imported_at=timezone.now() - timedelta(days=imported_days_ago),
    )
    return StatementLine.objects.create(
        statement=statement,
        dedupe_key=f"line-{n}",
        account_iban="NL91ABNA0417164300",
        booking_date=TODAY - timedelta(days=imported_days_ago + 1),
        amount=Decimal(amount),
        is_credit=credit,
        status=status,
    )


def test_it_names_each_fund_below_zero_with_its_balance(
    campaign, make_prisoner, make_donation, lawyers
):
    ana = make_prisoner(name="Ana Ejemplo")
    ben = make_prisoner(name="Ben Ejemplo")
    make_donation("100.00", prisoner=ben, received_on=TODAY)
    Expense.objects.create(amount=Decimal("60.00"), prisoner=ana, category=lawyers)
    Expense.objects.create(amount=Decimal("40.00"), prisoner=ben, category=lawyers)
    concern = _concerns()[BELOW_ZERO]
    assert (concern.count, concern.total) == (1, Decimal("-60.00"))
    assert concern.details == (("Ana Ejemplo", Decimal("-60.00")),)
    make_donation("60.00", prisoner=ana, received_on=TODAY)
    assert BELOW_ZERO not in _concerns()


def test_it_takes_a_funds_balance_on_the_reports_last_day(
    campaign, make_prisoner, make_donation, lawyers
):
    ana = make_prisoner(name="Ana Ejemplo")
    Expense.objects.create(
        amount=Decimal("60.00"), prisoner=ana, category=lawyers, date=date(2025, 3, 1)
    )
    make_donation("60.00", prisoner=ana, received_on=date(2025, 6, 1))
    # Below zero on the last day of March; no longer at the end of June.
    assert treasurer_attention(until=date(2025, 3, 31)).funds_below_zero == [
        ("Ana Ejemplo", Decimal("-60.00"))
    ]
    assert treasurer_attention(until=date(2025, 6, 30)).funds_below_zero == []


def test_it_counts_spending_without_a_receipt(campaign, lawyers):
    first = Expense.objects.create(amount=Decimal("10.00"), category=lawyers)
    Expense.objects.create(amount=Decimal("22.50"), category=lawyers)
    with_receipt = Expense(amount=Decimal("99.00"), category=lawyers)
    with_receipt.receipt.save("r.pdf", ContentFile(b"%PDF-1.4"), save=True)
    concern = _concerns()[NO_RECEIPT]
    assert (concern.count, concern.total) == (2, Decimal("32.50"))
    first.receipt.save("r.pdf", ContentFile(b"%PDF-1.4"), save=True)
    assert (_concerns()[NO_RECEIPT].count, _concerns()[NO_RECEIPT].total) == (
        1,
        Decimal("22.50"),
    )


def test_it_names_statement_lines_left_in_review_for_more_than_30_days(campaign):
    old = _line(1, imported_days_ago=31, amount="8.00")
    _line(2, imported_days_ago=31, credit=False, amount="70.00")
    _line(3, imported_days_ago=29)  # in review, but not for long yet
    _line(4, imported_days_ago=90, status="matched")  # done with
    concern = _concerns()[LONG_REVIEW]
    assert (concern.count, concern.total) == (2, Decimal("78.00"))
    old.status = StatementLine.Status.NOT_DONATION
    old.save()
    assert _concerns()[LONG_REVIEW].count == 1


def test_its_links_open_the_lists_that_hold_what_is_named(client, treasurer, campaign, lawyers):
    Expense.objects.create(amount=Decimal("11.11"), category=lawyers)
    kept = Expense(amount=Decimal("22.22"), category=lawyers)
    kept.receipt.save("r.pdf", ContentFile(b"%PDF-1.4"), save=True)
    _line(1, imported_days_ago=40, amount="8.00")
    _line(2, imported_days_ago=3, amount="9.00")
    client.force_login(treasurer)
    concerns = _concerns()
    spending = client.get(concerns[NO_RECEIPT].url).content.decode()
    assert "11.11" in spending and "22.22" not in spending
    lines = client.get(concerns[LONG_REVIEW].url).content.decode()
    assert "+8.00 EUR" in lines and "+9.00 EUR" not in lines


def _waiting_agreement() -> PeriodicGiftAgreement:
    """Signed by the donor, who has no partner: the foundation's turn."""
    agreement = agreement_create(data=cleaned(), language="en", notify=False)
    PeriodicGiftAgreement.objects.filter(pk=agreement.pk).update(
        status=PeriodicGiftAgreement.Status.DONOR_SIGNED
    )
    return agreement


def _pdf_text() -> str:
    pdf = treasurer_report_pdf(start=START, end=END, generated_by="tesorera")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _overview(client) -> str:
    return html.unescape(client.get(OVERVIEW).content.decode())


def test_the_overview_and_the_report_name_the_same_things_until_they_are_resolved(
    client, treasurer, campaign, make_prisoner, make_donation, lawyers
):
    ana = make_prisoner(name="Ana Ejemplo")
    spent = Expense.objects.create(amount=Decimal("60.00"), prisoner=ana, category=lawyers)
    line = _line(1, imported_days_ago=45, amount="12.00")
    agreement = _waiting_agreement()
    client.force_login(treasurer)

    page, text = _overview(client), _pdf_text()
    for label in (BELOW_ZERO, NO_RECEIPT, LONG_REVIEW, COUNTERSIGN):
        assert label in page
        assert label in text.replace("\n", " ")
    assert re.search(r"Ana Ejemplo: <[^>]+>-€60.00<", page)
    assert "Ana Ejemplo: -€60.00" in text
    assert "?receipt=missing" in page and "?waiting_for=countersignature" in page

    make_donation("60.00", prisoner=ana, received_on=TODAY)
    spent.receipt.save("r.pdf", ContentFile(b"%PDF-1.4"), save=True)
    line.status = StatementLine.Status.NOT_DONATION
    line.save()
    PeriodicGiftAgreement.objects.filter(pk=agreement.pk).update(
        status=PeriodicGiftAgreement.Status.COUNTERSIGNED
    )

    page, text = _overview(client), _pdf_text()
    for label in (BELOW_ZERO, NO_RECEIPT, LONG_REVIEW, COUNTERSIGN):
        assert label not in page
        assert label not in text.replace("\n", " ")
    assert "Nothing needs your attention." in page
    assert "Nothing needs the treasurer's attention." in text.replace("\n", " ")


def test_the_overview_names_them_in_the_treasurers_language(client, treasurer, campaign, lawyers):
    Expense.objects.create(amount=Decimal("1234.50"), category=lawyers)
    client.force_login(treasurer)
    page = client.get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Uitgaven zonder bon" in page and "€ 1.234,50" in page


def test_it_finds_everything_in_a_fixed_number_of_queries(
    campaign, make_prisoner, make_donation, lawyers
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert treasurer_attention().concerns
        return len(ctx.captured_queries)

    ana = make_prisoner()
    Expense.objects.create(amount=Decimal("5.00"), prisoner=ana, category=lawyers)
    _line(1, imported_days_ago=40)
    few = queries()
    for n in range(2, 30):
        prisoner = make_prisoner()
        Expense.objects.create(amount=Decimal("5.00"), prisoner=prisoner, category=lawyers)
        _line(n, imported_days_ago=40)
    assert queries() == few
