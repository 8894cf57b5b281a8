"""The gift's row no longer holds its message of support: messages_of_support 0002 copied
each message to its own table first."""

from django.db import migrations

MOVED = [
    "public_message",
    "message_is_public",
    "message_signature",
    "message_status",
    "message_moderated_by",
    "message_moderated_at",
]


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_treasurers_read_the_journal"),
        ("messages_of_support", "0002_message_of_support_own_table"),
    ]

    operations = [migrations.RemoveField(model_name="donation", name=name) for name in MOVED]
