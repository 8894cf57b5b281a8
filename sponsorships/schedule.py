"""When a sponsorship's months are collected, and how the site says so.

Every provider collects the later months on the day of the month the first one was paid:
- Mollie: the subscription starts one month after the first payment's day (`startDate`;
  31 January gives 28 February) and runs with `interval: 1 month`. Mollie makes each
  payment on its day; a SEPA Direct Debit then takes a few working days to be collected.
- Stripe: Checkout creates the subscription when the first payment is made, and its billing
  cycle anchor is that moment: each month's invoice comes on the same day (a shorter month's
  last day instead of the 29th to 31st), and Stripe retries a failed one for days.
- The demo collects a month only when `demo_charge_month` runs.
So the site says "on or around" that day, never a promise to the day; and from the 29th on,
"around the end of every month", because shorter months move it.
"""

from __future__ import annotations

from datetime import date

from django.contrib.humanize.templatetags.humanize import ordinal
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ledger.models import Donation
from sponsorships.models import Sponsorship

# From this day on, a month without it moves the collection (Stripe: to its last day;
# Mollie: the start date does).
MOVING_DAYS_FROM = 29


def collection_day_if_started(today: date | None = None) -> int:
    """The day of the month a sponsorship started now is collected: the first month is paid
    today, the later ones on or around the same day."""
    return (today or timezone.localdate()).day


def collection_day(sponsorship: Sponsorship, first: Donation | None = None) -> int | None:
    """The day of the month later months are collected: the day the sponsorship started
    (the first month was paid). None before it was paid."""
    first = first or sponsorship.first_donation
    started = sponsorship.started_on or (first.received_on if first else None)
    return started.day if started else None


def collection_when(sponsorship: Sponsorship, first: Donation | None = None) -> str:
    """ "on or around the 7th of every month" for this sponsorship, or "" before it started."""
    day = collection_day(sponsorship, first)
    return collection_words(day) if day else ""


def day_ordinal(day: int) -> str:
    """ "7th", "7e"; Spanish names a day of the month with the plain number (el día 7)."""
    if (get_language() or "").startswith("es"):
        return str(day)
    return ordinal(day)


def collection_words(day: int) -> str:
    """ "on or around the 7th of every month", in the active language."""
    if day >= MOVING_DAYS_FROM:
        return _("around the end of every month")
    return _("on or around the %(day)s of every month") % {"day": day_ordinal(day)}
