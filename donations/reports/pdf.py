"""PDFs made with WeasyPrint from templates in `templates/reports/`.

The only module that imports WeasyPrint.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation

from crowdfund.content import content_version
from donations.reports.attention import treasurer_attention
from donations.reports.data import FinancialStatements, financial_statements, treasurer_report
from prisoners.models import Campaign


def render_pdf(template_name: str, context: dict) -> bytes:
    """Tagged PDF (for screen readers); title, author and language come from the HTML head."""
    return html_to_pdf(render_to_string(template_name, context))


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint needs Pango on the machine, and the rest of the site should
    # still start without it.
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(pdf_tags=True, optimize_images=True, jpeg_quality=80)


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


def financial_statements_version(*, year: int, language: str) -> tuple[str, FinancialStatements]:
    """The year's figures, and a version that changes with anything the PDF shows: a
    correction booked later into a closed year makes a new one."""
    with translation.override(language):
        data = financial_statements(year)
        # Every figure, fund and category name, in the document's language.
        shown = repr((language, Campaign.objects.aggregate(m=Max("updated_at"))["m"], data))
    return hashlib.sha256(shown.encode()).hexdigest()[:24], data
