from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from reports.pdf import treasurer_report_pdf


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date; use YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Write the treasurer's PDF report for a period (the same file the admin gives)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--output", required=True, metavar="FILE.pdf")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="The report's language; the site's default language (LANGUAGE_CODE) if left out.",
        )

    def handle(self, *args, start, end, output, language, **options):
        start, end = _day(start), _day(end)
        if start > end:
            raise CommandError("--from must not be after --to.")
        # Read when the command runs, as the site reads it; "nl-nl" becomes "nl".
        language = language or translation.get_supported_language_variant(settings.LANGUAGE_CODE)
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        with translation.override(language):
            pdf = treasurer_report_pdf(start=start, end=end, generated_by="treasurer_report")
        path.write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({len(pdf) // 1024} KB)."))
