"""From a statement file to ledger rows: lines kept once, donations for matched credits."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ledger.models import BankStatement, Donation, StatementLine
from payments.models import StatusChange
from statements.expected import expected_transfer_receive
from statements.keys import LineKeys
from statements.matching import LineMatcher, donation_from_line
from statements.parsing import ParsedLine, StatementError, StatementHeader
from statements.reading import iter_statement

BATCH = 1000
UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE for a duplicate key
logger = logging.getLogger(__name__)


@dataclass
class SkippedStatement:
    """A statement of another account in the same file: read and checked, never saved."""

    account: str
    statement_id: str
    line: int | None
    lines: int = 0


@dataclass
class ImportResult:
    file_name: str
    account: str = ""  # the foundation's IBAN, which the imported statements are of
    statements: int = 0
    lines_read: int = 0
    lines_new: int = 0
    donations: int = 0
    review: int = 0
    not_donation: int = 0
    balance_problems: list[str] = field(default_factory=list)
    skipped: list[SkippedStatement] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return self.lines_read - self.lines_new

    def skipped_by_account(self) -> dict[str, tuple[int, int]]:
        """Each other account, in file order: how many statements and lines were skipped."""
        found: dict[str, tuple[int, int]] = {}
        for skipped in self.skipped:
            statements, lines = found.get(skipped.account, (0, 0))
            found[skipped.account] = (statements + 1, lines + skipped.lines)
        return found


def estimate_lines(data: bytes) -> int:
    """About how many lines a file holds, for a progress bar (batches may hold more)."""
    return data.count(b"<Ntry>") or data.count(b"\n:61:") + data.count(b"\r:61:")


def statement_import(
    *,
    file_name: str,
    data: bytes,
    user: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import one statement file, completely or not at all.

    The file is streamed into the database in chunks inside one transaction, so memory stays
    flat; a StatementError anywhere (naming the file and where possible the line) rolls all
    of it back.
    """
    if len(data) > settings.STATEMENT_MAX_BYTES:
        raise too_large(file_name)
    result = ImportResult(file_name=file_name)
    try:
        with transaction.atomic():
            _Import(file_name, user, result, progress).run(iter_statement(file_name, data))
    except IntegrityError as exc:
        if not _is_duplicate_key(exc):
            logger.exception("statement %s broke a ledger constraint", file_name)
            raise StatementError(
                _("a line of this file breaks a rule of the ledger, so nothing was saved"),
                file_name=file_name,
            ) from exc
        raise StatementError(
            _(
                "another import of the same lines ran at the same time; import the file again "
                "(lines already imported are skipped)"
            ),
            file_name=file_name,
        ) from exc
    return result


def too_large(file_name: str) -> StatementError:
    limit = settings.STATEMENT_MAX_BYTES // (1024 * 1024)
    return StatementError(
        _("the file is larger than a bank statement can be (at most %(mb)d MB)") % {"mb": limit},
        file_name=file_name,
    )


def _is_duplicate_key(exc: IntegrityError) -> bool:
    # Only a unique key means a concurrent import; psycopg gives the SQLSTATE, SQLite its text.
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return state == UNIQUE_VIOLATION if state else "UNIQUE" in str(exc).upper()


def _same_account(account: str, iban: str) -> bool:
    """The foundation's IBAN, or the old Dutch account number inside it (older exports)."""
    if account.upper() == iban.upper():
        return True
    number = iban[8:]
    return account.isdigit() and number.isdigit() and int(account) == int(number)


