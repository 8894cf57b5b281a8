from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from retention.steps import RetentionResult, retention_apply


def _periods() -> dict[str, str]:
    return {
        "webhook bodies": f"older than {settings.RETENTION_WEBHOOK_BODY_DAYS} days",
        "unfinished gifts": (
            f"payment never completed, older than {settings.RETENTION_UNFINISHED_GIFT_DAYS} days"
        ),
        "donors": f"no gift for {settings.RETENTION_DONOR_YEARS} years",
        "unfinished donor records": (
            "only unfinished attempts or an unsigned agreement, "
            f"older than {settings.RETENTION_UNFINISHED_GIFT_DAYS} days"
        ),
        "expired records": (
            f"kept for the books, ended more than {settings.RETENTION_DONOR_YEARS} years ago"
        ),
    }


class Command(BaseCommand):
    help = (
        "Remove donors' personal data that has outlived its purpose (webhook bodies, "
        "unfinished gifts, donors with no recent gift, what abandoned attempts left, agreements "
        "ended longer ago than the books are kept); the "
        "ledger's amounts stay. "
        "Run daily; safe to run again and while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say what would be removed; change nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        if dry_run:
            self.stdout.write("Dry run: nothing is changed.")
        result = retention_apply(now=timezone.now(), dry_run=dry_run, progress=self._progress)
        self._summary(result)

    def _progress(self, step: str, done: int, total: int) -> None:
        self.stdout.write(f"  {step}: {done}/{total}")

    def _summary(self, result: RetentionResult) -> None:
        verb = "would change" if result.dry_run else "changed"
        for step in result.steps:
            period = _periods()[step.name]
            counts = ", ".join(f"{n} {kind}" for kind, n in sorted(step.counts.items()))
            self.stdout.write(
                f"{step.name.capitalize()} ({period}, before {step.cutoff:%Y-%m-%d}): "
                f"{verb} {counts or 'nothing'}"
            )
        self.stdout.write(self.style.SUCCESS(f"Done: {result.changed} row(s) {verb}."))
