from decimal import Decimal

import pytest

from crowdfund.money import format_eur, to_amount


@pytest.mark.parametrize(
    ("amount", "lang", "expected"),
    [
        ("1234.5", "nl", "€ 1.234,50"),
        ("1234.5", "es", "€ 1.234,50"),
        ("1234.5", "en", "€1,234.50"),
        ("0", "en", "€0.00"),
        ("1000000", "nl", "€ 1.000.000,00"),
        ("-12.3", "en", "-€12.30"),
        ("999.995", "nl", "€ 1.000,00"),
    ],
)
def test_it_formats_euros_per_language(amount, lang, expected):
    assert format_eur(Decimal(amount), lang) == expected


def test_it_refuses_floats():
    with pytest.raises(TypeError):
        to_amount(0.1)


@pytest.mark.parametrize("raw", ["abc", "", "NaN", "Infinity"])
def test_it_refuses_non_amounts(raw):
    with pytest.raises(ValueError):
        to_amount(raw)


def test_it_keeps_cents_exact():
    assert to_amount("0.1") + to_amount("0.2") == Decimal("0.30")


@pytest.mark.parametrize(
    ("lang", "expected"), [("nl", "€ 1.235"), ("es", "€ 1.235"), ("en", "€1,235")]
)
def test_it_formats_whole_euros(lang, expected):
    assert format_eur(Decimal("1234.50"), lang, cents=False) == expected
