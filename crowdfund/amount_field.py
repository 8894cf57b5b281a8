"""The one form field for an amount of money, on the public forms and in the admin.

A text field with a decimal keyboard, never `type=number`: Chromium drops the comma of
"32,50" from a number field and sends 3250, and Dutch people type commas. What the person
typed is read by `crowdfund.money.parse_typed_amount`, the parser of the donation form, and
what cannot be read one way only is refused with a message.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crowdfund.money import MAX_AMOUNT, format_eur, format_typed, parse_typed_amount


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


class AmountField(forms.Field):
    """An amount in euros as people type it ("25", "32,50", "€ 1.234,56"), as a Decimal.

    `signed` allows a minus (a correction can take money off). `strict` refuses "32,500"
    where the reader's language writes cents after a comma (and "32.500" in English) instead
    of reading thirty-two thousand five hundred: the admin's fields, where a treasurer types
    amounts all day, are strict. A stored amount is shown as the reader would type it:
    "32,50" in Dutch and Spanish, "32.50" in English.
    """

    default_error_messages = {
        "invalid": _("Enter an amount in euros, for example 30 or 30,50."),
        "unclear": _(
            "“%(typed)s” can be read in more than one way. Write the cents after a point,"
            " for example 32.50 or 1,234.56."
        ),
        "range": _("Enter an amount between %(min)s and %(max)s."),
        "at_most": _("An amount may be at most %(max)s."),
    }

    def __init__(
        self,
        *,
        min_value: Decimal | None = None,
        max_value: Decimal = MAX_AMOUNT,
        signed: bool = False,
        strict: bool = False,
        max_length: int = 20,
        # What a model's DecimalField hands its form field (see `MONEY_FORMFIELDS`).
        max_digits: int | None = None,
        decimal_places: int | None = None,
        **kwargs,
    ):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        self.min_value, self.max_value = min_value, max_value
        self.signed, self.strict, self.max_length = signed, strict, max_length
        super().__init__(**kwargs)

    def widget_attrs(self, widget) -> dict:
        return {**super().widget_attrs(widget), "maxlength": str(self.max_length)}

    def prepare_value(self, value):
        # A stored amount (or an initial one) as the reader types it; typed text as typed.
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_typed(Decimal(value), _language())
        return value

    def to_python(self, value) -> Decimal | None:
        if isinstance(value, Decimal):
            return value
        if value in self.empty_values or not str(value).strip():
            return None
        typed = str(value).strip()
        if len(typed) > self.max_length:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        language = _language() if self.strict else None
        amount = parse_typed_amount(typed, signed=self.signed, language=language)
        if amount is None:
            unclear = language is not None and parse_typed_amount(typed, signed=self.signed)
            raise forms.ValidationError(
                self.error_messages["unclear" if unclear else "invalid"],
                code="unclear" if unclear else "invalid",
                params={"typed": typed},
            )
        return amount

    def validate(self, value) -> None:
        super().validate(value)
        if value is None:
            return
        limit = {"min": _eur(self.min_value), "max": _eur(self.max_value)}
        if self.min_value is not None and not self.min_value <= value <= self.max_value:
            raise forms.ValidationError(self.error_messages["range"], "range", limit)
        if abs(value) > self.max_value:
            raise forms.ValidationError(self.error_messages["at_most"], "at_most", limit)


def _eur(amount: Decimal | None) -> str:
    return "" if amount is None else format_eur(amount, _language())


# For a ModelAdmin or an inline (`formfield_overrides`): every money column of its model gets
# the amount field, strict.
MONEY_FORMFIELDS = {models.DecimalField: {"form_class": AmountField, "strict": True}}
