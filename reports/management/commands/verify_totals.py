from django.core.management.base import BaseCommand, CommandError

from reports.totals_check import totals_differences


class Command(BaseCommand):
    help = (
        "Recompute the journal's sums and every running total (per fund, per quarter, the "
        "donors) from the ledger and report any difference. A check, not a repair: exits "
        "with status 1 on a difference. Run it nightly."
    )

    def handle(self, *args, **options):
        differences = totals_differences()
        if differences:
            for line in differences:
                self.stderr.write(line)
            raise CommandError(
                f"{len(differences)} difference(s) between the journal, the running totals "
                "and the ledger."
            )
        self.stdout.write("The journal and the running totals agree with the ledger.")
