"""A small, strict reader for CAMT.053 bank-to-customer statements (camt.053.001.02 and later).

We judged `pycamt`: it parses the whole document into dicts of strings, silently skips what it
does not know and has no balance or batch checks, so a small reader of our own, on defusedxml,
is both stricter and safer. The XML is streamed (`iterparse`) so that memory stays flat for
large files; DTDs and entities are refused, which rules out billion-laughs and external
entities. It is fed line by line (and a long line in pieces) so that a refusal can name the
line of the element it is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from io import BytesIO
from xml.etree.ElementTree import Element, ParseError, TreeBuilder, XMLPullParser

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _

from statements.parsing import ParsedLine, StatementError, StatementHeader, check_header, check_line

NAMESPACE = re.compile(r"\{urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d\d)\}Document")
AMOUNT = re.compile(r"\d{1,15}(\.\d{1,5})?", re.ASCII)
PIECE = 64 * 1024  # what the XML parser is fed at once; a one-line file is fed in pieces
NOT_PROVIDED = {"", "NOTPROVIDED", "NOT PROVIDED"}


class _Reader:
    def __init__(self, file_name: str, ns: str, lines: dict[Element, int]):
        self.file_name, self.ns, self.lines = file_name, ns, lines

    def error(self, message: str, element: Element | None = None) -> StatementError:
        line = self.lines.get(element) if element is not None else None
        return StatementError(message, file_name=self.file_name, line=line)

    def q(self, path: str) -> str:
        return "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))

    def text(self, element: Element | None, path: str) -> str:
        if element is None:
            return ""
        found = element.find(self.q(path))
        return (found.text or "").strip() if found is not None else ""

    def amount(self, element: Element, path: str, where: str) -> tuple[Decimal, str, int | None]:
        """The amount at `path`, its currency and its line."""
        found = element.find(self.q(path))
        raw = (found.text or "").strip() if found is not None else ""
        at = found if found is not None else element
        if not AMOUNT.fullmatch(raw):
            raise self.error(
                _("%(where)s: %(path)s %(raw)r is not an amount")
                % {"where": where, "path": path, "raw": raw[:40]},
                at,
            )
        value = Decimal(raw)
        if value != value.quantize(Decimal("0.01")):
            raise self.error(
                _("%(where)s: %(path)s %(raw)s has fractions of a cent")
                % {"where": where, "path": path, "raw": raw},
                at,
            )
        return value.quantize(Decimal("0.01")), found.get("Ccy", ""), self.lines.get(at)

    def date(self, element: Element, path: str, where: str, required: bool = True):
        raw = self.text(element, f"{path}/Dt") or self.text(element, f"{path}/DtTm")[:10]
        if not raw and not required:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise self.error(
                _("%(where)s: %(path)s %(raw)r is not a date")
                % {"where": where, "path": path, "raw": raw[:40]},
                element,
            ) from None

    def balance(self, stmt: Element, codes: set[str]) -> Decimal | None:
        for bal in stmt.findall(self.q("Bal")):
            if self.text(bal, "Tp/CdOrPrtry/Cd") in codes:
                value, _ccy, _line = self.amount(bal, "Amt", _("balance"))
                return -value if self.text(bal, "CdtDbtInd") == "DBIT" else value
        return None

    def header(self, stmt: Element) -> StatementHeader:
        iban = self.text(stmt, "Acct/Id/IBAN").replace(" ", "")
        if not iban:
            raise self.error(_("a statement without an account IBAN"), stmt)
        found = stmt.find(self.q("Acct/Id/IBAN"))
        header = StatementHeader(
            format="camt053",
            account_iban=iban,
            statement_id=self.text(stmt, "Id"),
            currency=self.text(stmt, "Acct/Ccy") or "EUR",
            opening_balance=self.balance(stmt, {"OPBD", "PRCD"}),
            closing_balance=self.balance(stmt, {"CLBD"}),
            line=self.lines.get(found if found is not None else stmt),
        )
        return check_header(header, self.file_name)

    def entry(self, ntry: Element, number: int, currency: str) -> list[ParsedLine]:
        where = _("entry %(n)d") % {"n": number}
        status = self.text(ntry, "Sts/Cd") or self.text(ntry, "Sts")
        if status and status != "BOOK":
            return []  # pending or informational entries are not on the books yet
        amount, ccy, line = self.amount(ntry, "Amt", where)
        direction = self.text(ntry, "CdtDbtInd")
        if direction not in ("CRDT", "DBIT"):
            raise self.error(
                _("%(where)s: CdtDbtInd must be CRDT or DBIT, not %(value)r")
                % {"where": where, "value": direction[:20]},
                ntry,
            )
        is_credit = direction == "CRDT"
        base = ParsedLine(
            booking_date=self.date(ntry, "BookgDt", where),
            value_date=self.date(ntry, "ValDt", where, required=False),
            amount=amount,
            is_credit=is_credit,
            currency=ccy or currency,
            is_reversal=self.text(ntry, "RvslInd").lower() == "true",
            entry_reference=self.text(ntry, "AcctSvcrRef"),
            remittance=self.text(ntry, "AddtlNtryInf"),
            source_line=line,
        )
        details = ntry.findall(self.q("NtryDtls/TxDtls"))
        if not details:
            return [check_line(base, self.file_name)]
        lines = [
            self.transaction(base, tx, where, len(details) > 1, i) for i, tx in enumerate(details)
        ]
        if len(lines) > 1:
            total = sum((line.amount for line in lines), Decimal("0.00"))
            if total != amount:
                raise self.error(
                    _("%(where)s: the batch's details add up to %(total)s, not %(amount)s")
                    % {"where": where, "total": total, "amount": amount},
                    ntry,
                )
        return [check_line(line, self.file_name) for line in lines]

    def transaction(self, base: ParsedLine, tx: Element, where: str, batch: bool, index: int):
        amount, line = base.amount, base.source_line
        if batch:
            path = (
                "AmtDtls/TxAmt/Amt" if tx.find(self.q("AmtDtls/TxAmt/Amt")) is not None else "Amt"
            )
            detail = _("%(where)s, detail %(n)d") % {"where": where, "n": index + 1}
            amount, _ccy, line = self.amount(tx, path, detail)
        original = ""
        if tx.find(self.q("AmtDtls/InstdAmt/Amt")) is not None:
            instructed, ccy, _line = self.amount(tx, "AmtDtls/InstdAmt/Amt", where)
            if ccy and ccy != base.currency:
                original = f"{ccy} {instructed}"
        party, account = ("Dbtr", "DbtrAcct") if base.is_credit else ("Cdtr", "CdtrAcct")
        name = self.text(tx, f"RltdPties/{party}/Nm") or self.text(tx, f"RltdPties/{party}/Pty/Nm")
        remittance = " ".join(
            (u.text or "").strip() for u in tx.findall(self.q("RmtInf/Ustrd"))
        ) or self.text(tx, "RmtInf/Strd/CdtrRefInf/Ref")
        end_to_end = self.text(tx, "Refs/EndToEndId")
        own_ref = self.text(tx, "Refs/AcctSvcrRef") or self.text(tx, "Refs/TxId")
        reference = own_ref or base.entry_reference
        if batch and reference == base.entry_reference and reference:
            reference = f"{reference}/{index + 1}"
        return ParsedLine(
            booking_date=base.booking_date,
            value_date=base.value_date,
            amount=amount,
            is_credit=base.is_credit,
            currency=base.currency,
            is_reversal=base.is_reversal,
            entry_reference=reference,
            end_to_end_id="" if end_to_end.upper() in NOT_PROVIDED else end_to_end,
            counterparty_name=name,
            counterparty_iban=self.text(tx, f"RltdPties/{account}/Id/IBAN").replace(" ", ""),
            remittance=remittance or base.remittance,
            original_amount=original,
            source_line=line,
        )


def _events(data: bytes, parser: XMLPullParser) -> Iterator[tuple[str, Element, int]]:
    """(event, element, line) as the parser is fed line by line, a long line in pieces."""
    for number, line in enumerate(BytesIO(data), 1):
        for start in range(0, len(line), PIECE):
            parser.feed(line[start : start + PIECE])
            for event, element in parser.read_events():
                yield event, element, number
    parser.close()
    for event, element in parser.read_events():
        yield event, element, number


def iter_statement(file_name: str, data: bytes) -> Iterator[StatementHeader | ParsedLine]:
    """Each statement's header once its account and balances are read, then its lines.

    In CAMT.053 a statement's Id, Acct and Bal come before its entries (Ntry), so the header
    can be given before the first line.
    """
    reader: _Reader | None = None
    depth = 0
    entries = statements = 0
    stmt: Element | None = None
    header: StatementHeader | None = None
    lines: dict[Element, int] = {}  # start lines of the current statement's elements
    parser = XMLPullParser(
        events=("start", "end"),
        _parser=DefusedXMLParser(target=TreeBuilder(), forbid_dtd=True),
    )
    try:
        for event, element, number in _events(data, parser):
            if event == "start":
                depth += 1
                lines[element] = number
                if reader is None:
                    if not NAMESPACE.fullmatch(element.tag):
                        raise StatementError(
                            _("this XML is not a CAMT.053 bank statement"), file_name=file_name
                        )
                    reader = _Reader(file_name, element.tag[1 : element.tag.index("}")], lines)
                tag = element.tag.rsplit("}", 1)[-1]
                if depth == 3 and tag == "Stmt":
                    stmt, header = element, None
                elif depth == 4 and tag == "Ntry" and header is None:
                    header = reader.header(stmt)
                    yield header
                continue
            depth -= 1
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "Ntry" and depth == 3:
                entries += 1
                yield from reader.entry(element, entries, header.currency)
                for done in element.iter():
                    lines.pop(done, None)
                stmt.remove(element)  # keep memory flat on large statements
            elif tag == "Stmt" and depth == 2:
                statements += 1
                if header is None:  # a statement without entries
                    yield reader.header(element)
                element.clear()
                lines.clear()
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise StatementError(
            _("the XML is malformed or cut off"), file_name=file_name, line=line
        ) from exc
    except DefusedXmlException as exc:
        raise StatementError(
            _("the XML uses a DTD or entities, which a bank statement never needs"),
            file_name=file_name,
        ) from exc
    if not statements:
        raise StatementError(_("the file holds no statement (Stmt)"), file_name=file_name)
