import logging
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from statements.admin.lines import import_summary, skipped_summaries
from statements.importer import estimate_lines, statement_import, too_large
from statements.parsing import StatementError

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Import bank statement files (CAMT.053 XML or MT940). Each file is imported completely "
        "or not at all; lines imported before are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files, **options):
        refused = [name for name in files if not self._import(name)]
        for name in refused:
            self.stderr.write(self.style.ERROR(f"Refused: {name}"))
        if refused:
            raise CommandError(f"{len(refused)} of {len(files)} file(s) refused.")

    def _import(self, name: str) -> bool:
        """One file in its own transaction; False when it was refused (nothing of it saved)."""
        path = Path(name)
        if not path.is_file():
            self.stderr.write(self.style.ERROR(f"{name}: no such file"))
            return False
        try:
            if path.stat().st_size > settings.STATEMENT_MAX_BYTES:
                raise too_large(path.name)
            data = path.read_bytes()
            result = statement_import(
                file_name=path.name,
                data=data,
                user="import_statement",
                progress=self._progress(path.name, estimate_lines(data)),
            )
        except StatementError as exc:
            self._end_progress()
            self.stderr.write(self.style.ERROR(f"Refused, nothing saved: {exc}"))
            return False
        except Exception as exc:
            # A bug of ours, not the file's: the other files are still imported.
            self._end_progress()
            logger.exception("importing statement %s failed", name)
            self.stderr.write(self.style.ERROR(f"{name}: failed, nothing saved: {exc!r}"))
            return False
        self._end_progress()
        self.stdout.write(self.style.SUCCESS(import_summary(result)))
        for sentence in skipped_summaries(result):
            self.stdout.write(self.style.WARNING(f"  {sentence}"))
        for problem in result.balance_problems:
            message = _("Balance check: %(problem)s") % {"problem": problem}
            self.stdout.write(self.style.WARNING(f"  {message}"))
        return True

    def _progress(self, label: str, expected: int):
        interactive = sys.stdout.isatty()

        def show(done: int) -> None:
            total = max(expected, done, 1)
            width = 30
            filled = width * done // total
            bar = "#" * filled + "." * (width - filled)
            line = f"{label} [{bar}] {done}/{total} lines"
            if interactive:
                self.stdout.write(f"\r{line}", ending="")
                self.stdout.flush()
            elif done >= expected:
                self.stdout.write(line)

        return show

    def _end_progress(self) -> None:
        if sys.stdout.isatty():
            self.stdout.write("")
