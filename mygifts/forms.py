from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from crowdfund.amount_field import AmountField
from crowdfund.forms import ErrorSummaryMixin
from donors.models import Donor


class LinkRequestForm(ErrorSummaryMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("The address you gave with your gift."),
    )


class AmountForm(ErrorSummaryMixin, forms.Form):
    amount = AmountField(
        label=_("New amount per month (EUR)"),
        min_value=settings.DONATION_MIN,
        max_value=settings.DONATION_MAX,
    )


class StatementForm(forms.Form):
    year = forms.TypedChoiceField(coerce=int, choices=())

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]


def past_years(years: list[int]) -> list[int]:
    """The years a statement may be asked for: only years that are over."""
    this_year = timezone.localdate().year
    return [y for y in years if y < this_year]


def _language_choices() -> list[tuple[str, str]]:
    # Each language in its own words: a donor looks for "Nederlands", not "Dutch".
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class PreferencesForm(ErrorSummaryMixin, forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Language of our emails and documents"), choices=_language_choices
    )

    class Meta:
        model = Donor
        fields = ["wants_monthly_receipts", "wants_annual_statement", "wants_news", "language"]
        labels = {
            "wants_monthly_receipts": _("A receipt every month for my monthly gifts"),
            "wants_annual_statement": _("My annual gift statement each January"),
            "wants_news": _("News about the prisoners and the foundation"),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not settings.SPONSORSHIP_MONTHLY_RECEIPTS:
            # The foundation sends none to anyone; a tick here would promise what never comes.
            del self.fields["wants_monthly_receipts"]
