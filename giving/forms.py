from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from crowdfund.amount_field import AmountField
from crowdfund.forms import ErrorSummaryMixin
from crowdfund.money import MAX_AMOUNT, format_eur, parse_typed_amount
from giving.donate_summary import DonateSummaryMixin
from ledger.models import Donation, Purpose
from messages_of_support.models import MessageOfSupport
from payments.providers import charges_monthly
from prisoners.models import Prisoner, prisoner_slug


class PrisonerField(forms.ModelChoiceField):
    """A prisoner chosen by web address. A value that can never be one is refused like an
    unknown prisoner, before the lookup: a NUL byte would make PostgreSQL raise."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Prisoner.objects.none(), to_field_name="slug", **kwargs)

    def to_python(self, value):
        if value not in self.empty_values and not prisoner_slug(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


CONSENT_MISSING = _(
    "To give online we need your consent. If you prefer to leave no details, choose bank"
    " transfer: it needs no name and no email."
)
CONSENT_MISSING_EMAIL = _(
    "To email you we need your consent. You can also transfer without leaving any details."
)


class TransferAmountForm(forms.Form):
    """The amount to prefill in the bank-transfer QR code; the donor can still change it."""

    amount = AmountField(
        label=_("Amount for the QR code (EUR)"),
        min_value=Decimal("1.00"),
        max_value=Decimal("100000.00"),
    )


class TransferEmailForm(ErrorSummaryMixin, forms.Form):
    """The donor asks for the bank details by email, and gets a reference of their own."""

    amount = AmountField(
        label=_("Amount (EUR)"),
        min_value=Decimal("1.00"),
        max_value=Decimal("100000.00"),
    )
    prisoner = PrisonerField(required=False, widget=forms.HiddenInput)
    donor_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send the details once, and a thank-you when your gift arrives."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the foundation keeps my name, email and gift to process it. Giving to"
            " political prisoners may reveal my political views; the foundation keeps only what"
            " it needs, for as long as the privacy statement says."
        ),
        required=True,
        error_messages={"required": CONSENT_MISSING_EMAIL},
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, prisoners, **kwargs):
        # Its own ids: it shares the bank-transfer page with the QR code's amount field.
        super().__init__(*args, label_suffix="", auto_id="email_%s", **kwargs)
        self.fields["prisoner"].queryset = prisoners

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Leave this field empty."))
        return ""


METHOD_LABELS = {
    "ideal": _("iDEAL | Wero"),
    "mollie": _("Bancontact and other methods (Mollie)"),
    "card": _("Card, Apple Pay or Google Pay"),
    "sepa_debit": _("SEPA Direct Debit"),
    "bank_transfer": _("Bank transfer"),
    "demo": _("Demo checkout (no real money)"),
}
# Self-drawn marks under static/img/ (see the README on why they are not the brands' logos).
METHOD_ICONS = {
    "ideal": "img/method-ideal.svg",
    "mollie": "img/method-other.svg",
    "card": "img/method-card.svg",
    "sepa_debit": "img/method-bank.svg",
    "bank_transfer": "img/method-bank.svg",
    "demo": "img/method-demo.svg",
}
# What most donors of a language pay with; the first one enabled is preselected.
PREFERRED_METHODS = {"nl": ["ideal", "card"]}
DEFAULT_PREFERRED = ["card", "ideal"]
OFFLINE_METHODS = {"bank_transfer"}
# A mandate without a first payment: only a sponsorship can use it. donate.css shows these
# methods only while "monthly" is chosen, and the methods that cannot be charged every month
# (providers.charges_monthly) only while "one-off" is.
MONTHLY_ONLY_METHODS = frozenset({"sepa_debit"})
ONE_OFF_NEEDS_ANOTHER_METHOD = _(
    "SEPA Direct Debit is for monthly sponsorships. To give once, choose another way to pay."
)
CANNOT_BE_MONTHLY = _(
    "%(method)s cannot be collected every month. Choose another way to pay, or give once."
)
NO_MONTHLY_METHOD = _("Monthly giving is not possible at the moment. You can give once.")


def preferred_method(methods: list[str], language: str) -> str | None:
    """iDEAL | Wero for Dutch, card otherwise, else the first online method enabled."""
    online = [m for m in methods if m not in OFFLINE_METHODS]
    for method in PREFERRED_METHODS.get(language, DEFAULT_PREFERRED):
        if method in online:
            return method
    return online[0] if online else None


class DonationForm(DonateSummaryMixin, ErrorSummaryMixin, forms.Form):
    # Not required: a form without it (an old page, a bookmarked one) gives once.
    frequency = forms.TypedChoiceField(
        label=_("How often?"),
        choices=Donation.Frequency.choices,
        initial=Donation.Frequency.ONE_OFF,
        required=False,
        empty_value=Donation.Frequency.ONE_OFF,
        widget=forms.RadioSelect,
    )
    # An unticked preset is None, not "": clean() compares it with the bounds.
    preset = forms.TypedChoiceField(
        label=_("Amount"),
        required=False,
        coerce=Decimal,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    # Its own buttons: a month's gift is smaller. CSS shows the set that fits the frequency.
    monthly_preset = forms.TypedChoiceField(
        label=_("Amount per month"),
        required=False,
        coerce=Decimal,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    other_amount = forms.CharField(
        label=_("Another amount (EUR)"),
        required=False,
        max_length=20,
        # The blank placeholder lets donate.css tell a typed amount (:placeholder-shown).
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": " "}
        ),
    )
    prisoner = PrisonerField(
        label=_("Who is your gift for?"),
        required=False,
        empty_label=_("Where it is needed most"),
    )
    purpose = forms.ChoiceField(
        label=_("For what?"),
        required=False,
        choices=[("", _("Whatever is most urgent")), *Purpose.choices],
        widget=forms.RadioSelect,
    )
    donor_name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    is_anonymous = forms.BooleanField(label=_("Give anonymously"), required=False)
    donor_email = forms.EmailField(
        label=_("Email for your receipt"),
        # Required for online payments only; clean() says so. A bank transfer needs none.
        required=False,
        # The column's width; the form's default (320) let a longer address reach the database.
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
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
        choices=MessageOfSupport.Signature.choices,
        initial=MessageOfSupport.Signature.FIRST_NAME,
        required=False,
        empty_value=MessageOfSupport.Signature.FIRST_NAME,
        widget=forms.RadioSelect,
        help_text=_("Messages appear once someone from the foundation has read them."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the foundation keeps my name, email and gift to process it. Giving to"
            " political prisoners may reveal my political views; the foundation keeps only what"
            " it needs, for as long as the privacy statement says."
        ),
        required=False,
    )
    method = forms.ChoiceField(label=_("How do you want to pay?"), widget=forms.RadioSelect)
    # A field people never see; bots fill it in.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, methods: list[str], prisoners, language: str, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["prisoner"].queryset = prisoners
        self.fields["preset"].choices = [
            (str(p), format_eur(p, language, cents=False)) for p in settings.DONATION_PRESETS
        ]
        self.fields["monthly_preset"].choices = [
            (str(p), format_eur(p, language, cents=False))
            for p in settings.DONATION_MONTHLY_PRESETS
        ]
        self.fields["method"].choices = [(m, METHOD_LABELS[m]) for m in methods]
        self.monthly_methods = [m for m in methods if charges_monthly(m)]
        self.once_only = [m for m in methods if m not in self.monthly_methods]
        self.language = language
        if not self.monthly_methods:
            # A link to monthly giving while no provider can charge every month: give once.
            self.initial["frequency"] = Donation.Frequency.ONE_OFF
        # Preselected among the methods the frequency chosen at first offers; donate.js
        # moves the choice when the frequency changes and the method is not offered for it.
        once = [m for m in methods if m not in MONTHLY_ONLY_METHODS]
        self.method_defaults = {
            "once": preferred_method(once, language) or "",
            "monthly": preferred_method(self.monthly_methods, language) or "",
        }
        chosen = "monthly" if self.is_monthly() else "once"
        self.fields["method"].initial = self.method_defaults[chosen] or None

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
        offline = data.get("method") in OFFLINE_METHODS
        if self.is_monthly() and not self.monthly_methods:
            self.add_error(None, NO_MONTHLY_METHOD)
            return data
        if self.is_monthly() and data.get("method") in self.once_only:
            label = dict(self.fields["method"].choices)[data["method"]]
            self.add_error("method", CANNOT_BE_MONTHLY % {"method": label})
            return data
        if not self.is_monthly() and data.get("method") in MONTHLY_ONLY_METHODS:
            self.add_error("method", ONE_OFF_NEEDS_ANOTHER_METHOD)
            return data
        if "other_amount" not in self.errors:
            self._clean_amount(data, offline=offline)
        if offline:
            # The bank-transfer page asks for nothing more; the donor may leave an email there.
            return data
        if not data.get("is_anonymous") and not data.get("donor_name"):
            self.add_error("donor_name", _("Give your name, or tick “Give anonymously”."))
        if not data.get("donor_email") and "donor_email" not in self.errors:
            self.add_error("donor_email", _("Enter your email, so that we can send the receipt."))
        if not data.get("consent"):
            # GDPR art. 9(2)(a): explicit consent, or no personal data at all (bank transfer).
            self.add_error("consent", CONSENT_MISSING)
        return data

    def _clean_amount(self, data: dict, *, offline: bool) -> None:
        amount = data.get("other_amount")
        if amount is None:
            amount = data.get("monthly_preset" if self.is_monthly() else "preset")
        # The online ceiling blunts card testing; a bank transfer has no such risk.
        low, high = settings.DONATION_MIN, MAX_AMOUNT if offline else settings.DONATION_MAX
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

    def method_options(self) -> list[tuple]:
        """Each method's radio button, its mark (a static path), and whether it is only for
        monthly giving or only for giving once."""
        return [
            (
                radio,
                METHOD_ICONS[radio.data["value"]],
                radio.data["value"] in MONTHLY_ONLY_METHODS,
                radio.data["value"] not in self.monthly_methods,
            )
            for radio in self["method"]
        ]

    def once_only_labels(self) -> list[str]:
        """The methods offered that cannot be collected every month (bank transfer)."""
        return [label for value, label in self.fields["method"].choices if value in self.once_only]
