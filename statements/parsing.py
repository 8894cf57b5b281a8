"""Bank statement files → lines. `iter_statement` streams them; the format is sniffed.

Amounts are exact decimals read from the file's text; a file that cannot be read completely
is refused as a whole with a `StatementError` that names the file and, where possible, the line.
Messages are translated when they are made, so the treasurer reads them in the admin's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from crowdfund.money import MAX_AMOUNT

# What the balance columns hold (max_digits=14); a balance is not an entry, so MAX_AMOUNT
# does not bound it, but a larger one cannot be stored and is certainly not ours.
MAX_BALANCE = Decimal("999999999999.99")
MAX_IBAN = 34  # ISO 13616: no IBAN is longer, and the account columns hold exactly this
CURRENCY = re.compile(r"[A-Z]{3}")


class StatementError(Exception):
    def __init__(self, message: str, *, file_name: str = "", line: int | None = None):
        self.message, self.file_name, self.line = message, file_name, line
        values = {"file": file_name, "line": line or 0, "message": message}
        if file_name and line:
            text = _("%(file)s, line %(line)d: %(message)s") % values
        elif file_name:
            text = _("%(file)s: %(message)s") % values
        else:
            text = message
        super().__init__(text)


@dataclass(slots=True)
class ParsedLine:
    booking_date: date
    amount: Decimal  # always positive; `is_credit` gives the direction
    is_credit: bool
    currency: str = "EUR"
    value_date: date | None = None
    entry_reference: str = ""
    end_to_end_id: str = ""
    counterparty_name: str = ""
    counterparty_iban: str = ""
    remittance: str = ""
    is_reversal: bool = False
    original_amount: str = ""  # e.g. "USD 50.00" when the sender paid in another currency
    source_line: int | None = None

    @property
    def signed(self) -> Decimal:
        return self.amount if self.is_credit else -self.amount


@dataclass
class StatementHeader:
    """What a statement says about itself; its lines follow it in the stream.

    `problems` are balance problems the reader finds inside the statement (one part of a
    multi-part MT940 statement that does not add up); a reader may add to it until it gives
    the next header, so the importer reads it only when the statement is finished.
    """

    format: str
    account_iban: str
    statement_id: str = ""
    currency: str = "EUR"
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    line: int | None = None
    problems: list[str] = field(default_factory=list)

    def balance_problem(self, movements: Decimal) -> str:
        """Empty when the opening balance plus the movements equals the closing balance."""
        if self.opening_balance is None or self.closing_balance is None:
            return _("the file gives no opening or closing balance")
        expected = self.opening_balance + movements
        if expected != self.closing_balance:
            return _(
                "opening %(opening)s + movements %(movements)s = %(expected)s, "
                "but the closing balance is %(closing)s"
            ) % {
                "opening": self.opening_balance,
                "movements": movements,
                "expected": expected,
                "closing": self.closing_balance,
            }
        return ""


@dataclass
class ParsedStatement(StatementHeader):
    lines: list[ParsedLine] = field(default_factory=list)

    @property
    def movements(self) -> Decimal:
        return sum((line.signed for line in self.lines), Decimal("0.00"))

    def balance_problem(self, movements: Decimal | None = None) -> str:
        own = super().balance_problem(self.movements if movements is None else movements)
        return "; ".join([p for p in [own, *self.problems] if p])


def check_header(header: StatementHeader, file_name: str) -> StatementHeader:
    """Refuse what the ledger's columns cannot hold, naming the line, before a row is written."""
    if len(header.account_iban) > MAX_IBAN:
        raise StatementError(
            _("the account %(account)s is not an IBAN: it has %(n)d characters, at most 34")
            % {"account": header.account_iban, "n": len(header.account_iban)},
            file_name=file_name,
            line=header.line,
        )
    if not CURRENCY.fullmatch(header.currency):
        raise StatementError(
            _("%(currency)r is not a currency code") % {"currency": header.currency},
            file_name=file_name,
            line=header.line,
        )
    for balance in (header.opening_balance, header.closing_balance):
        if balance is not None and abs(balance) > MAX_BALANCE:
            raise StatementError(
                _("the balance %(amount)s is larger than any account of ours can hold")
                % {"amount": balance},
                file_name=file_name,
                line=header.line,
            )
    return header


def check_line(line: ParsedLine, file_name: str) -> ParsedLine:
    """One amount ceiling for the whole ledger; a zero entry moves no money and is not booked."""
    if line.amount <= 0:
        raise StatementError(
            _("the entry's amount is %(amount)s; a booked entry moves money, so it is never zero")
            % {"amount": line.amount},
            file_name=file_name,
            line=line.source_line,
        )
    if line.amount > MAX_AMOUNT:
        raise StatementError(
            _("the amount %(amount)s is above the ledger's limit of %(limit)s")
            % {"amount": line.amount, "limit": MAX_AMOUNT},
            file_name=file_name,
            line=line.source_line,
        )
    if not CURRENCY.fullmatch(line.currency):
        raise StatementError(
            _("%(currency)r is not a currency code") % {"currency": line.currency},
            file_name=file_name,
            line=line.source_line,
        )
    return line
