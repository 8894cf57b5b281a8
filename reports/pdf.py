"""The treasurer's report as a PDF, from templates in `templates/reports/`, drawn by the
project's one WeasyPrint module (crowdfund/pdf.py).
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from crowdfund.content import content_version
from crowdfund.pdf import html_to_pdf, render_pdf
from ledger.models import Category
from ledger.running_totals import books_version
from prisoners.models import Campaign, Prisoner
from reports.attention import treasurer_attention
from reports.data import financial_statements, treasurer_report


def treasurer_report_html(*, start: date, end: date, generated_by: str) -> str:
    """The treasurer's report as HTML, in the active language (what the PDF is made from)."""
    data = treasurer_report(start, end)
    return render_to_string(
        "reports/treasurer_report.html",
        {
            "report": data,
            "attention": treasurer_attention(until=end),
            "campaign": Campaign.objects.first(),
            "generated_at": timezone.localtime(),
            "generated_by": generated_by,
            "chart": month_chart(data.by_month),
        },
    )


def treasurer_report_pdf(*, start: date, end: date, generated_by: str) -> bytes:
    return html_to_pdf(treasurer_report_html(start=start, end=end, generated_by=generated_by))


def month_chart(rows: list[dict]) -> list[dict]:
    """Bar geometry for the income-per-month SVG, scaled to the largest month."""
    top = max((row["gross"] for row in rows), default=0) or 1
    width = min(640 / max(len(rows), 1), 60)
    return [
        {
            "x": round(40 + i * width, 1),
            "width": round(width * 0.7, 1),
            "height": round(float(160 * row["gross"] / top), 1),
            "y": round(180 - float(160 * row["gross"] / top), 1),
            "label": row["month"].strftime("%m/%y"),
        }
        for i, row in enumerate(rows)
    ]


def public_report_version(language: str) -> str:
    """Changes whenever anything the public report shows changes: content or totals.

    The site's content version (crowdfund/content.py): one short query, never a scan.
    """
    return content_version()


STATEMENTS_TEMPLATES = ("reports/financial_statements.html", "reports/print.css")


def financial_statements_version(*, year: int, language: str) -> str:
    """A version of a closed year's accounts that changes with anything they show, without
    reading the ledger: four small queries, whatever its size.

    The books: any entry dated in the year or before it (the opening balances), such as a
    correction, refund or fee booked after the year closed (the years' running totals). The
    names: the funds' prisoners, whether their page is published, and the categories. The
    foundation's details, and the layout and its wording. A gift in a later year leaves it
    alone, so the file built once is served until the year itself changes.
    """
    names = [build_localized_fieldname("name", code) for code, _name in settings.LANGUAGES]
    shown = (
        language,
        books_version(until_year=year),
        Campaign.objects.aggregate(m=Max("updated_at"))["m"],
        list(Prisoner.objects.order_by("order", "name").values_list("pk", "name", "is_published")),
        list(Category.objects.values_list("pk", "purpose", *names)),
        _layout_digest(language),
    )
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:24]


@cache
def _layout_digest(language: str) -> str:
    # Per process: a deploy that changes the template or its translation makes new files.
    layout = "".join(get_template(name).template.source for name in STATEMENTS_TEMPLATES)
    catalogue = Path(settings.BASE_DIR, "locale", language, "LC_MESSAGES", "django.mo")
    wording = catalogue.read_bytes() if catalogue.exists() else b""
    return hashlib.sha256(layout.encode() + wording).hexdigest()[:16]


def financial_statements_pdf(year: int) -> bytes:
    """A closed year's accounts, in the active language."""
    return render_pdf(
        "reports/financial_statements.html",
        {
            "statements": financial_statements(year),
            "campaign": Campaign.objects.first(),
            "generated_at": timezone.localtime(),
        },
    )
