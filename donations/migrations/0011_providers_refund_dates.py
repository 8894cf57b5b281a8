# Refund.created_at becomes the provider's date (the reports count refunds on it);
# recorded_at keeps when we learned of the refund. A webhook's body may be empty: an
# unverified body is no longer stored.

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def rows_so_far_were_recorded_when_created(apps, schema_editor):
    # Before this migration created_at was our clock, so it is also when they were recorded.
    Refund = apps.get_model("donations", "Refund")
    Refund.objects.update(recorded_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0010_treasurer_correction_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="refund",
            name="recorded_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="recorded"
            ),
        ),
        migrations.RunPython(rows_so_far_were_recorded_when_created, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="paymentevent",
            name="payload",
            field=models.TextField(blank=True, verbose_name="body"),
        ),
        migrations.AlterField(
            model_name="refund",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="When the provider says it happened.",
                verbose_name="date",
            ),
        ),
    ]
