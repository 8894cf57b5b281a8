from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ledger.models import Expense, FundTransfer
from ledger.receipts import receipt_kind, suffix_of


class ExpenseForm(forms.ModelForm):
    class Meta:
        model = Expense
        fields = ["date", "amount", "prisoner", "category", "description", "receipt"]

    def clean_receipt(self):
        receipt = self.cleaned_data.get("receipt")
        if not receipt or not hasattr(receipt, "content_type"):
            return receipt  # unchanged
        if receipt.size > settings.RECEIPT_MAX_BYTES:
            limit = settings.RECEIPT_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(_("A receipt may be at most %(mb)d MB.") % {"mb": limit})
        # By content, not by name or the browser's content type: both are the uploader's say.
        kind = receipt_kind(receipt)
        if kind is None:
            raise forms.ValidationError(_("Upload the receipt as a PDF, JPEG or PNG file."))
        # A name that lies about the content would open in the wrong program on download.
        if suffix_of(receipt.name) not in kind.suffixes:
            raise forms.ValidationError(
                _("This file is a %(kind)s, but its name ends in “%(suffix)s”. Rename it.")
                % {"kind": kind.label, "suffix": suffix_of(receipt.name) or "…"}
            )
        receipt.name = f"receipt{kind.suffix}"
        return receipt


class FundTransferForm(forms.ModelForm):
    class Meta:
        model = FundTransfer
        fields = ["date", "amount", "from_prisoner", "to_prisoner", "reason"]

    def clean(self):
        data = super().clean()
        if data.get("from_prisoner") == data.get("to_prisoner"):
            raise forms.ValidationError(_("Choose two different funds."))
        return data
