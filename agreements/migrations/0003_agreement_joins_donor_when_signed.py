"""An agreement keeps the address it was started with, and joins a donor's records only when
the owner of that address signs. Drafts made before this were attached at once, whoever typed
the address: they are detached, and join their donor again if the owner signs them."""

import django.db.models.deletion
from django.db import migrations, models


def copy_the_address(apps, schema_editor):
    Agreement = apps.get_model("agreements", "PeriodicGiftAgreement")
    Donor = apps.get_model("donations", "Donor")
    Agreement.objects.update(
        email=models.Subquery(
            Donor.objects.filter(pk=models.OuterRef("donor_id")).values("email")[:1]
        )
    )
    Agreement.objects.filter(status="draft").update(donor=None)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_treasurer_agreement_roles")]

    operations = [
        migrations.AddField(
            model_name="periodicgiftagreement",
            name="email",
            field=models.EmailField(default="", max_length=254, verbose_name="donor's email"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="periodicgiftagreement",
            name="donor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="periodic_gift_agreements",
                to="donations.donor",
                verbose_name="donor",
            ),
        ),
        migrations.RunPython(copy_the_address, migrations.RunPython.noop),
    ]
