"""A failed month in the donor's words, and when failures suspend a sponsorship."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from payments.providers import get_provider
from sponsorships.models import Sponsorship

S = Sponsorship.Status

# SEPA reasons after which the mandate cannot be debited again: a new first payment is
# needed. MD07: the debtor died; AC04: the account is closed; MD01: no valid mandate.
MANDATE_ENDING_CODES = {"MD07", "AC04", "MD01"}
FAILED_MONTHS_BEFORE_SUSPENSION = 2
# What the SEPA reasons mean, in the donor's words: the bank's own text (Mollie's
# `bankReason`) is in English, and "AM04" alone tells a donor nothing.
BANK_REASONS = {
    "AM04": _("not enough money in the account"),
    "MD06": _("you asked your bank to return the payment"),
    "MD07": _("the account holder has died"),
    "AC04": _("the account is closed"),
    "MS02": _("the account holder refused the payment"),
    "MD01": _("there is no valid direct debit mandate"),
}


def bank_reason(code: str) -> str:
    """A SEPA reason code in the donor's words, or "" for a code we have no words for."""
    return str(BANK_REASONS.get(code.upper(), ""))


def failure_pauses_next_time(sponsorship: Sponsorship) -> bool:
    """True when one more failed month would suspend the sponsorship (we count, not the
    provider), so the failure email may say so; not when it is suspended by this one."""
    return (
        not get_provider(sponsorship.provider).retries_failed_months
        and sponsorship.status == S.ACTIVE
        and sponsorship.last_failure_code not in MANDATE_ENDING_CODES
        and sponsorship.failure_count == FAILED_MONTHS_BEFORE_SUSPENSION - 1
    )
