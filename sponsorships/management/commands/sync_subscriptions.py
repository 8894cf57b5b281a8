from django.core.management.base import BaseCommand, CommandError

from payments.providers import get_provider
from payments.providers.base import ProviderUnavailable
from sponsorships.models import Sponsorship
from sponsorships.sync import sponsorship_sync


class Command(BaseCommand):
    help = (
        "For every live sponsorship: record the payments (Stripe: invoices) a lost webhook "
        "missed, and re-read its status at the provider. Safe to run as often as you like; "
        "run it next to sync_payments."
    )

    def handle(self, *args, **options):
        live = Sponsorship.objects.filter(
            status__in=[
                Sponsorship.Status.PENDING,
                Sponsorship.Status.ACTIVE,
                Sponsorship.Status.SUSPENDED,
            ]
        ).order_by("pk")
        total = live.count()
        self.stdout.write(f"Checking {total} sponsorship(s).")
        unreachable: set[str] = set()
        changed = 0
        for index, sponsorship in enumerate(live.iterator(), start=1):
            label = f"[{index}/{total}] sponsorship {sponsorship.pk} ({sponsorship.provider})"
            if not get_provider(sponsorship.provider).is_enabled():
                self.stdout.write(f"{label}: provider not configured, skipped")
                continue
            try:
                changes = sponsorship_sync(sponsorship=sponsorship)
            except ProviderUnavailable as exc:
                unreachable.add(sponsorship.provider)
                self.stderr.write(f"{label}: provider unreachable: {exc}")
                continue
            except LookupError:
                self.stderr.write(f"{label}: the provider does not know this subscription")
                continue
            if changes:
                changed += 1
                self.stdout.write(f"{label}: {'; '.join(changes)}")
        self.stdout.write(f"Done: {changed} changed.")
        if unreachable:
            # Non-zero, so cron or the scheduler alerts someone.
            raise CommandError(f"Could not reach {', '.join(sorted(unreachable))}.")
