"""A bank statement file, read whichever format the bank wrote: the one entry point of the
readers (statements.camt, statements.mt940_format), which share statements.parsing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict

from django.utils.translation import gettext as _

from statements import camt, mt940_format
from statements.parsing import ParsedLine, ParsedStatement, StatementError, StatementHeader


def iter_statement(file_name: str, data: bytes) -> Iterator[StatementHeader | ParsedLine]:
    """Stream a CAMT.053 or MT940 file as headers, each followed by its lines.

    The format is sniffed from the content, not the name. Streaming keeps memory flat for a
    year of lines; a caller that must be all-or-nothing runs it inside a transaction.
    """
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise StatementError(_("the file is empty"), file_name=file_name)
    if head.startswith(b"<"):
        return camt.iter_statement(file_name, data)
    if b":20:" in data[:8192] and (b":25:" in data[:8192]):
        return mt940_format.iter_statement(file_name, data)
    raise StatementError(
        _("this is not a bank statement we can read; export CAMT.053 (XML) or MT940"),
        file_name=file_name,
    )


def parse_statement(file_name: str, data: bytes) -> list[ParsedStatement]:
    """The whole file in memory: statements with their lines (for tests and small files)."""
    headers: list[StatementHeader] = []
    statements: list[ParsedStatement] = []
    for item in iter_statement(file_name, data):
        if isinstance(item, StatementHeader):
            headers.append(item)
            statements.append(ParsedStatement(**asdict(item)))
        else:
            statements[-1].lines.append(item)
    # Readers may complete a header (multi-part balances) after giving it.
    for header, statement in zip(headers, statements, strict=True):
        statement.closing_balance = header.closing_balance
        statement.problems = header.problems
    return statements
