from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from donations.models import Donation, Purpose
from donations.money import format_eur, parse_typed_amount
from prisoners.models import Prisoner


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


METHOD_LABELS = {
    "ideal": _("iDEAL | Wero"),
    "mollie": _("Bancontact and other methods (Mollie)"),
    "card": _("Card, Apple Pay or Google Pay"),
    "bank_transfer": _("Bank transfer"),
    "demo": _("Demo checkout (no real money)"),
}


class DonationForm(forms.Form):
    # An unticked preset is None, not "": clean() compares it with the bounds.
    preset = forms.TypedChoiceField(
        label=_("Amount"),
        required=False,
        coerce=Decimal,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    other_amount = forms.CharField(
        label=_("Another amount (EUR)"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    prisoner = forms.ModelChoiceField(
        label=_("Who is your gift for?"),
        queryset=Prisoner.objects.none(),
        required=False,
        empty_label=_("Where it is needed most"),
        to_field_name="slug",
    )
    purpose = forms.ChoiceField(
        label=_("For what?"),
        required=False,
        choices=[("", _("Whatever is most urgent")), *Purpose.choices],
        widget=forms.RadioSelect,
    )
    donor_name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    is_anonymous = forms.BooleanField(label=_("Give anonymously"), required=False)
    donor_email = forms.EmailField(
        label=_("Email for your receipt"),
        # The column's width; the form's default (320) let a longer address reach the database.
        max_length=254,
        help_text=_("We only use it for the receipt. It is never shown."),
    )
    public_message = forms.CharField(
        label=_("Message of support (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message_is_public = forms.BooleanField(
        label=_("Show my message on the prisoner's page"), required=False
    )
    # Not required: a form without it (an old page, a restyled one) signs with the first name.
    message_signature = forms.TypedChoiceField(
        label=_("Sign my message with"),
        choices=Donation.Signature.choices,
        initial=Donation.Signature.FIRST_NAME,
        required=False,
        empty_value=Donation.Signature.FIRST_NAME,
        widget=forms.RadioSelect,
        help_text=_("Messages appear once someone from the foundation has read them."),
    )
    method = forms.ChoiceField(label=_("How do you want to pay?"), widget=forms.RadioSelect)
    # A field people never see; bots fill it in.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, methods: list[str], prisoners, language: str, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["prisoner"].queryset = prisoners
        self.fields["preset"].choices = [
            (str(p), format_eur(p, language)) for p in settings.DONATION_PRESETS
        ]
        self.fields["method"].choices = [(m, METHOD_LABELS[m]) for m in methods]
        if len(methods) == 1:
            self.fields["method"].initial = methods[0]
        self.language = language

    def clean_other_amount(self) -> Decimal | None:
        raw = self.cleaned_data["other_amount"]
        if not raw.strip():
            return None
        amount = parse_typed_amount(raw)
        if amount is None:
            raise forms.ValidationError(_("Enter an amount in euros, for example 30 or 30,50."))
        return amount

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    def clean(self):
        data = super().clean()
        if "other_amount" in self.errors:
            return data
        amount = data.get("other_amount")
        if amount is None:
            amount = data.get("preset")
        low, high = settings.DONATION_MIN, settings.DONATION_MAX
        if amount is None:
            self.add_error("other_amount", _("Choose an amount or type another one."))
        elif not low <= amount <= high:
            self.add_error(
                "other_amount",
                _("Give between %(min)s and %(max)s online. For more, please use a bank transfer.")
                % {"min": format_eur(low, self.language), "max": format_eur(high, self.language)},
            )
        else:
            data["amount"] = amount
        if not data.get("is_anonymous") and not data.get("donor_name"):
            self.add_error("donor_name", _("Give your name, or tick “Give anonymously”."))
        return data
