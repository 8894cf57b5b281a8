"""Which statement line is which: the key that keeps a line from being imported twice.

Banks reuse their references (`NONREF`, `//55555`, one `AcctSvcrRef` for all of a batch's
transactions), so a reference alone does not identify a line: two gifts that share one were
lost. A line is the bank's reference together with its account, booking date, amount,
direction and reversal mark, and its position: the how-many-th such line it is in the file
(a batch detail's position is in its reference already, `REF/2`). A line without a
reference adds the counterparty, description and end-to-end id.

The position counts identical lines, not all lines: the next export that repeats yesterday's
lines puts them at other places in the file, and must still find them imported.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Protocol

# Migration 0009 rewrote the keys of lines imported before with a frozen copy of this;
# changing it means a new migration, or every old line is imported again.
VERSION = "v2"


class LineFields(Protocol):
    account_iban: str
    entry_reference: str
    booking_date: object
    amount: object
    is_credit: bool
    is_reversal: bool
    counterparty_iban: str
    remittance: str
    end_to_end_id: str


def line_identity(row: LineFields) -> str:
    """Everything that tells this line from another, as stored (truncated) in the row."""
    parts = [
        row.account_iban,
        row.entry_reference,
        row.booking_date.isoformat(),
        f"{row.amount:.2f}",
        ("R" if row.is_reversal else "") + ("C" if row.is_credit else "D"),
    ]
    if not row.entry_reference:
        parts += [row.counterparty_iban, row.remittance, row.end_to_end_id]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


class LineKeys:
    """Keys for the lines of one file, numbering identical lines in the order they come."""

    def __init__(self):
        self.seen: Counter[str] = Counter()

    def __call__(self, row: LineFields) -> str:
        identity = line_identity(row)
        self.seen[identity] += 1
        return f"{VERSION}:{identity}:{self.seen[identity]}"
