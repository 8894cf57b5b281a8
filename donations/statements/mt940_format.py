"""MT940 statements, as ING, Rabobank and ABN AMRO export them, read with the `mt-940` library.

The library is lenient: it skips what it cannot read. We are not: every `:61:` line must become a
transaction, and each statement needs an account and both balances. The Dutch banks' structured
`:86:` fields (`/EREF/`, `/NAME/`, `/REMI/`, `/IBAN/`, Rabobank's `/CNTP/` …) are split into fields.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import mt940
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from donations.statements import ParsedLine, StatementError, StatementHeader

STATEMENT_START = re.compile(r"^:20:", re.MULTILINE)
TAG_61 = re.compile(r"^:61:", re.MULTILINE)
KEYS = (
    "TRTP|IBAN|BIC|NAME|REMI|EREF|MARF|CSID|ORDP|BENM|CNTP|ADDR|PURP|RTRN|ISDT|SVCL|PREF|IREF|"
    "ULTC|ULTD|ULTB|EXCH|CHGS|OCMT|BUSP|CDTRREFTP|CDTRREF|ID"
)
STRUCTURED = re.compile(rf"/({KEYS})/")
# ABN AMRO's older unstructured text: "... NAAM: M. JANSEN OMSCHRIJVING: gift"
NAAM = re.compile(r"NAAM:\s*(.+?)\s*(?:OMSCHRIJVING:|KENMERK:|MACHTIGING:|$)")
IBAN_IN_TEXT = re.compile(r"\b([A-Z]{2}\d{2}[A-Z0-9]{10,30})\b")


def parse_details(text: str) -> dict[str, str]:
    """Split a Dutch structured `:86:` text into its fields; unstructured text becomes REMI."""
    text = text.replace("\n", "")
    matches = list(STRUCTURED.finditer(text))
    if not matches or matches[0].start() != 0:
        return {"REMI": text.strip()}
    fields: dict[str, str] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[match.end() : end]
        fields.setdefault(match.group(1), value.strip("/").strip())
    remi = fields.get("REMI", "")
    # ING and ABN AMRO: /REMI/USTD//free text/ ; structured creditor references: STRD/CUR/ref
    for prefix in ("USTD//", "USTD/", "STRD/CUR/", "STRD/ISO/"):
        if remi.startswith(prefix):
            remi = remi[len(prefix) :]
    fields["REMI"] = remi.strip("/ ")
    if "CNTP" in fields:  # Rabobank: /CNTP/IBAN/BIC/NAME/CITY/
        parts = fields["CNTP"].split("/") + ["", "", ""]
        fields.setdefault("IBAN", parts[0])
        fields.setdefault("BIC", parts[1])
        fields.setdefault("NAME", parts[2])
    for key in ("ORDP", "BENM"):  # /ORDP//NAME/x/ leaves NAME as its own field already
        fields.pop(key, None)
    return fields


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # older exports use ISO 8859-1


def _balance(balance) -> Decimal | None:
    if balance is None:
        return None
    return Decimal(balance.amount.amount).quantize(Decimal("0.01"))


def _account_iban(account: str, currency: str) -> str:
    # ING writes "NL20INGB0001234567EUR": the IBAN with the currency stuck to it.
    candidates = [account, account.removesuffix(currency)]
    for candidate in candidates:
        with contextlib.suppress(SchwiftyException):
            return IBAN(candidate).compact
    return account[:34]  # an old-style account number; kept as the bank wrote it


class _Lines:
    """Line numbers for offsets in the text, found by bisection (a big file has 20,000)."""

    def __init__(self, text: str):
        self.starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


CHUNK = 500  # transactions handed to the library at once; keeps memory flat
CLOSING = re.compile(r"^:62[FM]:", re.MULTILINE)


def _parse_block(file_name: str, text: str, line_at, offset: int):
    """Run the library on a piece of a statement; returns (transactions, their data)."""
    try:
        transactions = mt940.models.Transactions()
        return transactions.parse(text), transactions.data
    except Exception as exc:  # the library raises many kinds; all mean "unreadable"
        # It passes the text it choked on; find that text to name the line.
        snippets = [a for a in getattr(exc, "args", ()) if isinstance(a, str) and a in text]
        at = text.find(snippets[-1]) if snippets else 0
        raise StatementError(
            "this line cannot be read as MT940", file_name=file_name, line=line_at(offset + at)
        ) from exc


def _statement(file_name: str, text: str, start: int, end: int, line_at):
    """One :20: statement: its header, then its lines, CHUNK transactions at a time."""
    block = text[start:end]
    first_line = line_at(start)
    tags_61 = [m.start() for m in TAG_61.finditer(block)]
    closing = CLOSING.search(block)
    body_end = closing.start() if closing else len(block)
    head = block[: tags_61[0]] if tags_61 else block[:body_end]
    tail = block[body_end:]
    _parsed, data = _parse_block(file_name, head + tail, line_at, start)
    account = (data.get("account_identification") or "").replace(" ", "")
    if not account:
        raise StatementError(
            "the statement has no :25: account", file_name=file_name, line=first_line
        )
    opening, closing_balance = data.get("final_opening_balance"), data.get("final_closing_balance")
    if opening is None or closing_balance is None:
        raise StatementError(
            "the statement has no :60F: or :62F: balance", file_name=file_name, line=first_line
        )
    currency = opening.amount.currency or "EUR"
    yield StatementHeader(
        format="mt940",
        account_iban=_account_iban(account, currency),
        statement_id=data.get("transaction_reference") or "",
        currency=currency,
        opening_balance=_balance(opening),
        closing_balance=_balance(closing_balance),
    )
    bounds = [*tags_61, body_end]
    for first in range(0, len(tags_61), CHUNK):
        last = min(first + CHUNK, len(tags_61))
        piece_start = bounds[first]
        parsed, _data = _parse_block(
            file_name,
            head + block[piece_start : bounds[last]] + tail,
            line_at,
            start + piece_start - len(head),
        )
        if len(parsed) != last - first:
            bad = tags_61[first + len(parsed)] if len(parsed) < last - first else tags_61[last - 1]
            raise StatementError(
                "this :61: transaction line cannot be read",
                file_name=file_name,
                line=line_at(start + bad),
            )
        for index, transaction in enumerate(parsed):
            yield _line(transaction.data, line_at(start + tags_61[first + index]))


def _plain(value) -> date | None:
    # The library's own Date type carries extra state; a plain date is smaller and simpler.
    return date(value.year, value.month, value.day) if value else None


def _naam(text: str) -> str:
    found = NAAM.search(text)
    return found.group(1).strip() if found else ""


def _line(tx: dict, source_line: int) -> ParsedLine:
    status = tx.get("status") or ""
    amount = Decimal(tx["amount"].amount)
    details = parse_details(tx.get("transaction_details") or "")
    remittance = details.get("REMI", "")
    iban = details.get("IBAN", "")
    if not iban:
        found = IBAN_IN_TEXT.search(remittance.upper())
        iban = found.group(1) if found else ""
    reference = tx.get("bank_reference") or ""
    if reference.upper() in ("", "NONREF"):
        reference = ""
    end_to_end = details.get("EREF", "")
    return ParsedLine(
        booking_date=_plain(tx.get("entry_date") or tx["date"]),
        value_date=_plain(tx.get("date")),
        amount=abs(amount).quantize(Decimal("0.01")),
        # C and RD put money in; D and RC take it out.
        is_credit=status in ("C", "RD"),
        currency=tx.get("currency") or "EUR",
        is_reversal=status.startswith("R"),
        entry_reference=reference,
        end_to_end_id="" if end_to_end.upper() == "NOTPROVIDED" else end_to_end,
        counterparty_name=details.get("NAME") or _naam(remittance),
        counterparty_iban=iban,
        remittance=remittance,
        source_line=source_line,
    )


def iter_statement(file_name: str, data: bytes) -> Iterator[StatementHeader | ParsedLine]:
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    starts = [m.start() for m in STATEMENT_START.finditer(text)]
    if not starts:
        raise StatementError("no :20: statement found in this MT940 file", file_name=file_name)
    line_at = _Lines(text)
    for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
        yield from _statement(file_name, text, begin, end, line_at)
