"""The running totals per year of the books (YearTotal), filled from the ledger: each row
counts in the year of the day it counts on, as donations.selectors.ENTRY_DAY dates it.
Written against the frozen models, so later changes to the app's code never change it.
"""

from collections import Counter

from django.db import migrations, models
from django.db.models import Count, F
from django.db.models.functions import Coalesce, ExtractYear, TruncDate


def fill(apps, schema_editor):
    Donation = apps.get_model("donations", "Donation")
    Refund = apps.get_model("donations", "Refund")
    Correction = apps.get_model("donations", "Correction")
    Expense = apps.get_model("donations", "Expense")
    FundTransfer = apps.get_model("donations", "FundTransfer")
    YearTotal = apps.get_model("donations", "YearTotal")

    days = [
        (
            Donation.objects.filter(status="paid"),
            Coalesce("received_on", TruncDate("paid_at"), TruncDate("created_at")),
        ),
        (Refund.objects.all(), TruncDate("created_at")),
        (Correction.objects.all(), F("date")),
        (Expense.objects.all(), F("date")),
        (FundTransfer.objects.all(), F("date")),
    ]
    years = Counter()
    for queryset, day in days:
        rows = (
            queryset.order_by()
            .annotate(year=ExtractYear(day))
            .values("year")
            .annotate(n=Count("id"))
        )
        for row in rows:
            years[row["year"]] += row["n"]
    YearTotal.objects.all().delete()
    YearTotal.objects.bulk_create(
        YearTotal(year=year, entries=n, version=n) for year, n in years.items()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0029_pledge_history_fill"),
    ]

    operations = [
        migrations.CreateModel(
            name="YearTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveIntegerField(unique=True, verbose_name="year")),
                ("entries", models.BigIntegerField(default=0, verbose_name="entries")),
                ("version", models.BigIntegerField(default=0, verbose_name="version")),
            ],
            options={
                "verbose_name": "year total",
                "verbose_name_plural": "year totals",
                "ordering": ["year"],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
