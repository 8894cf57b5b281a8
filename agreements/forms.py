from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import MAX_YEARS, MIN_YEARS, PeriodicGiftAgreement
from crowdfund.amount_field import AmountField
from crowdfund.forms import ErrorSummaryMixin
from crowdfund.money import MAX_AMOUNT
from donors.models import normalise_email

Agreement = PeriodicGiftAgreement
Way = Agreement.PaymentWay
# What the product can collect: a sponsorship is charged monthly (Sponsorship.Interval has no
# other interval), and a bank transfer the donor makes themselves.
OFFERED_PAYMENT_WAYS = [
    (way.value, way.label) for way in (Way.MONTHLY_SPONSORSHIP, Way.BANK_TRANSFER)
]
# Dates as people type them where the browser shows no date picker.
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"]
ADULT_AGE = 18


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class AgreementForm(ErrorSummaryMixin, forms.Form):
    yearly_amount = AmountField(
        label=_("Amount per year (EUR)"),
        min_value=Decimal("1.00"),
        max_value=MAX_AMOUNT,
        help_text=_("The same amount every year, for example 240 or 1.200,00."),
    )
    duration = forms.ChoiceField(
        label=_("For how long?"), choices=Agreement.Duration.choices, widget=forms.RadioSelect
    )
    duration_years = forms.IntegerField(
        label=_("Number of years"),
        required=False,
        min_value=MIN_YEARS,
        max_value=MAX_YEARS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Only when you choose a number of years: at least 5."),
        error_messages={
            "min_value": _("A periodic gift runs at least 5 years."),
            "max_value": _("Choose at most 50 years, or open-ended."),
        },
    )
    first_year = forms.TypedChoiceField(label=_("First year of payment"), coerce=int)
    payment_way = forms.ChoiceField(
        label=_("How will you pay?"),
        choices=OFFERED_PAYMENT_WAYS,
        widget=forms.RadioSelect,
    )
    given_names = forms.CharField(
        label=_("Given names (in full)"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        help_text=_("All your given names, as in your passport."),
    )
    surname = forms.CharField(
        label=_("Surname"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send the link to sign the agreement here."),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=DATE_FORMATS,
        # Typed, not picked: a date picker makes people scroll back decades to their birth year.
        widget=forms.DateInput(attrs={"autocomplete": "bday"}, format="%d-%m-%Y"),
        help_text=_("Day, month and year, for example 31-12-1980."),
    )
    birth_place = forms.CharField(label=_("Place of birth"), max_length=120)
    street = forms.CharField(
        label=_("Street and house number"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("Town or city"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "country-name"}),
    )
    partner_name = forms.CharField(
        label=_("Your partner's name (optional)"),
        required=False,
        max_length=200,
        help_text=_(
            "If you have a spouse or registered partner, they co-sign: we send them a link."
        ),
    )
    partner_email = forms.EmailField(
        label=_("Your partner's email"), required=False, max_length=254
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the foundation keeps these details to record this agreement, for as"
            " long as Dutch tax law requires. Giving to political prisoners may reveal my"
            " political views; the foundation keeps only what it needs."
        ),
        required=True,
        error_messages={"required": _("To record the agreement we need your consent.")},
    )
    # A field people never see; bots fill it in.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        this_year = timezone.localdate().year
        # The first payment is this year or next; an agreement is never back-dated.
        self.fields["first_year"].choices = [(y, str(y)) for y in (this_year, this_year + 1)]

    def error_links(self) -> list[tuple[str, str]]:
        """As the donate form's, but a missing field is named: on a long form, "This field
        is required." alone does not say which one."""
        fields = {self[name].auto_id: field for name, field in self.fields.items()}
        links = []
        for anchor, message in super().error_links():
            field = fields.get(anchor.removesuffix("_0"))
            if field is not None and message == str(field.error_messages["required"]):
                message = f"{field.label} — {message}"
            links.append((anchor, message))
        return links

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    def clean_birth_date(self) -> date:
        born = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if born > _years_ago(today, ADULT_AGE):
            raise forms.ValidationError(_("You must be 18 or older to make this agreement."))
        if born < _years_ago(today, 120):
            raise forms.ValidationError(_("Check the year of your date of birth."))
        return born

    def clean(self):
        data = super().clean()
        duration = data.get("duration")
        years = data.get("duration_years")
        if duration == Agreement.Duration.YEARS:
            if years is None and "duration_years" not in self.errors:
                self.add_error("duration_years", _("Enter the number of years: at least 5."))
        elif duration == Agreement.Duration.FIVE_YEARS:
            data["duration_years"] = MIN_YEARS
        elif duration == Agreement.Duration.OPEN_ENDED:
            data["duration_years"] = None
        self._clean_partner(data)
        return data

    def _clean_partner(self, data: dict) -> None:
        name, email = data.get("partner_name", ""), data.get("partner_email", "")
        if "partner_email" in self.errors:
            return
        if name and not email:
            self.add_error("partner_email", _("Enter your partner's email, so they can co-sign."))
        elif email and not name:
            self.add_error("partner_name", _("Enter your partner's name."))
        elif (
            email and data.get("email") and normalise_email(email) == normalise_email(data["email"])
        ):
            self.add_error(
                "partner_email", _("Your partner needs their own email address to co-sign.")
            )
