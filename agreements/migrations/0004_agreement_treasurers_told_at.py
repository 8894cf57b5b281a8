"""When the treasurers were told that an agreement waits for its countersignature: claimed
once ("update where unset"), so a retried task never mails them twice."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("agreements", "0003_agreement_joins_donor_when_signed")]

    operations = [
        migrations.AddField(
            model_name="periodicgiftagreement",
            name="treasurers_told_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="countersignature asked for"
            ),
        ),
    ]
