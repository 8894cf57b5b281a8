from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from annual_statements.sending import FAILED, SENT, WOULD_SEND, annual_statements_send


class Command(BaseCommand):
    help = (
        "Email every donor who gave in YEAR their annual gift statement (PDF attached), unless "
        "they opted out. Each donor and year is sent once: a rerun sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="A year that is over.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count who would get a statement; send and store nothing.",
        )

    def handle(self, *args, year: int, dry_run: bool, **options):
        this_year = timezone.localdate().year
        if not 2000 <= year < this_year:
            raise CommandError(
                f"--year {year}: a statement covers a whole year, so only a year before "
                f"{this_year} can be sent."
            )

        def progress(done: int, total: int) -> None:
            # About twenty lines however many donors: enough to see it move.
            if done % max(1, total // 20) == 0 or done == total:
                self.stdout.write(f"[{done}/{total}] donors done")

        result = annual_statements_send(year=year, dry_run=dry_run, progress=progress)
        if result.new_donors:
            verb = "would get" if dry_run else "got"
            self.stdout.write(
                f"{result.new_donors} address(es) with gifts in {year} but no donor record "
                f"{verb} one."
            )
        headline = WOULD_SEND if dry_run else SENT
        sent = result.outcomes.get(headline, 0)
        skipped = {k: v for k, v in result.outcomes.items() if k not in (headline, FAILED)}
        reasons = ", ".join(f"{count} {reason}" for reason, count in sorted(skipped.items()))
        summary = f"{'Dry run: ' if dry_run else ''}{year}: {sent} {headline}"
        summary += f", {sum(skipped.values())} skipped" + (f" ({reasons})" if reasons else "")
        failed = result.outcomes.get(FAILED, 0)
        if failed:
            summary += f", {failed} failed (left for the next run)"
        self.stdout.write((self.style.WARNING if failed else self.style.SUCCESS)(summary + "."))
        if failed:
            raise CommandError(f"{failed} statement(s) could not be sent; run again later.")
