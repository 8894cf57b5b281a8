"""CSV exports for the treasurer: UTF-8 with a BOM (so Excel reads it), exact amounts, and
cells that a spreadsheet would run as a formula neutralised."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable

from django.http import StreamingHttpResponse

# A cell starting with one of these is a formula to Excel and LibreOffice: a donor who types
# "=HYPERLINK(...)" as their name must not get to run it on the treasurer's machine.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets read a full-width "＝" (and the like) as "=": test the folded form, but
    # keep the donor's own text in the cell.
    folded = unicodedata.normalize("NFKC", text[:1])
    return "'" + text if folded.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, header: list[str], rows: Iterable[Iterable]
) -> StreamingHttpResponse:
    """Stream rows as CSV, so a large export never sits in memory."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def donation_rows(queryset):
    for d in queryset.select_related("prisoner").iterator(chunk_size=2000):
        yield [
            d.pk,
            d.created_at.isoformat(),
            d.received_on or "",
            d.get_status_display(),
            d.amount,
            d.amount_paid if d.amount_paid is not None else "",
            d.fee if d.fee is not None else "",
            d.currency,
            d.get_method_display(),
            d.get_provider_display(),
            d.provider_payment_id or "",
            d.prisoner.name if d.prisoner else "",
            d.get_purpose_display(),
            d.get_frequency_display(),
            d.donor_name,
            d.donor_email,
            "yes" if d.is_anonymous else "no",
            "yes" if d.amount_mismatch else "no",
        ]


DONATION_HEADER = [
    "id",
    "created",
    "received_on",
    "status",
    "amount",
    "amount_paid",
    "fee",
    "currency",
    "method",
    "provider",
    "provider_payment_id",
    "prisoner",
    "purpose",
    "frequency",
    "donor_name",
    "donor_email",
    "anonymous",
    "amount_differs",
]


def expense_rows(queryset):
    for e in queryset.select_related("prisoner", "category").iterator(chunk_size=2000):
        yield [
            e.pk,
            e.date,
            e.amount,
            e.prisoner.name if e.prisoner else "",
            e.category.name,
            e.category.get_purpose_display(),
            e.description,
            "yes" if e.receipt else "no",
            e.statement_line_id or "",
            e.created_by,
        ]


EXPENSE_HEADER = [
    "id",
    "date",
    "amount",
    "fund",
    "category",
    "purpose",
    "description",
    "receipt",
    "statement_line",
    "recorded_by",
]


def statement_line_rows(queryset):
    for line in queryset.select_related("statement").iterator(chunk_size=2000):
        # Positive amounts with a direction: "-80.00" would be neutralised into text.
        yield [
            line.pk,
            line.booking_date,
            line.value_date or "",
            "in" if line.is_credit else "out",
            line.amount,
            line.currency,
            line.original_amount,
            line.counterparty_name,
            line.counterparty_iban,
            line.remittance,
            line.end_to_end_id,
            line.entry_reference,
            line.get_status_display(),
            line.note,
            line.donation_id or "",
            line.statement.file_name,
        ]


STATEMENT_LINE_HEADER = [
    "id",
    "booking_date",
    "value_date",
    "direction",
    "amount",
    "currency",
    "original_amount",
    "counterparty",
    "counterparty_iban",
    "description",
    "end_to_end_id",
    "bank_reference",
    "status",
    "note",
    "donation",
    "file",
]


def correction_rows(queryset):
    for c in queryset.select_related("donation__prisoner").iterator(chunk_size=2000):
        # A direction and a positive amount, as for statement lines: "-5.00" would be
        # neutralised into text by safe_cell.
        yield [
            c.pk,
            c.date,
            c.donation_id,
            c.donation.fund_name,
            "add" if c.amount > 0 else "take off",
            abs(c.amount),
            c.reason,
            c.created_by,
            c.created_at.isoformat(),
        ]


CORRECTION_HEADER = [
    "id",
    "date",
    "donation",
    "fund",
    "direction",
    "amount",
    "reason",
    "recorded_by",
    "recorded",
]
