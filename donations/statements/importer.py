"""From a statement file to ledger rows: lines kept once, donations for matched credits."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from donations.models import BankStatement, Donation, StatementLine, StatusChange
from donations.statements import ParsedLine, ParsedStatement, StatementError, parse_statement
from donations.statements.references import find_reference
from prisoners.models import Campaign, Prisoner

# Payouts of online gifts: already counted from the providers' webhooks, never twice.
PAYOUT_NAMES = re.compile(r"\b(mollie|stripe)\b", re.IGNORECASE)
BATCH = 1000


@dataclass
class ImportResult:
    file_name: str
    statements: int = 0
    lines_read: int = 0
    lines_new: int = 0
    donations: int = 0
    review: int = 0
    not_donation: int = 0
    balance_problems: list[str] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return self.lines_read - self.lines_new


def _dedupe_keys(statement: ParsedStatement) -> list[str]:
    """The bank's entry reference where there is one, else a fingerprint of the line.

    Identical fingerprints within one file (two equal transfers on one day) are numbered, so
    both are kept, while the same lines in an overlapping file get the same keys.
    """
    seen: Counter[str] = Counter()
    keys = []
    for line in statement.lines:
        if line.entry_reference:
            keys.append(f"ref:{statement.account_iban}:{line.entry_reference}"[:200])
            continue
        text = "|".join(
            [statement.account_iban, line.booking_date.isoformat(), str(line.amount),
             "C" if line.is_credit else "D", line.counterparty_iban, line.remittance,
             line.end_to_end_id]
        )  # fmt: skip
        digest = hashlib.sha256(text.encode()).hexdigest()
        seen[digest] += 1
        keys.append(f"fp:{digest}:{seen[digest]}")
    return keys


class _Matcher:
    def __init__(self):
        campaign = Campaign.objects.first()
        self.general = campaign.general_reference.upper() if campaign else None
        self.prisoners = {p.payment_reference.upper(): p for p in Prisoner.objects.all()}
        self.references = set(self.prisoners) | ({self.general} if self.general else set())

    def classify(self, line: ParsedLine) -> tuple[str, str, Prisoner | None]:
        """(status, note, prisoner) for a new line."""
        if line.is_reversal:
            return StatementLine.Status.REVIEW, "reversal of an earlier entry", None
        if not line.is_credit:
            return StatementLine.Status.REVIEW, "money out: possible spending", None
        if PAYOUT_NAMES.search(line.counterparty_name):
            return (
                StatementLine.Status.NOT_DONATION,
                "payout of online gifts, counted already",
                None,
            )
        if line.currency != "EUR":
            return StatementLine.Status.REVIEW, f"booked in {line.currency}", None
        found = find_reference(f"{line.remittance} {line.end_to_end_id}", self.references)
        if len(found) == 1:
            (reference,) = found
            return (
                StatementLine.Status.MATCHED,
                f"reference {reference}",
                self.prisoners.get(reference),
            )
        if found:
            return (
                StatementLine.Status.REVIEW,
                "several references: " + ", ".join(sorted(found)),
                None,
            )
        return StatementLine.Status.REVIEW, "no payment reference found", None


def donation_from_line(line: StatementLine, prisoner: Prisoner | None) -> Donation:
    booked = timezone.make_aware(datetime.combine(line.booking_date, time(12)))
    return Donation(
        amount=line.amount,
        amount_paid=line.amount,
        prisoner=prisoner,
        method=Donation.Method.BANK_TRANSFER,
        provider=Donation.Provider.BANK,
        provider_payment_id=line.dedupe_key,
        status=Donation.Status.PAID,
        donor_name=line.counterparty_name,
        # Bank donors never chose to be named in public.
        is_anonymous=True,
        received_on=line.booking_date,
        paid_at=booked,
        created_at=booked,
    )


def statement_import(
    *,
    file_name: str,
    data: bytes,
    user: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import one statement file, completely or not at all.

    Raises StatementError, naming the file and where possible the line, and saves nothing.
    """
    if len(data) > settings.STATEMENT_MAX_BYTES:
        raise StatementError("the file is larger than a bank statement can be", file_name=file_name)
    statements = parse_statement(file_name, data)
    result = ImportResult(file_name=file_name, statements=len(statements))
    total = sum(len(s.lines) for s in statements)
    matcher = _Matcher()
    try:
        with transaction.atomic():
            for parsed in statements:
                _import_one(parsed, file_name, user, matcher, result, total, progress)
    except IntegrityError as exc:
        raise StatementError(
            "another import of the same lines ran at the same time; import the file again "
            "(lines already imported are skipped)",
            file_name=file_name,
        ) from exc
    return result


def _import_one(parsed, file_name, user, matcher, result, total, progress) -> None:
    problem = parsed.balance_problem()
    if problem:
        result.balance_problems.append(f"{parsed.statement_id or parsed.account_iban}: {problem}")
    statement = BankStatement.objects.create(
        file_name=file_name[:255],
        format=parsed.format,
        account_iban=parsed.account_iban,
        statement_id=parsed.statement_id[:140],
        opening_balance=parsed.opening_balance,
        closing_balance=parsed.closing_balance,
        balance_ok=not problem,
        balance_note=problem[:255],
        lines_read=len(parsed.lines),
        imported_by=user,
    )
    keys = _dedupe_keys(parsed)
    for start in range(0, len(keys), BATCH):
        chunk = list(
            zip(keys[start : start + BATCH], parsed.lines[start : start + BATCH], strict=True)
        )
        existing = set(
            StatementLine.objects.filter(dedupe_key__in=[k for k, _l in chunk]).values_list(
                "dedupe_key", flat=True
            )
        )
        new = [(key, line) for key, line in chunk if key not in existing]
        _save_chunk(statement, parsed, new, matcher, result)
        result.lines_read += len(chunk)
        if progress:
            progress(result.lines_read, total)
    statement.lines_new = statement.lines.count()
    statement.save(update_fields=["lines_new"])


def _save_chunk(statement, parsed, chunk, matcher, result) -> None:
    rows, donations = [], []
    for key, line in chunk:
        status, note, prisoner = matcher.classify(line)
        row = StatementLine(
            statement=statement,
            dedupe_key=key,
            account_iban=parsed.account_iban,
            booking_date=line.booking_date,
            value_date=line.value_date,
            amount=line.amount,
            is_credit=line.is_credit,
            currency=line.currency[:3],
            original_amount=line.original_amount,
            is_reversal=line.is_reversal,
            counterparty_name=line.counterparty_name[:200],
            counterparty_iban=line.counterparty_iban[:34],
            remittance=line.remittance,
            end_to_end_id=line.end_to_end_id[:140],
            entry_reference=line.entry_reference[:140],
            status=status,
            note=note,
        )
        if status == StatementLine.Status.MATCHED:
            donations.append((row, donation_from_line(row, prisoner)))
        elif status == StatementLine.Status.NOT_DONATION:
            result.not_donation += 1
        else:
            result.review += 1
        rows.append(row)
    created = Donation.objects.bulk_create([d for _row, d in donations])
    for (row, _d), donation in zip(donations, created, strict=True):
        row.donation = donation
    StatusChange.objects.bulk_create(
        StatusChange(donation=d, from_status=Donation.Status.NEW, to_status=Donation.Status.PAID,
                     source=StatusChange.Source.IMPORT, note=statement.file_name[:255])
        for d in created
    )  # fmt: skip
    StatementLine.objects.bulk_create(rows)
    result.lines_new += len(rows)
    result.donations += len(created)
