"""A donor who pays an agreement by bank transfer gets a reference of their own (an expected
transfer, as on the bank-transfer page), so each year's transfer is known to be theirs."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("agreements", "0004_agreement_treasurers_told_at")]

    operations = [
        migrations.AddField(
            model_name="periodicgiftagreement",
            name="transfer",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="periodic_gift_agreement",
                to="donations.expectedtransfer",
                verbose_name="payment reference",
            ),
        ),
    ]
