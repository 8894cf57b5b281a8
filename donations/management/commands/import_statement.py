import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from donations.admin.ledger import import_summary
from donations.statements import StatementError
from donations.statements.importer import estimate_lines, statement_import


class Command(BaseCommand):
    help = (
        "Import bank statement files (CAMT.053 XML or MT940). Each file is imported completely "
        "or not at all; lines imported before are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files, **options):
        refused = 0
        for name in files:
            path = Path(name)
            if not path.is_file():
                self.stderr.write(self.style.ERROR(f"{name}: no such file"))
                refused += 1
                continue
            data = path.read_bytes()
            try:
                result = statement_import(
                    file_name=path.name,
                    data=data,
                    user="import_statement",
                    progress=self._progress(path.name, estimate_lines(data)),
                )
            except StatementError as exc:
                self._end_progress()
                self.stderr.write(self.style.ERROR(f"Refused, nothing saved: {exc}"))
                refused += 1
                continue
            self._end_progress()
            self.stdout.write(self.style.SUCCESS(import_summary(result)))
            for problem in result.balance_problems:
                self.stdout.write(self.style.WARNING(f"  Balance check: {problem}"))
        if refused:
            raise CommandError(f"{refused} of {len(files)} file(s) refused.")

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
