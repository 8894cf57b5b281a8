"""Bank statement files → lines. One entry point, `parse_statement`, sniffs the format.

Amounts are exact decimals read from the file's text; a file that cannot be read completely
is refused as a whole with a `StatementError` that names the file and, where possible, the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


class StatementError(Exception):
    def __init__(self, message: str, *, file_name: str = "", line: int | None = None):
        self.message, self.file_name, self.line = message, file_name, line
        where = file_name + (f", line {line}" if line else "")
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
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


@dataclass
class ParsedStatement:
    format: str
    account_iban: str
    statement_id: str = ""
    currency: str = "EUR"
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    lines: list[ParsedLine] = field(default_factory=list)

    def balance_problem(self) -> str:
        """Empty when opening balance plus the movements equals the closing balance."""
        if self.opening_balance is None or self.closing_balance is None:
            return "the file gives no opening or closing balance"
        movements = sum(
            (line.amount if line.is_credit else -line.amount for line in self.lines),
            Decimal("0.00"),
        )
        expected = self.opening_balance + movements
        if expected != self.closing_balance:
            return (
                f"opening {self.opening_balance} + movements {movements} = {expected}, "
                f"but the closing balance is {self.closing_balance}"
            )
        return ""


def parse_statement(file_name: str, data: bytes) -> list[ParsedStatement]:
    """Read a CAMT.053 or MT940 file; the format is sniffed from the content, not the name."""
    from donations.statements import camt, mt940_format

    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise StatementError("the file is empty", file_name=file_name)
    if head.startswith(b"<"):
        return camt.parse(file_name, data)
    if b":20:" in data[:8192] and (b":25:" in data[:8192]):
        return mt940_format.parse(file_name, data)
    raise StatementError(
        "this is not a bank statement we can read; export CAMT.053 (XML) or MT940",
        file_name=file_name,
    )