class _Import:
    def __init__(self, file_name, user, result, progress):
        self.file_name, self.user, self.result, self.progress = file_name, user, result, progress
        self.matcher = LineMatcher()
        self.keys = LineKeys()
        self.header: StatementHeader | None = None
        self.statement: BankStatement | None = None
        self.skipping: SkippedStatement | None = None
        self.chunk: list[tuple[StatementLine, ParsedLine]] = []
        self.pending: list[tuple[StatementLine, ParsedLine]] = []
        self.movements = Decimal("0.00")

    def run(self, items) -> None:
        for item in items:
            if isinstance(item, StatementHeader):
                self.finish()
                self.start(item)
                continue
            if self.skipping:
                self.skipping.lines += 1
                continue
            row = _row(self.header, item)
            row.dedupe_key = self.keys(row)
            self.chunk.append((row, item))
            self.movements += item.signed
            if len(self.chunk) >= BATCH:
                self.flush()
        self.finish()
        self.write()
        if not self.result.statements and self.result.skipped:
            # Nothing in the file is the foundation's: the wrong file, not a mixed one.
            first = self.result.skipped[0]
            raise StatementError(
                _(
                    "this statement is for account %(account)s, not for the foundation's "
                    "account %(iban)s (from the campaign settings)"
                )
                % {"account": first.account, "iban": self.matcher.iban},
                file_name=self.file_name,
                line=first.line,
            )

    def start(self, header: StatementHeader) -> None:
        iban = self.matcher.iban
        if not iban:
            raise StatementError(
                _("set the foundation's IBAN in the campaign settings before importing"),
                file_name=self.file_name,
            )
        self.result.account = iban
        if not _same_account(header.account_iban, iban):
            # A bank's export may hold every account of the customer (Rabobank's does).
            self.skipping = SkippedStatement(header.account_iban, header.statement_id, header.line)
            self.result.skipped.append(self.skipping)
            return
        self.header, self.movements = header, Decimal("0.00")
        self.result.statements += 1
        # SNS and ASN export a statement a day, 365 in a year's file: a statement's row is
        # written once it is finished, with its figures, unless its lines fill a batch first;
        # and new lines wait in `pending`, whatever their statement, until they fill one.
        self.statement = None

    def create_statement(self, **figures) -> None:
        self.statement = BankStatement.objects.create(
            file_name=self.file_name[:255],
            format=self.header.format,
            account_iban=self.header.account_iban,
            statement_id=self.header.statement_id[:140],
            opening_balance=self.header.opening_balance,
            closing_balance=self.header.closing_balance,
            imported_by=self.user,
            **figures,
        )

    def existing_keys(self) -> set[str]:
        if not self.chunk:
            return set()
        keys = [row.dedupe_key for row, _line in self.chunk]
        lines = StatementLine.objects.filter(dedupe_key__in=keys)
        return set(lines.values_list("dedupe_key", flat=True))

    def flush(self) -> None:
        """A statement's lines that fill a batch: the statement's row is needed now."""
        if not self.chunk:
            return
        existing = self.existing_keys()
        if self.statement is None:
            self.create_statement()
        self.statement.lines_read += len(self.chunk)
        self.statement.lines_new += self.keep_new(existing)

    def keep_new(self, existing: set[str]) -> int:
        """The chunk's new lines, for the current statement, join those waiting to be saved."""
        new = [(row, line) for row, line in self.chunk if row.dedupe_key not in existing]
        for row, _line in new:
            row.statement = self.statement
        self.pending += new
        self.result.lines_read += len(self.chunk)
        self.chunk = []
        if len(self.pending) >= BATCH:
            self.write()
        self.report_progress()
        return len(new)

    def write(self) -> None:
        _save_chunk(self.file_name, self.pending, self.matcher, self.result)
        self.pending = []

    def report_progress(self) -> None:
        if self.progress:
            skipped = sum(statement.lines for statement in self.result.skipped)
            self.progress(self.result.lines_read + skipped)

    def finish(self) -> None:
        if self.skipping:
            self.skipping = None
            self.report_progress()
        if self.header is None:
            return
        # The file's own sums, over every line it holds, skipped or new: a skipped line is
        # the very same line (same amount and direction) as one imported before.
        own = self.header.balance_problem(self.movements)
        problems = [p for p in [own, *self.header.problems] if p]
        label = self.header.statement_id or self.header.account_iban
        self.result.balance_problems += [f"{label}: {problem}" for problem in problems]
        figures = {"balance_ok": not problems, "balance_note": "; ".join(problems)[:255]}
        if self.statement is None:
            existing = self.existing_keys()
            new = sum(1 for row, _line in self.chunk if row.dedupe_key not in existing)
            self.create_statement(**figures, lines_read=len(self.chunk), lines_new=new)
            self.keep_new(existing)
        else:
            self.flush()
            # A multi-part MT940 statement gives its final closing balance in its last part.
            self.statement.opening_balance = self.header.opening_balance
            self.statement.closing_balance = self.header.closing_balance
            for name, value in figures.items():
                setattr(self.statement, name, value)
            self.statement.save()
        self.header = self.statement = None


def _row(header, line: ParsedLine) -> StatementLine:
    return StatementLine(
        account_iban=header.account_iban,
        booking_date=line.booking_date,
        value_date=line.value_date,
        amount=line.amount,
        is_credit=line.is_credit,
        currency=line.currency,
        original_amount=line.original_amount[:40],
        is_reversal=line.is_reversal,
        counterparty_name=line.counterparty_name[:200],
        counterparty_iban=line.counterparty_iban[:34],
        remittance=line.remittance,
        end_to_end_id=line.end_to_end_id[:140],
        entry_reference=line.entry_reference[:140],
    )


def _save_chunk(file_name: str, chunk, matcher, result) -> None:
    rows, donations, expected_by_row = [], [], {}
    for row, line in chunk:
        status, note, prisoner, expected = matcher.classify(line)
        row.status, row.note = status, note
        if status == StatementLine.Status.MATCHED:
            donations.append((row, donation_from_line(row, prisoner, expected)))
            if expected is not None:
                expected_by_row[id(row)] = expected
        elif status == StatementLine.Status.NOT_DONATION:
            result.not_donation += 1
        else:
            result.review += 1
        rows.append(row)
    created = []
    if donations:  # the gifts' bulk_create opens savepoints even for none
        created = Donation.objects.bulk_create([donation for _r, donation in donations])
        for (row, _d), donation in zip(donations, created, strict=True):
            row.donation = donation
            if id(row) in expected_by_row:
                expected_transfer_receive(expected=expected_by_row[id(row)], donation=donation)
        StatusChange.objects.bulk_create(
            StatusChange(
                donation=d,
                from_status=Donation.Status.NEW,
                to_status=Donation.Status.PAID,
                source=StatusChange.Source.IMPORT,
                note=file_name[:255],
            )
            for d in created
        )
    StatementLine.objects.bulk_create(rows)
    result.lines_new += len(rows)
    result.donations += len(created)
