"""Bank statement files → lines. `iter_statement` streams them; the format is sniffed.

Amounts are exact decimals read from the file's text; a file that cannot be read completely
is refused as a whole with a `StatementError` that names the file and, where possible, the line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal


class StatementError(Exception):
    def __init__(self, message: str, *, file_name: str = "", line: int | None = None):
        self.message, self.file_name, self.line = message, file_name, line
        where = file_name + (f", line {line}" if line else "")
        super().__init__(f"{where}: {message}" if where else message)


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
    """What a statement says about itself; its lines follow it in the stream."""

    format: str
    account_iban: str
    statement_id: str = ""
    currency: str = "EUR"
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None

    def balance_problem(self, movements: Decimal) -> str:
        """Empty when the opening balance plus the movements equals the closing balance."""
        if self.opening_balance is None or self.closing_balance is None:
            return "the file gives no opening or closing balance"
        expected = self.opening_balance + movements
        if expected != self.closing_balance:
            return (
                f"opening {self.opening_balance} + movements {movements} = {expected}, "
                f"but the closing balance is {self.closing_balance}"
            )
        return ""


@dataclass
class ParsedStatement(StatementHeader):
    lines: list[ParsedLine] = field(default_factory=list)

    @property
    def movements(self) -> Decimal:
        return sum((line.signed for line in self.lines), Decimal("0.00"))

    def balance_problem(self, movements: Decimal | None = None) -> str:
        return super().balance_problem(self.movements if movements is None else movements)


def iter_statement(file_name: str, data: bytes) -> Iterator[StatementHeader | ParsedLine]:
    """Stream a CAMT.053 or MT940 file as headers, each followed by its lines.

    The format is sniffed from the content, not the name. Streaming keeps memory flat for a
    year of lines; a caller that must be all-or-nothing runs it inside a transaction.
    """
    from donations.statements import camt, mt940_format

    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise StatementError("the file is empty", file_name=file_name)
    if head.startswith(b"<"):
        return camt.iter_statement(file_name, data)
    if b":20:" in data[:8192] and (b":25:" in data[:8192]):
        return mt940_format.iter_statement(file_name, data)
    raise StatementError(
        "this is not a bank statement we can read; export CAMT.053 (XML) or MT940",
        file_name=file_name,
    )


def parse_statement(file_name: str, data: bytes) -> list[ParsedStatement]:
    """The whole file in memory: statements with their lines (for tests and small files)."""
    statements: list[ParsedStatement] = []
    for item in iter_statement(file_name, data):
        if isinstance(item, StatementHeader):
            statements.append(ParsedStatement(**asdict(item)))
        else:
            statements[-1].lines.append(item)
    return statements
