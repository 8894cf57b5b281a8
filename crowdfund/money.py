"""Parsing and formatting of euro amounts. Money is a Decimal with two places, never a float."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
# Currency words a donor may write before or after the number: "€ 25", "25 euro", "EUR 25".
CURRENCY_WORDS = re.compile(r"(?:€|euros|euro|eur)?(?P<number>.*?)(?:€|euros|euro|eur)?", re.DOTALL)
WHITESPACE = re.compile(r"\s+")
# A space between digits groups thousands ("1 000") or it is a slip: "32 50" is not 3250.
SPACED_DIGITS = re.compile(r"\d\s+(?!\d{3}(?!\d))\d")
# One minus (a hyphen, or U+2212 as a copied amount may carry), before or after the
# currency: "-5", "−€ 5", "€ -5".
LEADING_MINUS = re.compile(r"(?P<currency>€|euros|euro|eur)?[-\u2212](?P<rest>.*)", re.DOTALL)
# One to three digits, one separator, three digits: "32,500" (32,50? 32500?).
LONE_SEPARATOR = re.compile(r"\d{1,3}(?P<mark>[.,])\d{3}")
# "25,-" and "25,--": the Dutch way of writing whole euros.
WHOLE_EUROS = re.compile(r"(?P<number>.*?)[.,]-{1,2}")
PLAIN = re.compile(r"\d{1,9}")
# Thousands grouped in threes, the first group without a leading zero: "1.000", "12,345,678".
GROUPED = r"[1-9]\d{{0,2}}(?:{sep}\d{{3}})+"
DOT_GROUPED = re.compile(GROUPED.format(sep=r"\."))
COMMA_GROUPED = re.compile(GROUPED.format(sep=","))
# Whole part, one decimal separator, one or two cents digits.
DECIMAL = re.compile(r"(?P<whole>[\d.,]+)(?P<sep>[.,])(?P<cents>\d{1,2})")


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


def parse_typed_amount(
    raw: str, *, signed: bool = False, language: str | None = None
) -> Decimal | None:
    """An amount as a person types it, or None when it cannot be read one way only.

    Understood: "30", "30,50", "30.50", "25,-", "€ 25", "25 euro", "EUR 25", "1.000" and
    "1,000" (one thousand: a single separator followed by exactly three digits groups
    thousands), "1.000,50", "1,000.50" and "1 000,50". Refused: exponents, three decimals after
    a grouped number ("1.000.5"), mixed grouping ("1.000,000"), a space that groups no
    thousands ("32 50") and anything else.

    `signed` also reads one leading minus ("-32,50", "€ −32,50"); otherwise a sign is refused.
    With a `language`, a lone separator before three digits is refused where that language
    writes its cents after it ("32,500" in Dutch or Spanish, "32.500" in English): the person
    may have meant 32,50, and reading a thousand times more would be worse than asking.
    """
    if SPACED_DIGITS.search(raw):
        return None
    text = WHITESPACE.sub("", raw.lower())
    negative = False
    minus = LEADING_MINUS.fullmatch(text) if signed else None
    if minus:
        text, negative = (minus.group("currency") or "") + minus.group("rest"), True
    number = CURRENCY_WORDS.fullmatch(text).group("number")
    if language is not None and _cents_mark_before_three_digits(number, language):
        return None
    amount = _unsigned(number)
    return -amount if amount is not None and negative else amount


def _cents_mark_before_three_digits(number: str, language: str) -> bool:
    lone = LONE_SEPARATOR.fullmatch(number)
    return bool(lone) and lone.group("mark") == ("." if language.startswith("en") else ",")


def _unsigned(text: str) -> Decimal | None:
    whole = WHOLE_EUROS.fullmatch(text)
    if whole:
        text = whole.group("number")
        return _whole_euros(text)
    decimal = DECIMAL.fullmatch(text)
    if decimal:
        euros = _whole_euros(decimal.group("whole"))
        if euros is None or decimal.group("sep") in decimal.group("whole"):
            return None
        return euros + Decimal(decimal.group("cents").ljust(2, "0")) / 100
    return _whole_euros(text)


def _is_grouped(text: str) -> bool:
    return bool(DOT_GROUPED.fullmatch(text) or COMMA_GROUPED.fullmatch(text))


def _whole_euros(text: str) -> Decimal | None:
    if PLAIN.fullmatch(text):
        return Decimal(text).quantize(CENT)
    if _is_grouped(text):
        digits = text.replace(".", "").replace(",", "")
        return Decimal(digits).quantize(CENT) if len(digits) <= 9 else None
    return None


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


def format_typed(amount: Decimal, language: str) -> str:
    """An amount as a donor of this language would type it in a field: "25,00" or "25.00"."""
    text = f"{to_amount(amount):.2f}"
    return text if language.startswith("en") else text.replace(".", ",")


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
