"""What each ledger row puts in the journal (ledger.models.journal.LedgerEntry): one line per
movement of money, as plain values.

The functions read a row's fields only (a migration's historical rows work as well as today's
models), so the journal's backfill and every later write say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledger.entries import Entry, day_of, money, quarter_of

RECEIVED = "received"
FEE = "fee"
REFUNDED = "refunded"
CORRECTED = "corrected"
SPENT = "spent"
TRANSFERRED_IN = "transferred_in"
TRANSFERRED_OUT = "transferred_out"
# Money in: counted in a quarter, and as one of the fund's entries (ledger.entries.Entry).
INCOME_KINDS = (RECEIVED, REFUNDED, CORRECTED)


@dataclass(frozen=True)
class Line:
    kind: str
    fund: int | None
    day: date
    amount: Decimal
    category: int | None = None


def gift_lines(gift) -> list[Line]:
    """A paid gift: what arrived, on the day it arrived, and the provider's fee."""
    if gift.status != "paid":
        return []
    day = day_of(gift.received_on or gift.paid_at or gift.created_at)
    received = gift.amount_paid if gift.amount_paid is not None else gift.amount
    lines = [Line(RECEIVED, gift.prisoner_id, day, money(received))]
    if gift.fee:
        lines.append(Line(FEE, gift.prisoner_id, day, money(gift.fee)))
    return lines


def refund_lines(refund) -> list[Line]:
    """Money back from the gift's fund on the provider's day; a reversed chargeback brings it
    back."""
    amount = money(refund.amount)
    if refund.kind == "reversed":
        amount = -amount
    return [Line(REFUNDED, refund.donation.prisoner_id, day_of(refund.created_at), amount)]


def correction_lines(correction) -> list[Line]:
    fund = correction.donation.prisoner_id
    return [Line(CORRECTED, fund, day_of(correction.date), money(correction.amount))]


def expense_lines(expense) -> list[Line]:
    amount = money(expense.amount)
    return [Line(SPENT, expense.prisoner_id, day_of(expense.date), amount, expense.category_id)]


def transfer_lines(transfer) -> list[Line]:
    day, amount = day_of(transfer.date), money(transfer.amount)
    return [
        Line(TRANSFERRED_OUT, transfer.from_prisoner_id, day, amount),
        Line(TRANSFERRED_IN, transfer.to_prisoner_id, day, amount),
    ]


# The journal's name for each kind of ledger row, with what it writes.
SOURCES = {
    "donation": gift_lines,
    "refund": refund_lines,
    "correction": correction_lines,
    "expense": expense_lines,
    "fundtransfer": transfer_lines,
}


def totals_entries(lines) -> list[Entry]:
    """What journal lines add to the running totals (ledger.models.totals)."""
    entries = []
    for line in lines:
        if line.kind in INCOME_KINDS:
            income = {line.kind: line.amount}
            entries.append(Entry(line.fund, quarter_of(line.day), entries=1, **income))
        elif line.kind != FEE:
            entries.append(Entry(line.fund, **{line.kind: line.amount}))
    return entries
