from decimal import Decimal

from django import template
from django.utils.translation import get_language

from crowdfund.money import format_eur

register = template.Library()


@register.filter
def eur(amount: Decimal | None) -> str:
    """Format an amount for the active language: `€ 1.234,50` or `€1,234.50`."""
    return format_eur(amount or Decimal("0"), get_language() or "es")


@register.filter
def eur_whole(amount: Decimal | None) -> str:
    """Whole euros, for public figures that must not reveal a single gift."""
    return format_eur(amount or Decimal("0"), get_language() or "es", cents=False)


@register.filter
def eur_short(amount: Decimal | None) -> str:
    """Cents only when there are any: `€ 25` but `€ 7,50`, as the donate form's buttons."""
    amount = amount or Decimal("0")
    cents = amount != amount.to_integral_value()
    return format_eur(amount, get_language() or "es", cents=cents)


@register.filter
def percent_of(part: Decimal | None, whole: Decimal | None) -> int:
    """Whole-number percentage, capped at 100, for progress bars."""
    if not whole:
        return 0
    return min(100, int((part or Decimal("0")) * 100 // whole))


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.filter
def subtract(value: Decimal | None, other: Decimal | None) -> Decimal:
    return (value or Decimal("0")) - (other or Decimal("0"))


@register.filter
def negative(amount: Decimal | None) -> Decimal:
    """`refunded|negative|eur`: money that went out, shown with its minus sign."""
    return -(amount or Decimal("0"))
