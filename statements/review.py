"""The treasurer's review of statement lines: what each unmatched line turns out to be."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ledger.models import Category, Donation, Expense, StatementLine
from payments.models import StatusChange
from prisoners.models import Prisoner
from statements.matching import donation_from_line

# A line's note is stored in English, the source language, and translated each time it is
# shown: the queue is shared, and a line one treasurer handled in Spanish must read in Dutch
# for the next. Storing the active language would fix each note in its writer's language.
NOTE_ASSIGNED = gettext_noop("assigned by %(user)s")
NOTE_NOT_DONATION = gettext_noop("not a donation, by %(user)s")
NOTE_SPENDING = gettext_noop("spending, by %(user)s")
# The import's own notes, as statements/matching.py writes them.
IMPORT_NOTES = [
    gettext_noop("reversal of an earlier entry"),
    gettext_noop("money out: possible spending"),
    gettext_noop("payout of online gifts, counted already"),
    gettext_noop("booked in %(currency)s"),
    gettext_noop("reference %(reference)s"),
    gettext_noop("several references: %(references)s"),
    gettext_noop("no payment reference found"),
    # ledger/corrections.py, when a bank gift is corrected.
    gettext_noop("Gift corrected"),
    gettext_noop("Gift corrected to nothing"),
]


def _note_pattern(template: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", template)
    # re.split alternates literal text and placeholder names.
    return re.compile(
        "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+)" for i, part in enumerate(parts)
        ),
        re.DOTALL,
    )


NOTE_PATTERNS = [
    (template, _note_pattern(template))
    for template in (NOTE_ASSIGNED, NOTE_NOT_DONATION, NOTE_SPENDING, *IMPORT_NOTES)
]


def review_note(template: str, *, user: str) -> str:
    return (template % {"user": user})[:255]


def review_note_display(note: str) -> str:
    """A stored note in the reader's language; a note of any other shape as it was written."""
    for template, pattern in NOTE_PATTERNS:
        found = pattern.fullmatch(note)
        if found:
            return _(template) % found.groupdict()
    return note


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
        line.note = review_note(NOTE_ASSIGNED, user=user)
        line.save(update_fields=["donation", "status", "note"])
    return donation


def statement_line_not_donation(*, line_id: int, user: str) -> None:
    """A credit that is no gift: a supplier's refund, a provider's payout, a reversal…"""
    with transaction.atomic():
        line = _reviewable(line_id)
        line.status = StatementLine.Status.NOT_DONATION
        line.note = review_note(NOTE_NOT_DONATION, user=user)
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
        line.note = review_note(NOTE_SPENDING, user=user)
        line.save(update_fields=["status", "note"])
    return expense
