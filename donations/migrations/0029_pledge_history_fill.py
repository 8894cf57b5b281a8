"""Fill the pledge history of existing sponsorships from what was recorded before it existed.

Each change a donor made on their page is in donors' AmountChange (the old and new amount, and
when the provider took it); the audit row written with it is linked where it can be found.
A sponsorship whose first month was paid at an amount that the recorded changes do not lead
back to had a change nobody recorded: it is dated by the first paid month at the amount that
followed it, else by the first recorded change, else by the sponsorship's last update.
Written against the frozen models, so later changes to the app's code never change it.
"""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone


def _day(moment):
    return timezone.localtime(moment).date()


def _recorded(AmountChange, SponsorshipEvent, PledgeChange, sponsorship, used_events):
    changes = []
    applied = AmountChange.objects.filter(sponsorship=sponsorship, applied_at__isnull=False)
    for change in applied.order_by("applied_at", "id"):
        if change.old_amount == change.new_amount:
            continue
        note = f"amount {change.old_amount} → {change.new_amount}"
        event = (
            SponsorshipEvent.objects.filter(
                sponsorship=sponsorship, note=note, created_at__gte=change.requested_at
            )
            .exclude(pk__in=used_events)
            .order_by("created_at", "id")
            .first()
        )
        if event is not None:
            used_events.add(event.pk)
        changes.append(
            PledgeChange(
                sponsorship=sponsorship,
                old_amount=change.old_amount,
                new_amount=change.new_amount,
                applies_from=_day(change.applied_at),
                source="records",
                event=event,
                recorded_at=change.applied_at,
            )
        )
    return changes


def _unrecorded(Donation, sponsorship, changes):
    """The change nobody recorded between the first month's amount and the recorded ones."""
    first = sponsorship.first_donation
    if first is None:
        return None
    started_at = sponsorship.amount - sum(
        (c.new_amount - c.old_amount for c in changes), Decimal("0")
    )
    if started_at == first.amount or started_at <= 0:
        return None
    months = Donation.objects.filter(
        sponsorship=sponsorship, status="paid", amount=started_at, received_on__isnull=False
    ).exclude(pk=first.pk)
    month = months.order_by("received_on", "id").first()
    if month is not None:
        day = month.received_on
    elif changes:
        day = changes[0].applies_from
    else:
        day = _day(sponsorship.updated_at)
    return {"old_amount": first.amount, "new_amount": started_at, "applies_from": day}


def fill(apps, schema_editor):
    Sponsorship = apps.get_model("donations", "Sponsorship")
    SponsorshipEvent = apps.get_model("donations", "SponsorshipEvent")
    PledgeChange = apps.get_model("donations", "PledgeChange")
    Donation = apps.get_model("donations", "Donation")
    AmountChange = apps.get_model("donors", "AmountChange")
    used_events: set[int] = set()
    rows = []
    for sponsorship in Sponsorship.objects.select_related("first_donation").iterator():
        if PledgeChange.objects.filter(sponsorship=sponsorship).exists():
            continue
        changes = _recorded(AmountChange, SponsorshipEvent, PledgeChange, sponsorship, used_events)
        missing = _unrecorded(Donation, sponsorship, changes)
        if missing is not None:
            changes.insert(0, PledgeChange(sponsorship=sponsorship, source="records", **missing))
        rows += changes
    PledgeChange.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0028_pledge_history"),
        ("donors", "0002_treasurers_read_statements"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
