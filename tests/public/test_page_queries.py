"""The public pages cost the same number of queries at any size, and never read the ledger."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger.models import Donation
from prisoners.models import Update
from public import cards

PAGES = {
    # With no card kept, as here: one query reads those prisoners (public/cards.py).
    "/en/": 8,
    "/en/prisoners/p-1/": 7,
    "/en/donate/": 4,
    "/en/bank-transfer/": 3,
    "/en/where-the-money-went/": 8,
    # Its closed years come from the running totals (ledger/models/totals.py).
    "/en/anbi/": 4,
}
# Ledger tables a page view must not read (the running totals stand in for them). The
# prisoner page reads its few approved messages of support, by index, from the gifts.
LEDGER = ("donations_refund", "donations_correction", "donations_donation")


def _grow(make_prisoner, prisoners: int, gifts: int) -> None:
    for _ in range(prisoners):
        prisoner = make_prisoner(slug=f"p-{Update.objects.count() + 1}")
        Update.objects.create(prisoner=prisoner, published_on=date(2022, 1, 1), title_en="u")
    funds = [None, *Update.objects.values_list("prisoner", flat=True)]
    Donation.objects.bulk_create(
        Donation(
            amount=Decimal("10.00") + i % 50,
            method=Donation.Method.BANK_TRANSFER,
            status=Donation.Status.PAID,
            prisoner_id=funds[i % len(funds)],
            received_on=date(2025, 1 + i % 12, 1),
            donor_email=f"d{i % 97}@example.org",
        )
        for i in range(gifts)
    )


@pytest.mark.parametrize("path", PAGES)
def test_a_page_costs_the_same_queries_with_3_or_50_prisoners_and_30_or_3000_gifts(
    client, campaign, make_prisoner, django_assert_num_queries, path
):
    _grow(make_prisoner, 3, 30)
    cards.forget_local()
    caches["pages"].clear()
    with django_assert_num_queries(PAGES[path]):
        assert client.get(path).status_code == 200
    _grow(make_prisoner, 47, 2970)
    cards.forget_local()
    caches["pages"].clear()
    with django_assert_num_queries(PAGES[path]) as queries:
        assert client.get(path).status_code == 200
    assert _read(queries, LEDGER) == (["donations_donation"] if "/prisoners/" in path else [])


def _read(queries, tables) -> list[str]:
    read = " ".join(q["sql"] for q in queries.captured_queries)
    return [table for table in tables if f'"{table}"' in read]


def test_a_closed_years_statements_cost_the_same_queries_at_both_sizes_once_built(
    client, campaign, make_prisoner, make_donation, settings, tmp_path
):
    settings.REPORT_CACHE_DIR = tmp_path / "reports"
    url = "/en/anbi/financial-statements/2025.pdf"
    counts = []
    for prisoners, gifts in ((3, 30), (47, 2970)):
        _grow(make_prisoner, prisoners, gifts)
        # More gifts in the year make a new version: built once, from the ledger.
        built = client.get(url)
        assert built.status_code == 200
        pdf = b"".join(built.streaming_content)
        with CaptureQueriesContext(connection) as again:
            served = client.get(url)
        # A gift in the open year changes the content: the version is worked out again, the
        # same, and the kept file served.
        make_donation("5.00", received_on=date.today())
        with CaptureQueriesContext(connection) as after_a_gift:
            still = client.get(url)
        for response in (served, still):
            assert response["ETag"] == built["ETag"]
            assert b"".join(response.streaming_content) == pdf
        for queries in (again, after_a_gift):
            assert _read(queries, (*LEDGER, "donations_expense", "donations_fundtransfer")) == []
        counts.append((len(again.captured_queries), len(after_a_gift.captured_queries)))
    # Served again: the content version only. After a change: the closed years, the books'
    # version up to the year, the campaign, the prisoners and the categories besides.
    assert counts == [(1, 6), (1, 6)]
