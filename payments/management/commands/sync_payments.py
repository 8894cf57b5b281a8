from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ledger.models import Donation
from payments.models import StatusChange
from payments.providers import get_provider
from payments.providers.base import ProviderUnavailable
from payments.services import payment_refresh


class Command(BaseCommand):
    help = (
        "Re-fetch every unfinished online payment from its provider and apply the result. "
        "The safety net for lost webhooks; safe to run as often as you like (e.g. every 10 min)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.SYNC_PAYMENTS_AFTER_MINUTES,
            metavar="MINUTES",
            help="Only payments left open or pending for longer than this (default %(default)s).",
        )

    def handle(self, *args, older_than: int, **options):
        cutoff = timezone.now() - timedelta(minutes=older_than)
        unfinished = (
            Donation.objects.filter(
                status__in=[Donation.Status.OPEN, Donation.Status.PENDING],
                provider_payment_id__isnull=False,
                created_at__lte=cutoff,
            )
            .exclude(provider__in=[Donation.Provider.MANUAL, Donation.Provider.BANK])
            .order_by("created_at")
        )
        total = unfinished.count()
        self.stdout.write(f"Checking {total} unfinished payment(s) older than {older_than} min.")
        changed = unreachable = 0
        unreachable_providers: set[str] = set()
        for index, donation in enumerate(unfinished.iterator(), start=1):
            provider = get_provider(donation.provider)
            label = f"[{index}/{total}] donation {donation.pk} ({donation.provider})"
            if not provider.is_enabled():
                self.stdout.write(f"{label}: provider not configured, skipped")
                continue
            try:
                applied = payment_refresh(donation=donation, source=StatusChange.Source.SYNC)
            except ProviderUnavailable as exc:
                unreachable += 1
                unreachable_providers.add(donation.provider)
                self.stderr.write(f"{label}: provider unreachable: {exc}")
                continue
            except LookupError:
                self.stderr.write(f"{label}: the provider does not know this payment")
                continue
            if applied and applied.changes:
                changed += 1
                self.stdout.write(f"{label}: {'; '.join(applied.changes)}")
        style = self.style.WARNING if unreachable else self.style.SUCCESS
        self.stdout.write(
            style(
                f"Done: {changed} changed, {total - changed - unreachable} unchanged, "
                f"{unreachable} unreachable."
            )
        )
        if unreachable_providers:
            # Non-zero, so cron or the scheduler alerts someone: these payments are unsettled.
            raise CommandError(
                f"Could not reach {', '.join(sorted(unreachable_providers))}; "
                f"{unreachable} payment(s) left for the next run."
            )
