from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger.models import Category, Expense, Refund

URL = "/en/where-the-money-went/"


@pytest.fixture
def legal(db):
    return Category.objects.create(code="lawyers", purpose="legal_defense", name_en="Lawyers' fees")


@pytest.fixture
def ledger(campaign, make_prisoner, make_donation, legal):
    ana = make_prisoner(name="Ana Ejemplo", slug="ana")
    for amount, email in (("10.00", "a@x.org"), ("20.00", "b@x.org"), ("30.40", "c@x.org")):
        make_donation(
            amount,
            prisoner=ana,
            donor_email=email,
            donor_name=f"Donor {email}",
            received_on=date(2024, 2, 1),
            public_message="secret words",
        )
    # A quarter with a single gift: its amount would identify the donor.
    make_donation(
        "1234.56",
        prisoner=ana,
        donor_name="Lonely Donor",
        donor_email="lonely@x.org",
        received_on=date(2024, 5, 1),
    )
    Expense.objects.create(
        date=date(2024, 2, 10),
        amount=Decimal("40.00"),
        prisoner=ana,
        category=legal,
        description="Invoice from lawyer Pérez",
    )
    return ana


def test_it_shows_money_in_and_out_without_personal_data(client, ledger):
    html = client.get(URL).content.decode()
    for secret in ("Donor", "@x.org", "Lonely", "secret words", "Invoice", "Pérez"):
        assert secret not in html
    # The lonely gift's quarter is shown together with its neighbour, never on its own.
    assert '<th scope="row">2024 Q1 – 2024 Q2</th>' in html
    assert "<td>€1,295</td>" in html  # 10 + 20 + 30.40 + 1,234.56, whole euros
    assert "€60" not in html and "€1,235" not in html
    assert "Lawyers&#x27; fees" in html and "€40" in html
    assert "<svg" in html and "bar-in" in html


def test_it_subtracts_refunds(client, ledger, make_donation):
    donation = make_donation("25.00", received_on=date(2024, 2, 2))
    Refund.objects.create(
        donation=donation,
        provider="mollie",
        provider_refund_id="re_9",
        kind="refund",
        amount=Decimal("25.00"),
    )
    assert "Since the start of the campaign, €1,295 came in" in client.get(URL).content.decode()


@pytest.mark.parametrize("lang", ["es", "nl", "en"])
def test_it_speaks_every_language(client, ledger, lang):
    response = client.get(f"/{lang}/where-the-money-went/")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.content.decode()


def test_it_runs_the_same_queries_however_many_rows(
    client, ledger, make_donation, legal, make_prisoner
):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for month in range(1, 13):
        prisoner = make_prisoner()
        for _ in range(5):
            make_donation("5.00", prisoner=prisoner, received_on=date(2023, month, 3))
        Expense.objects.create(
            date=date(2023, month, 4), amount=Decimal("3.00"), prisoner=prisoner, category=legal
        )
    assert count() == small


def _rows_and_headline(flow):
    return [q.income for q in flow.quarters], flow.income


@pytest.mark.parametrize(
    "gifts_per_quarter",
    [(1,), (1, 5), (5, 1), (2, 2, 5, 1, 4), (1, 1, 1, 1), (3, 0, 1, 3), tuple(range(1, 13))],
)
def test_it_never_shows_a_row_that_reveals_one_gift(db, make_donation, gifts_per_quarter):
    from ledger.transparency import MIN_GIFTS, money_flow

    for index, count in enumerate(gifts_per_quarter):
        day = date(2021 + index // 4, 3 * (index % 4) + 1, 15)
        for n in range(count):
            make_donation(f"{7 + index * 13 + n}.37", received_on=day)
    flow = money_flow()
    rows, headline = _rows_and_headline(flow)
    assert sum(rows) == headline
    if len(flow.quarters) > 1:
        assert all(q.entries >= MIN_GIFTS for q in flow.quarters)
    assert len(flow.quarters) <= 8


def test_it_names_both_ends_of_a_quarter_shown_with_the_next(db, make_donation):
    from ledger.transparency import money_flow

    make_donation("5.00", received_on=date(2024, 2, 1))  # alone in its quarter
    for n in range(3):
        make_donation(f"{10 + n}.00", received_on=date(2024, 5, 1))
    flow = money_flow()
    assert [(q.label, q.income) for q in flow.quarters] == [("2024 Q1 – 2024 Q2", Decimal(38))]
