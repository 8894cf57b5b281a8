"""A demo donor for `make run`: one-off gifts, a refund and a running demo sponsorship, so
that "Manage my gifts" opens a page with something on it. Idempotent; clearly invented."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from demo.models import DemoSubscription
from donors.models import Donor
from ledger.models import Donation, Refund
from prisoners.models import Prisoner
from sponsorships.models import Sponsorship

DEMO_EMAIL = "demo.donor@example.org"
MONTHLY = Decimal("15.00")


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _gift(donor: Donor, key: str, day: date, amount: str, **fields) -> Donation:
    gift, _created = Donation.objects.update_or_create(
        provider=Donation.Provider.DEMO,
        provider_payment_id=f"demo-donor-{key}",
        defaults={
            "amount": Decimal(amount),
            "method": Donation.Method.OTHER_ONLINE,
            "status": Donation.Status.PAID,
            "donor": donor,
            "donor_name": donor.name,
            "donor_email": donor.email,
            "language": donor.language,
            "received_on": day,
            "paid_at": _moment(day),
            "created_at": _moment(day),
            **fields,
        },
    )
    return gift


def demo_donor_load(*, prisoners: dict[str, Prisoner]) -> Donor:
    today = timezone.localdate()
    last_year = today.year - 1
    donor, _created = Donor.objects.update_or_create(
        email=DEMO_EMAIL, defaults={"name": "Camila Demo", "language": "es"}
    )
    ana = prisoners.get("ana-ejemplo")
    _gift(donor, "one-off-1", date(last_year, 3, 14), "50.00", prisoner=ana)
    refunded = _gift(donor, "one-off-2", date(last_year, 9, 2), "40.00")
    Refund.objects.update_or_create(
        provider=Donation.Provider.DEMO,
        provider_refund_id="demo-donor-refund-1",
        defaults={
            "donation": refunded,
            "kind": Refund.Kind.REFUND,
            "amount": Decimal("10.00"),
            "created_at": _moment(date(last_year, 9, 20)),
        },
    )
    _gift(donor, "one-off-3", today - timedelta(days=20), "25.00", prisoner=ana)
    _sponsorship(donor, prisoners.get("benjamin-ficticio"), start=date(last_year, 10, 5))
    return donor


def _sponsorship(donor: Donor, prisoner: Prisoner | None, *, start: date) -> Sponsorship:
    sponsorship = Sponsorship.objects.filter(donor=donor, provider=Donation.Provider.DEMO).first()
    if sponsorship is None:
        sponsorship = Sponsorship.objects.create(
            donor=donor,
            prisoner=prisoner,
            amount=MONTHLY,
            provider=Donation.Provider.DEMO,
            method=Donation.Method.OTHER_ONLINE,
            language=donor.language,
            status=Sponsorship.Status.ACTIVE,
            started_on=start,
            provider_customer_id=f"demo_cst_{donor.pk}",
        )
        subscription = DemoSubscription.objects.create(
            subscription_id=f"demo_sub_{sponsorship.public_id.hex[:16]}",
            sponsorship_public_id=sponsorship.public_id,
            amount=MONTHLY,
        )
        sponsorship.provider_subscription_id = subscription.subscription_id
        sponsorship.save()
    end = timezone.localdate()
    if sponsorship.cancelled_at:
        end = min(end, timezone.localdate(sponsorship.cancelled_at))
    month, months = start, []
    while month <= end:
        months.append(month)
        month = (month.replace(day=1) + timedelta(days=32)).replace(day=start.day)
    for n, day in enumerate(months):
        gift = _gift(
            donor,
            f"month-{day:%Y-%m}",
            day,
            str(MONTHLY),
            prisoner=prisoner,
            frequency=Donation.Frequency.MONTHLY,
            sponsorship=sponsorship,
        )
        if n == 0 and sponsorship.first_donation_id is None:
            Sponsorship.objects.filter(pk=sponsorship.pk).update(first_donation=gift)
    return sponsorship
