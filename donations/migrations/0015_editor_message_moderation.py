"""Messages of support are reviewed by an editor before they are shown, and the donor
chooses how to sign them.

Messages already in the database start as *waiting*, not approved: they went live without
anyone reading them, under the donor's full name, and some donors may be at risk for having
given. An editor approves each one again; until then none is shown.

Their signature becomes *first name only*: less than those donors agreed to, never more. A
donor who gave anonymously stays anonymous whatever the signature says.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0014_trust_gift_reference"),
    ]

    operations = [
        migrations.CreateModel(
            name="MessageOfSupport",
            fields=[],
            options={
                "verbose_name": "message of support",
                "verbose_name_plural": "messages of support",
                "ordering": ["-created_at"],
                "proxy": True,
                "default_permissions": ("view", "change"),
                "indexes": [],
                "constraints": [],
            },
            bases=("donations.donation",),
        ),
        migrations.AddField(
            model_name="donation",
            name="message_moderated_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="message reviewed at"
            ),
        ),
        migrations.AddField(
            model_name="donation",
            name="message_moderated_by",
            field=models.CharField(
                blank=True, editable=False, max_length=150, verbose_name="message reviewed by"
            ),
        ),
        migrations.AddField(
            model_name="donation",
            name="message_signature",
            field=models.CharField(
                choices=[
                    ("full_name", "My full name"),
                    ("first_name", "My first name only"),
                    ("no_name", "No name"),
                ],
                default="first_name",
                max_length=10,
                verbose_name="message signed with",
            ),
        ),
        migrations.AddField(
            model_name="donation",
            name="message_status",
            field=models.CharField(
                choices=[
                    ("waiting", "Waiting for review"),
                    ("approved", "Approved"),
                    ("hidden", "Hidden"),
                ],
                db_index=True,
                default="waiting",
                max_length=10,
                verbose_name="message review",
            ),
        ),
        migrations.CreateModel(
            name="MessageModeration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "from_status",
                    models.CharField(
                        choices=[
                            ("waiting", "Waiting for review"),
                            ("approved", "Approved"),
                            ("hidden", "Hidden"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[
                            ("waiting", "Waiting for review"),
                            ("approved", "Approved"),
                            ("hidden", "Hidden"),
                        ],
                        max_length=10,
                    ),
                ),
                ("moderated_by", models.CharField(max_length=150, verbose_name="reviewed by")),
                (
                    "moderated_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="reviewed at"
                    ),
                ),
                (
                    "donation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="message_moderations",
                        to="donations.donation",
                    ),
                ),
            ],
            options={
                "verbose_name": "message review",
                "verbose_name_plural": "message reviews",
                "ordering": ["moderated_at", "id"],
            },
        ),
    ]
