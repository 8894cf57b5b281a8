"""PDFs made with WeasyPrint from templates in `templates/reports/`.

The only module that imports WeasyPrint.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db.models import Count, Max, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation

from donations.models import Category, Correction, Donation, Expense, Refund
from donations.reports.data import treasurer_report
from prisoners.models import Campaign, Prisoner, Update

logger = logging.getLogger(__name__)
# How long one build may hold the lock (and others wait for it), and how often they look.
REPORT_BUILD_SECONDS = 120
REPORT_WAIT_STEP = 0.2
# An older version of the report is removed once it has not been current for this long.
REPORT_KEEP_OLD_SECONDS = 10 * 60


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
    """Changes whenever anything the public report shows changes: content or totals."""
    parts = [
        language,
        Campaign.objects.aggregate(m=Max("updated_at"))["m"],
        Prisoner.objects.aggregate(m=Max("updated_at"), n=Count("id")),
        Update.objects.aggregate(m=Max("id"), n=Count("id")),
        Donation.objects.paid().aggregate(n=Count("id"), s=Sum("amount"), m=Max("updated_at")),
        Refund.objects.aggregate(n=Count("id"), s=Sum("amount")),
        Correction.objects.aggregate(n=Count("id"), s=Sum("amount")),
        Expense.objects.aggregate(n=Count("id"), s=Sum("amount"), m=Max("created_at")),
        Category.objects.aggregate(n=Count("id")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def public_report_file(language: str, version: str) -> str:
    """The public report for this content: its name in the "reports" storage.

    Built once per language and content version by one worker of one app server; the others
    wait for that file (the lock is in the shared cache) instead of each spending seconds of
    CPU on the same PDF when a new gift changes the version.
    """
    storage = storages["reports"]
    name = f"public-{language}-{version}.pdf"
    lock = f"report-build:{name}"
    give_up_waiting = time.monotonic() + REPORT_BUILD_SECONDS
    while not storage.exists(name):
        if cache.add(lock, "building", timeout=REPORT_BUILD_SECONDS):
            try:
                _build_public_report(storage, name, language)
            finally:
                cache.delete(lock)
            break
        if time.monotonic() > give_up_waiting:
            # The builder died or hangs: build it here rather than fail the visitor.
            _build_public_report(storage, name, language)
            break
        time.sleep(REPORT_WAIT_STEP)
    return name


def _build_public_report(storage, name: str, language: str) -> None:
    from donations.reports.public import public_report_context

    with translation.override(language):
        pdf = render_pdf("reports/public_report.html", public_report_context())
    storage.save(name, ContentFile(pdf))
    logger.info("Built the public report %s", name)
    _remove_old_reports(storage, language, keep=name)


def _remove_old_reports(storage, language: str, *, keep: str) -> None:
    # Only files older than a few minutes: a worker that worked out an older version a
    # moment ago still finds it, and a build of an old version never removes a fresh one.
    cutoff = timezone.now() - timedelta(seconds=REPORT_KEEP_OLD_SECONDS)
    _, names = storage.listdir("")
    for old in names:
        if not old.startswith(f"public-{language}-") or old == keep:
            continue
        try:
            if storage.get_modified_time(old) < cutoff:
                storage.delete(old)
        except FileNotFoundError:  # removed by another worker meanwhile
            continue
