"""An agreement the foundation never countersigned can be cancelled, with when, why and by
whom: it binds nobody, and no longer holds its donor's details back from erasure."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0005_agreement_transfer_reference"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="periodicgiftagreement",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Waiting for the donor's signature"),
                    ("donor_signed", "Signed by the donor"),
                    ("partner_signed", "Signed by the donor's partner"),
                    ("countersigned", "Countersigned: in force"),
                    ("ended", "Ended"),
                    ("cancelled", "Cancelled before the countersignature"),
                ],
                db_index=True,
                default="draft",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="periodicgiftagreement",
            name="cancelled_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="cancelled"
            ),
        ),
        migrations.AddField(
            model_name="periodicgiftagreement",
            name="cancel_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("donor_asked", "The donor asked for it"),
                    ("details_wrong", "Its details are wrong"),
                    ("duplicate", "It was made twice"),
                    ("other", "Another reason (see the note)"),
                ],
                editable=False,
                max_length=16,
                verbose_name="why it was cancelled",
            ),
        ),
        migrations.AddField(
            model_name="periodicgiftagreement",
            name="cancel_note",
            field=models.TextField(blank=True, editable=False, verbose_name="cancellation note"),
        ),
        migrations.AddField(
            model_name="periodicgiftagreement",
            name="cancel_sent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="periodicgiftagreement",
            name="cancelled_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="cancelled by",
            ),
        ),
        migrations.AddConstraint(
            model_name="periodicgiftagreement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("cancelled_at__isnull", False),
                        ("status", "cancelled"),
                        models.Q(("cancel_reason", ""), _negated=True),
                    ),
                    models.Q(
                        models.Q(("status", "cancelled"), _negated=True),
                        ("cancel_reason", ""),
                        ("cancelled_at__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="agreement_cancellation_recorded",
            ),
        ),
    ]
