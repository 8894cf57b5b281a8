"""The treasurer's review of statement lines: what each unmatched line turns out to be."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from donations.models import Category, Donation, Expense, StatementLine, StatusChange
from donations.statements.importer import donation_from_line
from prisoners.models import Prisoner


def _reviewable(line_id: int) -> StatementLine:
    # Lock: two treasurers reviewing the same queue must not both turn a line into money.
    line = StatementLine.objects.select_for_update().get(pk=line_id)
    if line.status != StatementLine.Status.REVIEW:
        raise ValidationError(
            _("Line %(line)s was already handled (%(status)s).")
            % {"line": line, "status": line.get_status_display()}
        )
    return line


def statement_line_record_donation(
    *, line_id: int, prisoner: Prisoner | None, user: str
) -> Donation:
    """A credit the treasurer recognised as a gift, for a prisoner or the general fund."""
    with transaction.atomic():
        line = _reviewable(line_id)
        if not line.is_credit or line.is_reversal:
            raise ValidationError(_("Only money in can be recorded as a donation."))
        donation = donation_from_line(line, prisoner)
        donation.save()
        StatusChange.objects.create(
            donation=donation,
            from_status=Donation.Status.NEW,
            to_status=Donation.Status.PAID,
            source=StatusChange.Source.ADMIN,
            note=f"statement line assigned by {user}"[:255],
        )
        line.donation = donation
        line.status = StatementLine.Status.MATCHED
        line.note = f"assigned by {user}"[:255]
        line.save(update_fields=["donation", "status", "note"])
    return donation


def statement_line_not_donation(*, line_id: int, user: str) -> None:
    """A credit that is no gift: a supplier's refund, a provider's payout, a reversal…"""
    with transaction.atomic():
        line = _reviewable(line_id)
        line.status = StatementLine.Status.NOT_DONATION
        line.note = f"not a donation, by {user}"[:255]
        line.save(update_fields=["status", "note"])


def statement_line_record_expense(
    *, line_id: int, prisoner: Prisoner | None, category: Category, user: str
) -> Expense:
    """A debit the treasurer recognised as spending for a fund."""
    with transaction.atomic():
        line = _reviewable(line_id)
        if line.is_credit:
            raise ValidationError(_("Only money out can be recorded as spending."))
        expense = Expense.objects.create(
            date=line.booking_date,
            amount=line.amount,
            prisoner=prisoner,
            category=category,
            description=f"{line.counterparty_name} {line.remittance}".strip()[:1000],
            statement_line=line,
            created_by=user,
        )
        line.status = StatementLine.Status.SPENDING
        line.note = f"spending, by {user}"[:255]
        line.save(update_fields=["status", "note"])
    return expense
