"""PDFs made with WeasyPrint from templates (`templates/reports/`, `templates/agreements/`...)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    """Tagged PDF (for screen readers); title, author and language come from the HTML head."""
    return html_to_pdf(render_to_string(template_name, context))


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint needs Pango on the machine, and the rest of the site should
    # still start without it.
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(pdf_tags=True, optimize_images=True, jpeg_quality=80)
