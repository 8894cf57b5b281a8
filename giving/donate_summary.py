"""The words by the donate form's button: the summary ("€15 a month for Ana Ejemplo —
iDEAL | Wero"), the button's own ("Sponsor Ana Ejemplo with €15 a month") and, for monthly
giving, when the months are collected.

They must follow what the donor ticks, with or without JavaScript. So the server writes a
line for each frequency and preset amount, one for an amount typed in (which only a script
can read back) and one mark per payment method, each with a class naming what it belongs
to (`pick-o2`: one-off, third preset; `pick-mx`: monthly, typed; `pick-method1`); donate.css
shows the lines of what is ticked, and without `:has()` the line of the server's own reading
(`initial`). static/js/donate.js replaces them all with the one sentence it builds from
`summary_templates`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from crowdfund.money import format_eur
from ledger.models import Donation
from ledger.models.donation import fund_label
from sponsorships.schedule import collection_day_if_started, collection_words

# donate.css has a rule for this many preset amounts of each frequency, and for this many
# payment methods (tests/donations/test_donate_summary.py keeps the settings within them).
MAX_PRESETS = 6
MAX_METHODS = 8


@dataclass(frozen=True)
class Line:
    """The words for one frequency and amount."""

    key: str
    summary: str
    button: str
    # Monthly only: "€15 on or around the 7th of every month; stop any time …".
    collection: str
    initial: bool


@dataclass(frozen=True)
class MethodMark:
    key: str
    text: str
    initial: bool


def short_eur(amount: Decimal, language: str) -> str:
    """€25, or €12.50 when there are cents: as the preset buttons write it."""
    return format_eur(amount, language, cents=amount != amount.to_integral_value())


class DonateSummaryMixin:
    """For `DonationForm`: what the summary, the button and the collection line say."""

    def summary_templates(self) -> dict[str, str]:
        """The summary's wording, also handed to static/js/donate.js to refresh it."""
        when = collection_words(collection_day_if_started())
        return {
            "with_method": _("%(amount)s for %(fund)s — %(method)s"),
            "without_method": _("%(amount)s for %(fund)s"),
            "general": fund_label(None),
            "none": _("Your gift"),
            "monthly_with_method": _("%(amount)s a month for %(fund)s — %(method)s"),
            "monthly_without_method": _("%(amount)s a month for %(fund)s"),
            "monthly_none": _("Your monthly gift for %(fund)s"),
            "button": _("Continue to payment"),
            "monthly_button": _("Sponsor %(fund)s with %(amount)s a month"),
            "collection": _("%(amount)s %(when)s; stop any time with the link in every email.")
            % {"amount": "%(amount)s", "when": when},
            "collection_none": _("Collected %(when)s; stop any time with the link in every email.")
            % {"when": when},
        }

    def is_monthly(self) -> bool:
        return self._value("frequency") == Donation.Frequency.MONTHLY

    def summary_lines(self) -> list[Line]:
        words = self.summary_templates()
        fund = fund_label(self._chosen_prisoner())
        typed = bool(self._value("other_amount").strip())
        lines = []
        for monthly, name, prefix in ((False, "preset", "o"), (True, "monthly_preset", "m")):
            chosen = self._value(name)
            initial_frequency = monthly == self.is_monthly()
            for index, (value, _label) in enumerate(self.fields[name].choices[:MAX_PRESETS]):
                amount = short_eur(Decimal(value), self.language)
                lines.append(
                    self._line(
                        f"pick-{prefix}{index}",
                        words,
                        monthly=monthly,
                        fund=fund,
                        amount=amount,
                        initial=initial_frequency and not typed and chosen == value,
                    )
                )
            offered = [value for value, _label in self.fields[name].choices]
            lines.append(
                self._line(
                    f"pick-{prefix}x",
                    words,
                    monthly=monthly,
                    fund=fund,
                    amount=None,
                    initial=initial_frequency and (typed or chosen not in offered),
                )
            )
        return lines

    def _line(self, key, words, *, monthly: bool, fund: str, amount: str | None, initial: bool):
        parts = {"fund": fund, "amount": amount or words["none"]}
        if not monthly:
            return Line(key, words["without_method"] % parts, words["button"], "", initial)
        if amount is None:
            return Line(
                key,
                words["monthly_none"] % parts,
                words["button"],
                words["collection_none"],
                initial,
            )
        return Line(
            key,
            words["monthly_without_method"] % parts,
            words["monthly_button"] % parts,
            words["collection"] % parts,
            initial,
        )

    def method_marks(self) -> list[MethodMark]:
        chosen = self._value("method")
        return [
            MethodMark(f"pick-method{index}", f" — {label}", value == chosen)
            for index, (value, label) in enumerate(self.fields["method"].choices[:MAX_METHODS])
        ]

    def _chosen_prisoner(self):
        slug = self._value("prisoner")
        return next((p for p in self.fields["prisoner"].queryset if p.slug == slug), None)

    def _value(self, name: str) -> str:
        value = self[name].value()
        return "" if value is None else str(value)
