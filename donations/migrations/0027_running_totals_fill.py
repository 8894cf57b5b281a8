"""Fill the running totals from the ledger, as donations.selectors.money_in sums it.

Paid gifts with an email that have no donor record yet are first linked to one (the email
normalised as in 0019), because the donors are counted from the donor record from now on.
Written against the frozen models, so later changes to the app's code never change it.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import migrations
from django.db.models import Case, Count, DecimalField, F, Sum, When
from django.db.models.functions import Coalesce, TruncDate, TruncQuarter

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _link_donors(Donation, Donor):
    donors: dict[str, int] = {}
    gifts = Donation.objects.filter(status="paid", donor__isnull=True).exclude(donor_email="")
    for gift in gifts.order_by("-created_at", "-id").iterator():
        email = gift.donor_email.strip().lower()
        if email not in donors:
            donor, _created = Donor.objects.get_or_create(
                email=email,
                defaults={
                    "name": "" if gift.is_anonymous else gift.donor_name,
                    "language": gift.language,
                },
            )
            donors[email] = donor.pk
        Donation.objects.filter(pk=gift.pk).update(donor_id=donors[email])


def fill(apps, schema_editor):
    Donation = apps.get_model("donations", "Donation")
    Donor = apps.get_model("donations", "Donor")
    Refund = apps.get_model("donations", "Refund")
    Correction = apps.get_model("donations", "Correction")
    Expense = apps.get_model("donations", "Expense")
    FundTransfer = apps.get_model("donations", "FundTransfer")
    FundTotal = apps.get_model("donations", "FundTotal")
    QuarterTotal = apps.get_model("donations", "QuarterTotal")
    CampaignTotal = apps.get_model("donations", "CampaignTotal")

    _link_donors(Donation, Donor)
    paid = Donation.objects.filter(status="paid").annotate(
        day=Coalesce("received_on", TruncDate("paid_at"), TruncDate("created_at"))
    )
    refunds = Refund.objects.annotate(day=TruncDate("created_at"))
    corrections = Correction.objects.annotate(day=F("date"))
    parts = [
        (paid, "prisoner", "received", Sum(Coalesce("amount_paid", "amount", output_field=MONEY))),
        (
            refunds,
            "donation__prisoner",
            "refunded",
            Sum(
                Case(
                    When(kind="reversed", then=-F("amount")),
                    default=F("amount"),
                    output_field=MONEY,
                )
            ),
        ),
        (corrections, "donation__prisoner", "corrected", Sum("amount")),
    ]
    funds = defaultdict(lambda: defaultdict(lambda: ZERO))
    quarters = defaultdict(lambda: defaultdict(lambda: ZERO))
    for queryset, fund, field, total in parts:
        rows = queryset.order_by().values(fund).annotate(total=total, n=Count("id"))
        for row in rows:
            funds[row[fund]][field] += row["total"] or ZERO
            funds[row[fund]]["entries"] += row["n"]
        by_quarter = (
            queryset.order_by()
            .annotate(quarter=TruncQuarter("day"))
            .values("quarter")
            .annotate(total=total, n=Count("id"))
        )
        for row in by_quarter:
            quarters[row["quarter"]][field] += row["total"] or ZERO
            quarters[row["quarter"]]["entries"] += row["n"]
    for row in Expense.objects.order_by().values("prisoner").annotate(total=Sum("amount")):
        funds[row["prisoner"]]["spent"] += row["total"]
    transfers = FundTransfer.objects.order_by()
    for row in transfers.values("to_prisoner").annotate(total=Sum("amount")):
        funds[row["to_prisoner"]]["transferred_in"] += row["total"]
    for row in transfers.values("from_prisoner").annotate(total=Sum("amount")):
        funds[row["from_prisoner"]]["transferred_out"] += row["total"]

    FundTotal.objects.all().delete()
    QuarterTotal.objects.all().delete()
    FundTotal.objects.bulk_create(
        FundTotal(prisoner_id=fund, **values) for fund, values in funds.items()
    )
    QuarterTotal.objects.bulk_create(
        QuarterTotal(quarter=quarter, **values) for quarter, values in quarters.items()
    )
    donors = (
        Donation.objects.filter(status="paid", donor__isnull=False)
        .values("donor")
        .distinct()
        .count()
    )
    without = Donation.objects.filter(status="paid", donor__isnull=True).count()
    CampaignTotal.objects.update_or_create(pk=1, defaults={"donors": donors + without})


class Migration(migrations.Migration):
    dependencies = [("donations", "0026_running_totals")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
