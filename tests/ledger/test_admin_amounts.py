"""Amounts typed into the treasurer's forms as treasurers type them: "32,50" is 32.50 in any
language, and what can be read more than one way is refused, never scaled."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from ledger.models import Category, Correction, Donation, Expense, FundTransfer

# The donation page shows its refunds and history as inlines; Django wants their counts.
INLINES = {
    f"{prefix}-{field}": "0"
    for prefix in ("refunds", "status_changes")
    for field in ("TOTAL_FORMS", "INITIAL_FORMS")
}
UNCLEAR = {
    "en": "can be read in more than one way",
    "nl": "kun je op meer dan één manier lezen",
    "es": "se puede leer de más de una manera",
}
UNREADABLE = {
    "en": "Enter an amount in euros, for example 30 or 30,50.",
    "nl": "bijvoorbeeld 30 of 30,50.",
}


@pytest.fixture
def legal(db):
    return Category.objects.create(code="lawyers", purpose="legal_defense", name_en="Lawyers")


@pytest.fixture
def post_as(client, treasurer):
    client.force_login(treasurer)

    def post(language: str, url: str, data: dict):
        return client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)

    return post


def _expense(post_as, legal, language, typed):
    return post_as(
        language,
        reverse("admin:ledger_expense_add"),
        {"date": "2025-03-06", "amount": typed, "category": legal.pk},
    )


@pytest.mark.parametrize(
    ("language", "typed", "stored"),
    [
        ("nl", "32,50", "32.50"),
        ("en", "32,50", "32.50"),
        ("es", "32,50", "32.50"),
        ("en", "32.50", "32.50"),
        ("nl", "32.50", "32.50"),
        ("nl", "€ 32,50", "32.50"),
        ("en", "€32.50", "32.50"),
        ("nl", "1.234,56", "1234.56"),
        ("en", "1,234.56", "1234.56"),
        ("nl", "1.234", "1234.00"),
        ("en", "1,234", "1234.00"),
        ("nl", "25,-", "25.00"),
        ("nl", " 7 ", "7.00"),
    ],
)
def test_it_reads_spending_as_the_treasurer_types_it(post_as, legal, language, typed, stored):
    response = _expense(post_as, legal, language, typed)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Expense.objects.get().amount == Decimal(stored)


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        # A comma before three digits is a Dutch or Spanish decimal comma: 32,50 or 32500?
        ("nl", "32,500", UNCLEAR["nl"]),
        ("es", "1,000", UNCLEAR["es"]),
        # A point before three digits is an English decimal point.
        ("en", "32.500", UNCLEAR["en"]),
        ("en", "1.000", UNCLEAR["en"]),
        ("nl", "1.000,000", UNREADABLE["nl"]),
        ("en", "32,5,0", UNREADABLE["en"]),
        ("en", "3250e-2", UNREADABLE["en"]),
        ("nl", "-32,50", UNREADABLE["nl"]),
        ("en", "32 50", UNREADABLE["en"]),
    ],
)
def test_it_refuses_an_amount_it_cannot_read_one_way_and_saves_nothing(
    post_as, legal, language, typed, message
):
    response = _expense(post_as, legal, language, typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    # The treasurer's own text comes back to correct, not a rewritten number.
    assert f'value="{typed.strip()}"' in html
    assert not Expense.objects.exists()


@pytest.mark.parametrize(
    ("language", "shown"), [("nl", "1234,50"), ("es", "1234,50"), ("en", "1234.50")]
)
def test_it_shows_a_stored_amount_as_the_treasurer_would_type_it(
    client, treasurer, legal, language, shown
):
    expense = Expense.objects.create(amount=Decimal("1234.50"), category=legal)
    client.force_login(treasurer)
    html = client.get(
        reverse("admin:ledger_expense_change", args=[expense.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    field = html[html.index('name="amount"') - 200 : html.index('name="amount"') + 200]
    assert f'value="{shown}"' in field
    assert 'inputmode="decimal"' in field
    assert 'type="text"' in field and 'type="number"' not in field


def test_it_saves_a_stored_amount_unchanged_when_the_form_is_sent_back(client, treasurer, legal):
    expense = Expense.objects.create(amount=Decimal("1234.50"), category=legal)
    client.force_login(treasurer)
    url = reverse("admin:ledger_expense_change", args=[expense.pk])
    response = client.post(
        url,
        {"date": "2025-03-06", "amount": "1234,50", "category": legal.pk, "description": "x"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 302
    expense.refresh_from_db()
    assert (expense.amount, expense.description) == (Decimal("1234.50"), "x")


@pytest.mark.parametrize(("language", "typed"), [("nl", "100,25"), ("en", "100.25")])
def test_it_reads_a_fund_transfer_as_typed(post_as, make_prisoner, language, typed):
    ana = make_prisoner()
    response = post_as(
        language,
        reverse("admin:ledger_fundtransfer_add"),
        {"date": "2025-05-01", "amount": typed, "from_prisoner": ana.pk, "reason": "Released"},
    )
    assert response.status_code == 302
    assert FundTransfer.objects.get().amount == Decimal("100.25")


def test_it_refuses_an_unclear_fund_transfer(post_as, make_prisoner):
    ana = make_prisoner()
    response = post_as(
        "nl",
        reverse("admin:ledger_fundtransfer_add"),
        {"date": "2025-05-01", "amount": "100,250", "from_prisoner": ana.pk, "reason": "x"},
    )
    assert UNCLEAR["nl"] in response.content.decode()
    assert not FundTransfer.objects.exists()


@pytest.mark.parametrize(("language", "typed"), [("nl", "€ 1.040,50"), ("en", "1,040.50")])
def test_it_reads_a_gift_typed_in_by_hand(post_as, language, typed):
    response = post_as(
        language,
        reverse("admin:ledger_donation_add"),
        {
            "amount": typed,
            "received_on": "2024-03-05",
            "method": "cash",
            "status": "paid",
            **INLINES,
        },
    )
    assert response.status_code == 302
    assert Donation.objects.get().amount == Decimal("1040.50")


@pytest.mark.parametrize(
    ("language", "typed", "stored"),
    [
        ("nl", "-5,25", "-5.25"),
        ("en", "-5.25", "-5.25"),
        ("nl", "− € 5,25", "-5.25"),
        ("nl", "2,50", "2.50"),
    ],
)
def test_it_reads_a_correction_with_its_sign(post_as, make_donation, language, typed, stored):
    gift = make_donation("25.00", received_on=date(2025, 3, 1))
    response = post_as(
        language,
        reverse("admin:ledger_donation_correct", args=[gift.pk]),
        {"amount": typed, "date": "2025-03-04", "reason": "Typed wrong"},
    )
    assert response.status_code == 302
    assert Correction.objects.get().amount == Decimal(stored)


def test_it_refuses_an_unclear_correction(post_as, make_donation):
    gift = make_donation("2500.00", received_on=date(2025, 3, 1))
    response = post_as(
        "nl",
        reverse("admin:ledger_donation_correct", args=[gift.pk]),
        {"amount": "-2,500", "date": "2025-03-04", "reason": "x"},
    )
    assert UNCLEAR["nl"] in response.content.decode()
    assert not Correction.objects.exists()
