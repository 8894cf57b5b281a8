from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from donations.models import Donation, Purpose
from donations.models.donation import fund_label
from donations.money import MAX_AMOUNT, format_eur, parse_typed_amount
from donations.providers import METHODS
from prisoners.models import Prisoner, prisoner_slug


class TypedAmountField(forms.CharField):
    """An amount as people type it ("25", "25,-", "€ 1.000,50"); see money.parse_typed_amount."""

    def __init__(self, *, min_value: Decimal, max_value: Decimal, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)
        self.min_value, self.max_value = min_value, max_value

    def clean(self, value) -> Decimal | None:
        raw = super().clean(value)
        if not raw.strip():
            return None
        amount = parse_typed_amount(raw)
        if amount is None:
            raise forms.ValidationError(_("Enter an amount in euros, for example 30 or 30,50."))
        if not self.min_value <= amount <= self.max_value:
            lang = get_language()
            raise forms.ValidationError(
                _("Enter an amount between %(min)s and %(max)s.")
                % {"min": format_eur(self.min_value, lang), "max": format_eur(self.max_value, lang)}
            )
        return amount


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


class ErrorSummaryMixin:
    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in the order of the form."""
        links = [("", str(error)) for error in self.non_field_errors()]
        for name, field in self.fields.items():
            for error in self.errors.get(name, []):
                anchor = self[name].auto_id
                if isinstance(field.widget, forms.RadioSelect):
                    anchor += "_0"
                links.append((anchor, str(error)))
        return links


CONSENT_MISSING = _(
    "To give online we need your consent. If you prefer to leave no details, choose bank"
    " transfer: it needs no name and no email."
)
CONSENT_MISSING_EMAIL = _(
    "To email you we need your consent. You can also transfer without leaving any details."
)


class TransferAmountForm(forms.Form):
    """The amount to prefill in the bank-transfer QR code; the donor can still change it."""

    amount = TypedAmountField(
        label=_("Amount for the QR code (EUR)"),
        min_value=Decimal("1.00"),
        max_value=Decimal("100000.00"),
    )


class TransferEmailForm(ErrorSummaryMixin, forms.Form):
    """The donor asks for the bank details by email, and gets a reference of their own."""

    amount = TypedAmountField(
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
# What sponsorship_start can charge every month: the online methods (a mandate or a card).
MONTHLY_METHODS = frozenset(METHODS)
# A mandate without a first payment: only a sponsorship can use it. donate.css shows these
# methods only while "monthly" is chosen.
MONTHLY_ONLY_METHODS = frozenset({"sepa_debit"})
ONE_OFF_NEEDS_ANOTHER_METHOD = _(
    "SEPA Direct Debit is for monthly sponsorships. To give once, choose another way to pay."
)
MONTHLY_NEEDS_ONLINE = _(
    "Monthly giving needs a payment method we can charge every month: iDEAL | Wero or a card."
    " Choose one of those, or give once by bank transfer."
)


def preferred_method(methods: list[str], language: str) -> str | None:
    """iDEAL | Wero for Dutch, card otherwise, else the first online method enabled."""
    online = [m for m in methods if m not in OFFLINE_METHODS]
    for method in PREFERRED_METHODS.get(language, DEFAULT_PREFERRED):
        if method in online:
            return method
    return online[0] if online else None


class DonationForm(ErrorSummaryMixin, forms.Form):
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
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
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
        choices=Donation.Signature.choices,
        initial=Donation.Signature.FIRST_NAME,
        required=False,
        empty_value=Donation.Signature.FIRST_NAME,
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
        self.fields["method"].initial = preferred_method(methods, language)
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
        offline = data.get("method") in OFFLINE_METHODS
        if self.is_monthly() and data.get("method") and data["method"] not in MONTHLY_METHODS:
            self.add_error("method", MONTHLY_NEEDS_ONLINE)
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
        """Each method's radio button, its mark (a static path), and whether it is monthly only."""
        return [
            (radio, METHOD_ICONS[radio.data["value"]], radio.data["value"] in MONTHLY_ONLY_METHODS)
            for radio in self["method"]
        ]

    def summary(self) -> str:
        """ "€ 25 for Ana Ejemplo — iDEAL | Wero", from what is chosen now (or at first)."""
        amount = self._chosen_amount()
        prisoner = self._chosen_prisoner()
        method = dict(self.fields["method"].choices).get(self._value("method"))
        words = self.summary_templates()
        if self.is_monthly():
            words = {**words, "with_method": words["monthly_with_method"]}
            words["without_method"] = words["monthly_without_method"]
        parts = {
            "amount": (
                format_eur(amount, self.language, cents=amount != amount.to_integral_value())
                if amount
                else words["none"]
            ),
            "fund": fund_label(prisoner),
            "method": method,
        }
        return (words["with_method"] if method else words["without_method"]) % parts

    def summary_templates(self) -> dict[str, str]:
        """The summary's wording, also handed to static/js/donate.js to refresh it."""
        return {
            "with_method": _("%(amount)s for %(fund)s — %(method)s"),
            "without_method": _("%(amount)s for %(fund)s"),
            "general": fund_label(None),
            "none": _("Your gift"),
            "monthly_with_method": _("%(amount)s a month for %(fund)s — %(method)s"),
            "monthly_without_method": _("%(amount)s a month for %(fund)s"),
            "button": _("Continue to payment"),
            "monthly_button": _("Sponsor %(fund)s with %(amount)s a month"),
        }

    def is_monthly(self) -> bool:
        return self._value("frequency") == Donation.Frequency.MONTHLY

    def submit_label(self) -> str:
        """The button's words: "Sponsor Ana Ejemplo with €15 a month" when monthly."""
        words = self.summary_templates()
        if not self.is_monthly():
            return words["button"]
        amount = self._chosen_amount()
        if not amount:
            return words["button"]
        return words["monthly_button"] % {
            "fund": fund_label(self._chosen_prisoner()),
            "amount": format_eur(amount, self.language, cents=amount != amount.to_integral_value()),
        }

    def _chosen_prisoner(self) -> Prisoner | None:
        slug = self._value("prisoner")
        return next((p for p in self.fields["prisoner"].queryset if p.slug == slug), None)

    def _value(self, name: str) -> str:
        value = self[name].value()
        return "" if value is None else str(value)

    def _chosen_amount(self) -> Decimal | None:
        other = self._value("other_amount").strip()
        if other:
            return parse_typed_amount(other)
        # Only an offered preset: the posted value is whatever the client sent.
        name = "monthly_preset" if self.is_monthly() else "preset"
        preset = self._value(name)
        offered = {value for value, _label in self.fields[name].choices}
        return Decimal(preset) if preset in offered else None
