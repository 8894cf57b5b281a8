"""How donors type amounts, the Dutch way included; see crowdfund/money.py."""

from decimal import Decimal

import pytest

from crowdfund.money import parse_typed_amount


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
        ("1 000", "1000.00"),
        ("1 000,50", "1000.50"),
        ("1 000 000", "1000000.00"),
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
        "32 50",
        "3 2,50",
        "1 00",
        "1 0000",
    ],
)
def test_it_refuses_what_can_be_read_more_than_one_way_or_not_at_all(junk):
    assert parse_typed_amount(junk) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("-5", "-5.00"),
        ("-32,50", "-32.50"),
        ("\u221232,50", "-32.50"),
        ("- € 32,50", "-32.50"),
        ("€ -32,50", "-32.50"),
        ("EUR -1.000,50", "-1000.50"),
        ("32,50", "32.50"),
    ],
)
def test_it_reads_a_minus_only_where_one_is_allowed(typed, expected):
    assert parse_typed_amount(typed, signed=True) == Decimal(expected)
    if typed.lstrip("€EUR ")[:1] in "-\u2212":
        assert parse_typed_amount(typed) is None


@pytest.mark.parametrize("junk", ["--5", "-+5", "5-", "+5", "-", "-€", "- -5", "€-€5"])
def test_it_refuses_any_other_sign(junk):
    assert parse_typed_amount(junk, signed=True) is None


@pytest.mark.parametrize(
    ("typed", "language", "expected"),
    [
        # A comma is where Dutch and Spanish write cents: "32,500" may be 32,50 mistyped.
        ("32,500", "nl", None),
        ("1,000", "es", None),
        ("32.500", "nl", "32500.00"),
        ("32,500", "en", "32500.00"),
        # A point is where English writes cents.
        ("32.500", "en", None),
        ("€ 1.000", "en", None),
        # Two groups, or cents after them, can only be read one way.
        ("1.000.000", "en", "1000000.00"),
        ("1,000,000", "nl", "1000000.00"),
        ("1,000.50", "en", "1000.50"),
        ("1.000,50", "nl", "1000.50"),
        ("32,50", "en", "32.50"),
        ("32.50", "nl", "32.50"),
    ],
)
def test_it_refuses_a_lone_separator_where_the_readers_language_writes_cents(
    typed, language, expected
):
    result = parse_typed_amount(typed, language=language)
    assert result == (None if expected is None else Decimal(expected))
