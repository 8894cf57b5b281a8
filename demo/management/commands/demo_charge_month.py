from django.core.management.base import BaseCommand, CommandError

from demo.sponsorships import sponsorship_demo_charge
from ledger.models import Donation
from payments.providers import get_provider
from sponsorships.models import Sponsorship


class Command(BaseCommand):
    help = (
        "Demo only: charge every active demo sponsorship one month, through the same webhook "
        "path as a real provider. With --fail, the month fails as a SEPA debit would (AM04)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fail", action="store_true", help="Let this month's debit fail.")

    def handle(self, *args, fail: bool, **options):
        provider = get_provider(Donation.Provider.DEMO)
        if not provider.is_enabled():
            raise CommandError("Demo payments are switched off (DEMO_PAYMENTS).")
        active = Sponsorship.objects.filter(
            provider=Donation.Provider.DEMO, status=Sponsorship.Status.ACTIVE
        ).order_by("pk")
        for sponsorship in active:
            event = sponsorship_demo_charge(sponsorship=sponsorship, fail=fail)
            self.stdout.write(f"sponsorship {sponsorship.pk}: {event.outcome}")
        self.stdout.write(self.style.SUCCESS(f"Charged {active.count()} demo sponsorship(s)."))
