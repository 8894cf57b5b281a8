"""How donors type amounts, the Dutch way included; see donations/money.py."""

from decimal import Decimal

import pytest

from donations.money import parse_typed_amount


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("25", "25.00"),
        ("25,-", "25.00"),
        ("25,--", "25.00"),
        ("€ 25", "25.00"),
        ("€25", "25.00"),
        ("25 €", "25.00"),
        ("25 euro", "25.00"),
        ("25 euros", "25.00"),
        ("EUR 25", "25.00"),
        ("eur25", "25.00"),
        ("1.000", "1000.00"),
        ("1,000", "1000.00"),
        ("1.000,50", "1000.50"),
        ("1,000.50", "1000.50"),
        ("1.000,-", "1000.00"),
        ("€ 1.000,50", "1000.50"),
        ("30,50", "30.50"),
        ("30.5", "30.50"),
        ("1,5", "1.50"),
        ("1.000.000,5", "1000000.50"),
        ("12.345", "12345.00"),
    ],
)
def test_it_reads_amounts_written_the_dutch_and_the_english_way(typed, expected):
    assert parse_typed_amount(typed) == Decimal(expected)


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "€",
        "euro",
        "abc",
        "-20",
        "+20",
        "1e3",
        "NaN",
        "Infinity",
        "5 - 10",
        "1.2.3",
        "1.00.0",
        "12,34,5",
        "1.000.5",
        "1.000,000",
        "1,000.000",
        "0.500",
        "25,---",
        "30,5050",
        "1.000.000.000",
    ],
)
def test_it_refuses_what_can_be_read_more_than_one_way_or_not_at_all(junk):
    assert parse_typed_amount(junk) is None
