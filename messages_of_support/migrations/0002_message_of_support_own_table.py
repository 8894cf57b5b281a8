"""The message of support leaves its gift's row for a table of its own, keyed by the gift.

Its words, the donor's consent to show them, the signature chosen and the editors' review
are copied for every gift where any of them differs from what a gift without a message holds;
ledger 0007 then drops those columns from the gift. The content type and the editors'
permissions stay: the model keeps its app and name. Reversible: going back copies them onto
the gifts again.
"""

import django.db.models.deletion
from django.db import migrations, models

# Old field on the gift → field of the message.
FIELDS = {
    "public_message": "text",
    "message_is_public": "is_public",
    "message_signature": "signed_with",
    "message_status": "status",
    "message_moderated_by": "moderated_by",
    "message_moderated_at": "moderated_at",
}
EMPTY = {
    "public_message": "",
    "message_is_public": False,
    "message_signature": "first_name",
    "message_status": "waiting",
    "message_moderated_by": "",
    "message_moderated_at": None,
}
BATCH = 1000


def copy_out(apps, schema_editor):
    Donation = apps.get_model("ledger", "Donation")
    Message = apps.get_model("messages_of_support", "MessageOfSupport")
    gifts = Donation.objects.exclude(**EMPTY).values("pk", *FIELDS)
    batch = []
    for row in gifts.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(Message(donation_id=row["pk"], **{new: row[old] for old, new in FIELDS.items()}))
        if len(batch) >= BATCH:
            Message.objects.bulk_create(batch)
            batch = []
    Message.objects.bulk_create(batch)


def copy_back(apps, schema_editor):
    Donation = apps.get_model("ledger", "Donation")
    Message = apps.get_model("messages_of_support", "MessageOfSupport")
    for message in Message.objects.order_by("pk").iterator(chunk_size=BATCH):
        values = {old: getattr(message, new) for old, new in FIELDS.items()}
        Donation.objects.filter(pk=message.donation_id).update(**values)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_treasurers_read_the_journal"),
        ("messages_of_support", "0001_split_tables_from_donations"),
    ]

    operations = [
        # The proxy on the gifts' table goes; the model of the same name takes a table.
        migrations.DeleteModel(name="MessageOfSupport"),
        migrations.CreateModel(
            name="MessageOfSupport",
            fields=[
                (
                    "donation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="message",
                        serialize=False,
                        to="ledger.donation",
                    ),
                ),
                ("text", models.TextField(blank=True, max_length=500, verbose_name="message")),
                (
                    "is_public",
                    models.BooleanField(
                        default=False,
                        help_text="The donor agreed to show it.",
                        verbose_name="message may be shown",
                    ),
                ),
                (
                    "signed_with",
                    models.CharField(
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
                (
                    "status",
                    models.CharField(
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
                (
                    "moderated_by",
                    models.CharField(
                        blank=True, editable=False, max_length=150, verbose_name="message reviewed by"
                    ),
                ),
                (
                    "moderated_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="message reviewed at"
                    ),
                ),
            ],
            options={
                "verbose_name": "message of support",
                "verbose_name_plural": "messages of support",
                "ordering": ["-donation__created_at"],
                "default_permissions": ("view", "change"),
            },
        ),
        migrations.RunPython(copy_out, copy_back),
    ]
