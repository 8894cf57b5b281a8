# A card network's decline code (Stripe's "insufficient_funds") is longer than a SEPA reason.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0020_monthly_treasurer_roles"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sponsorship",
            name="last_failure_code",
            field=models.CharField(
                blank=True, editable=False, max_length=40, verbose_name="bank reason code"
            ),
        ),
    ]
