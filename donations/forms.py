from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class TransferAmountForm(forms.Form):
    """The amount to prefill in the bank-transfer QR code; the donor can still change it."""

    amount = forms.DecimalField(
        label=_("Amount for the QR code (EUR)"),
        min_value=Decimal("1.00"),
        max_value=Decimal("100000.00"),
        decimal_places=2,
        initial=Decimal("25.00"),
        localize=True,
    )
