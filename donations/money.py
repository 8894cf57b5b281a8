"""Parsing and formatting of euro amounts. Money is a Decimal with two places, never a float."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
# Plain euros and cents only: no signs, exponents or thousands of decimals.
TYPED_AMOUNT = re.compile(r"\d{1,9}(\.\d{1,2})?")


def to_amount(value: Decimal | int | str) -> Decimal:
    """Exact euro amount from a Decimal, an int or a decimal string; floats are refused."""
    if isinstance(value, float):
        raise TypeError("Money is never a float; pass a Decimal or a string.")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not an amount") from exc
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_typed_amount(raw: str) -> Decimal | None:
    """An amount as a donor types it: "30", "30,50", "€ 1.234,50" or "1,234.50".

    The last separator is the decimal one. Returns None for anything else.
    """
    text = raw.strip().replace("€", "").replace(" ", "")
    if "," in text and text.rfind(",") > text.rfind("."):
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    return Decimal(text) if TYPED_AMOUNT.fullmatch(text) else None


def format_eur(amount: Decimal, language: str, *, cents: bool = True) -> str:
    """`€ 1.234,50` in Spanish and Dutch, `€1,234.50` in English (`€ 1.235` without cents)."""
    amount = to_amount(amount)
    if not cents:
        amount = amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, fraction = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    en = language.startswith("en")
    number = (",".join(groups) if en else ".".join(groups)) + (
        ("." if en else ",") + fraction if cents else ""
    )
    return f"{sign}€{number}" if en else f"{sign}€ {number}"


def from_cents(cents: int) -> Decimal:
    """Exact euros from a provider's integer cents (Stripe), without a float on the way."""
    return (Decimal(int(cents)) / 100).quantize(CENT)


def to_cents(amount: Decimal) -> int:
    return int((to_amount(amount) * 100).to_integral_value())


def to_api_string(amount: Decimal) -> str:
    """Mollie's amount format: a string with exactly two decimals, "25.00"."""
    return f"{to_amount(amount):.2f}"


# One ceiling for every amount in the ledger: a gift, a statement line, a correction or
# spending. Above it an entry is refused with a message, long before a column would overflow.
MAX_AMOUNT = Decimal("9999999.99")
