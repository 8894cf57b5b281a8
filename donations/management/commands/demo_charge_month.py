from django.core.management.base import BaseCommand, CommandError

from donations.models import Donation, Sponsorship
from donations.payments import payment_webhook
from donations.providers import get_provider


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
            payment_id = provider.charge_month(sponsorship, fail=fail)
            event = payment_webhook(
                provider_name=Donation.Provider.DEMO, body=b"", headers={}, form={"id": payment_id}
            )
            self.stdout.write(f"sponsorship {sponsorship.pk}: {payment_id} {event.outcome}")
        self.stdout.write(self.style.SUCCESS(f"Charged {active.count()} demo sponsorship(s)."))
