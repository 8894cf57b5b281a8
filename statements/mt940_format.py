"""MT940 statements, as the Dutch banks export them, read with the `mt-940` library.

The library is lenient: it skips tags it does not expect, ignores what follows an amount it
could half read ("22.62" becomes 22) and keeps the last of several balances. We are not: the
order of the fields is checked here (a `:25:` where a `:86:` belongs refuses the file), each
field is handed to the library on its own so that a refusal names the right line, and a
pre-processor makes the library refuse an amount written with a dot.

A statement may be split over several messages (ABN AMRO does): a part that opens with
`:60M:` continues the statement before it, after a `:62M:` or, as ABN AMRO also writes, after
a `:62F:` whose balance it carries on. The parts are read as one statement and each part's
balances are checked. SNS, ASN and RegioBank (de Volksbank) put an IBAN in the `:61:`
reference field; the library's `StatementASNB` tag reads that dialect. What stands around
and between the messages is read in `mt940_envelope`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from decimal import Decimal

import mt940
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from statements.mt940_details import parse_details, transaction_line
from statements.mt940_envelope import END, Field, fields
from statements.parsing import (
    MAX_BALANCE,
    ParsedLine,
    StatementError,
    StatementHeader,
    check_header,
    check_line,
)

__all__ = ["iter_statement", "parse_details"]

# re.ASCII: \d alone would also take other scripts' digits (٣٤), which no bank writes.
BALANCE = re.compile(r"[CD]\d{6}[A-Z]{3}\d{1,15},\d{0,2}", re.ASCII)
# Knab writes a whole amount without its comma ("C500NTRF"): the transaction type's letter
# right after the digits leaves no doubt. A dot never separates cents in MT940.
AMOUNT = re.compile(r"\d{1,15}(?:,\d{0,2})?", re.ASCII)
# Older exports name the account by its old number, which the importer finds inside the
# foundation's IBAN: Triodos "TRIODOSBANK/0390123456", Rabobank "1291.99.348EUR".
OLD_ACCOUNT = re.compile(r"(?:[A-Z]+/)?(\d+(?:\.\d+)*)", re.ASCII)
# Rabobank's old layout writes each line of a description as a :86: field of its own.
OLD_RABOBANK = re.compile(r"\d{2,4}\.\d{2}\.\d{3}(?:[A-Z]{3})?", re.ASCII)
MARKS = {"C", "D", "RC", "RD"}
TYPE_LETTERS = {"S", "N", "F"}
# de Volksbank's banks, by the bank code in the IBAN
VOLKSBANK = {"SNSB", "ASNB", "RBRB"}
OPTIONS = mt940.Options(unbounded_details=True, merge_keeps_values=True)

# Which tag may follow which, per the SWIFT MT940 layout; "86" after the closing balance
# is information about the whole statement, so it has a state of its own.
FOLLOWS = {
    None: {"20"},
    "20": {"21", "13", "13D", "25"},
    "21": {"13", "13D", "25"},
    "13": {"25"},
    "13D": {"25"},
    "25": {"28", "28C", "60F", "60M"},
    "28": {"60F", "60M"},
    "28C": {"60F", "60M"},
    "60F": {"61", "62F", "62M"},
    "60M": {"61", "62F", "62M"},
    "61": {"61", "86", "62F", "62M"},
    "86": {"61", "62F", "62M"},
    "62F": {"64", "65", "info", "20"},
    "62M": {"64", "65", "info", "20"},
    "64": {"65", "info", "20"},
    "65": {"65", "info", "20"},
    "info": {"20"},
}
ENDS_MESSAGE = {"62F", "62M", "64", "65", "info"}
CONTINUATION_LINES = {"61": 1, "86": None, "info": None}  # None: any number; else none


class _Refused(Exception):
    """Raised from inside the library's processors; turned into a StatementError with a line."""


def _strict_amount(transactions, tag, tag_dict, *args):
    """Pre-processor for `:61:`: the library would read "22.62NTRF" as 22 and go on."""
    # The type is S (a SWIFT transfer), N (any other) or F (a first advice), then three more.
    kind = tag_dict.get("id") or ""
    if not AMOUNT.fullmatch(tag_dict.get("amount") or "") or kind[:1] not in TYPE_LETTERS:
        raise _Refused(
            _(
                "the amount on this :61: line is not written as MT940 requires: digits, "
                "with a decimal comma before the cents (22,62 or 500), then the transaction "
                "type (such as NTRF)"
            )
        )
    if (tag_dict.get("status") or "").upper() not in MARKS:
        raise _Refused(_("the :61: line must say C, D, RC or RD for money in or out"))
    return tag_dict


