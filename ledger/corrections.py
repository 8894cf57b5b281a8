"""Correcting a gift with a new entry, never by editing it (the books are append-only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from crowdfund.money import MAX_AMOUNT, format_eur
from ledger.models import Correction, Donation, StatementLine
from ledger.selectors import gift_net


def donation_correct(
    *, donation_id: int, amount: Decimal, reason: str, user: str, on: date
) -> Correction:
    """Record a correcting entry on a paid gift and keep its statement line truthful.

    Raises ValidationError when the correction is zero, too large, on a gift that is not
    paid, or would take the gift below nothing.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the gift is corrected."))
    if amount == 0 or abs(amount) > MAX_AMOUNT:
        raise ValidationError(
            _("A correction is a non-zero amount of at most %(max)s.") % {"max": _eur(MAX_AMOUNT)}
        )
    with transaction.atomic():
        # Lock: two treasurers correcting the same gift must not together take it below zero.
        donation = Donation.objects.select_for_update().get(pk=donation_id)
        if donation.status != Donation.Status.PAID:
            raise ValidationError(
                _("Only a paid gift can be corrected; this one is %(status)s.")
                % {"status": donation.get_status_display()}
            )
        net = gift_net(donation) + amount
        if net < 0:
            raise ValidationError(
                _("This would take the gift below nothing: at most %(max)s can be taken off.")
                % {"max": _eur(gift_net(donation))}
            )
        correction = Correction.objects.create(
            donation=donation, amount=amount, reason=reason, date=on, created_by=user
        )
        _update_statement_line(donation, net)
    return correction


def _eur(amount: Decimal) -> str:
    return format_eur(amount, get_language() or "en")


def _update_statement_line(donation: Donation, net: Decimal) -> None:
    """A bank gift's line says what became of it: still a gift, or no gift at all."""
    line = StatementLine.objects.select_for_update().filter(donation=donation).first()
    if line is None:
        return
    if net == 0:
        line.status = StatementLine.Status.NOT_DONATION
        line.note = gettext_noop("Gift corrected to nothing")
    else:
        line.status = StatementLine.Status.MATCHED
        line.note = gettext_noop("Gift corrected")
    line.save(update_fields=["status", "note"])
