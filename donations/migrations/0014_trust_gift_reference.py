"""Give every gift a short reference (DS-2026-00123), numbered per year in order of creation."""

from django.db import migrations, models
from django.utils import timezone


def backfill(apps, schema_editor):
    Donation = apps.get_model("donations", "Donation")
    Counter = apps.get_model("donations", "GiftReferenceCounter")
    last: dict[int, int] = {}
    batch = []
    for donation in Donation.objects.order_by("created_at", "id").only("id", "created_at"):
        year = timezone.localtime(donation.created_at).year
        last[year] = last.get(year, 0) + 1
        donation.reference = f"DS-{year}-{last[year]:05d}"
        batch.append(donation)
        if len(batch) >= 1000:
            Donation.objects.bulk_update(batch, ["reference"])
            batch = []
    Donation.objects.bulk_update(batch, ["reference"])
    Counter.objects.bulk_create(
        [Counter(year=year, last_number=number) for year, number in last.items()]
    )


class Migration(migrations.Migration):
    dependencies = [("donations", "0013_donate_expected_transfer")]

    operations = [
        migrations.CreateModel(
            name="GiftReferenceCounter",
            fields=[
                ("year", models.PositiveIntegerField(primary_key=True, serialize=False)),
                ("last_number", models.PositiveIntegerField(default=0)),
            ],
            options={"verbose_name": "gift reference counter"},
        ),
        migrations.AddField(
            model_name="donation",
            name="reference",
            field=models.CharField(
                editable=False, max_length=20, null=True, verbose_name="reference"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="donation",
            name="reference",
            field=models.CharField(
                editable=False, max_length=20, unique=True, verbose_name="reference"
            ),
        ),
    ]