def _account_iban(account: str, currency: str) -> str:
    """The IBAN, or the old account number's digits; anything else as written, to be refused."""
    # ING writes "NL20INGB0001234567EUR", Rabobank "NL86RABO0123456712 EUR".
    for candidate in (account, account.removesuffix(currency)):
        with contextlib.suppress(SchwiftyException):
            return IBAN(candidate).compact
    old = OLD_ACCOUNT.fullmatch(account.removesuffix(currency))
    return old[1].replace(".", "") if old else account


class _Reader:
    def __init__(self, file_name: str, text: str):
        self.file_name, self.text = file_name, text
        self.state: str | None = None
        self.account = ""
        self.details_per_line = False  # Rabobank's old layout
        self.statement_id = ""
        self.statement_line: int | None = None
        self.header: StatementHeader | None = None
        self.continues = False  # the last part closed with :62M:
        self.parts = 0
        self.part_opening = Decimal("0.00")
        self.part_movements = Decimal("0.00")
        self.last_closing: Decimal | None = None
        self.message_line: int | None = None
        self.pending: Field | None = None
        self.details: Field | None = None
        self.tags = None

    def error(self, message: str, line: int | None) -> StatementError:
        return StatementError(message, file_name=self.file_name, line=line)

    def run(self) -> Iterator[StatementHeader | ParsedLine]:
        seen = False
        for item in fields(self.text, self.error):
            if item.tag == END:
                yield from self.end_message(item)
                continue
            seen = seen or item.tag == "20"
            yield from self.take(item)
        if not seen:
            raise self.error(_("no :20: statement found in this MT940 file"), None)
        yield from self.end_message(None)
        if self.continues:
            raise self.error(
                _("the file ends in the middle of a statement: its last part closes with :62M:"),
                self.statement_line,
            )

    def take(self, item: Field) -> Iterator[StatementHeader | ParsedLine]:
        tag = "info" if item.tag == "86" and self.state in ENDS_MESSAGE else item.tag
        if tag == "86" and self.state == "86" and self.details_per_line:
            self.details.more.append(item.value)
            return
        if tag == "20" and self.state is not None:
            yield from self.end_message(item)
        allowed = FOLLOWS[self.state if tag != "20" else None]
        if tag not in allowed:
            shown = "86" if self.state == "info" else self.state
            after = f":{shown}:" if self.state else _("the start of the file")
            raise self.error(
                _("the tag :%(tag)s: cannot come after %(after)s; this is not a whole statement")
                % {"tag": item.tag, "after": after},
                item.line,
            )
        self.check_continuation(tag, item)
        self.state = tag
        handler = getattr(self, f"tag_{tag}", None)
        if handler:
            yield from handler(item) or ()

    def check_continuation(self, tag: str, item: Field) -> None:
        limit = CONTINUATION_LINES.get(tag, 0)
        if limit is not None and len(item.more) > limit:
            raise self.error(
                _("this line belongs to no field; each field starts with a tag such as :61:"),
                item.line + limit + 1,
            )

    def end_message(self, next_field: Field | None):
        yield from self.flush()
        if self.state is None:
            return
        if self.state not in ENDS_MESSAGE:
            line = next_field.line if next_field else None
            raise self.error(
                _("the statement ends before its closing balance (:62F: or :62M:)"), line
            )
        self.state = None

    def tag_20(self, item: Field):
        self.statement_id = item.value.strip()[:140]
        self.message_line = item.line

    def tag_28C(self, item: Field):
        # SNS and ASN write :20:0000000000 in every message; the number tells the days apart.
        self.statement_id = f"{self.statement_id} ({item.value.strip()[:20]})".strip()

    tag_28 = tag_28C

    def tag_25(self, item: Field):
        self.account = item.value.replace(" ", "").strip()
        self.details_per_line = OLD_RABOBANK.fullmatch(self.account) is not None

    def balance(self, item: Field) -> tuple[Decimal, str]:
        raw = item.value.strip()
        if not BALANCE.fullmatch(raw):
            raise self.error(
                _(
                    "the balance %(raw)r is not written as MT940 requires: C or D, the date "
                    "(YYMMDD), the currency and the amount with a decimal comma"
                )
                % {"raw": raw[:40]},
                item.line,
            )
        transactions = mt940.models.Transactions(options=OPTIONS)
        try:
            transactions.parse(f":{item.tag}:{raw}")
        except (ValueError, RuntimeError, KeyError) as exc:
            raise self.error(
                _("this balance cannot be read: %(raw)s") % {"raw": raw}, item.line
            ) from exc
        (balance,) = (v for k, v in transactions.data.items() if k.endswith("balance"))
        amount = Decimal(balance.amount.amount).quantize(Decimal("0.01"))
        if abs(amount) > MAX_BALANCE:
            raise self.error(
                _("the balance %(amount)s is larger than any account of ours can hold")
                % {"amount": amount},
                item.line,
            )
        return amount, balance.amount.currency

    def tag_60F(self, item: Field):
        if self.continues:
            raise self.error(
                _("the previous part closed with :62M:, so this part must open with :60M:"),
                item.line,
            )
        amount, currency = self.balance(item)
        self.parts = 1
        self.part_opening, self.part_movements = amount, Decimal("0.00")
        self.statement_line = self.message_line
        volksbank = self.account[4:8].upper() in VOLKSBANK
        self.tags = {61: mt940.tags.StatementASNB()} if volksbank else None
        self.header = check_header(
            StatementHeader(
                format="mt940",
                account_iban=_account_iban(self.account, currency),
                statement_id=self.statement_id,
                currency=currency,
                opening_balance=amount,
                line=self.message_line,
            ),
            self.file_name,
        )
        yield self.header

    def tag_60M(self, item: Field):
        amount, currency = self.balance(item)
        if self.header is None:
            raise self.error(
                _("this part continues a statement (:60M:), but no part comes before it"),
                item.line,
            )
        if _account_iban(self.account, currency) != self.header.account_iban:
            raise self.error(
                _("this part is for another account than the part before it"), item.line
            )
        if currency != self.header.currency:
            raise self.error(
                _("this part is in another currency than the part before it"), item.line
            )
        if not self.continues and amount != self.last_closing:
            # After a final closing balance only a part that carries it on continues.
            raise self.error(
                _(
                    "this part continues a statement (:60M:) with %(opening)s, but the "
                    "statement before it closed with %(closing)s (:62F:)"
                )
                % {"opening": amount, "closing": self.last_closing},
                item.line,
            )
        self.parts += 1
        if amount != self.last_closing:
            self.header.problems.append(
                _("part %(n)d opens with %(opening)s, but the part before closed with %(closing)s")
                % {"n": self.parts, "opening": amount, "closing": self.last_closing}
            )
        self.part_opening, self.part_movements = amount, Decimal("0.00")

    def tag_61(self, item: Field):
        yield from self.flush()
        self.pending = item

    def tag_86(self, item: Field):
        self.details = item

    def flush(self) -> Iterator[ParsedLine]:
        if self.pending is None:
            return
        item, details = self.pending, self.details
        self.pending = self.details = None
        text = f":61:{item.value}" + (f"\n:86:{details.value}" if details else "")
        processors = {
            "pre_statement": [
                mt940.processors.date_fixup_pre_processor,
                mt940.processors.add_currency_pre_processor(self.header.currency),
                _strict_amount,
            ],
        }
        transactions = mt940.models.Transactions(
            processors=processors, tags=self.tags, options=OPTIONS
        )
        try:
            parsed = transactions.parse(text)
        except _Refused as exc:
            raise self.error(str(exc), item.line) from exc
        except Exception as exc:  # the library raises many kinds; all mean "unreadable"
            raise self.error(_("this line cannot be read as MT940"), item.line) from exc
        if len(parsed) != 1:
            raise self.error(_("this line cannot be read as MT940"), item.line)
        line = check_line(transaction_line(parsed[0].data, item.line), self.file_name)
        self.part_movements += line.signed
        yield line

    def closing(self, item: Field):
        yield from self.flush()
        amount, currency = self.balance(item)
        if currency != self.header.currency:
            raise self.error(_("the closing balance is in another currency"), item.line)
        expected = self.part_opening + self.part_movements
        # A single-part statement is checked as a whole by the importer.
        if (item.tag == "62M" or self.parts > 1) and expected != amount:
            self.header.problems.append(
                _(
                    "part %(n)d: opening %(opening)s + movements %(movements)s = "
                    "%(expected)s, but it closes with %(closing)s"
                )
                % {
                    "n": self.parts,
                    "opening": self.part_opening,
                    "movements": self.part_movements,
                    "expected": expected,
                    "closing": amount,
                }
            )
        self.last_closing = amount
        return amount

    def tag_62F(self, item: Field):
        amount = yield from self.closing(item)
        self.header.closing_balance = amount
        self.continues = False

    def tag_62M(self, item: Field):
        yield from self.closing(item)
        self.continues = True


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # older exports use ISO 8859-1


def iter_statement(file_name: str, data: bytes) -> Iterator[StatementHeader | ParsedLine]:
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    return _Reader(file_name, text).run()
