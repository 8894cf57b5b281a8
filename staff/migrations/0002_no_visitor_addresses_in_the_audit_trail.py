"""The audit trail keeps a staff member's address and no one else's (staff.middleware): the
addresses that requests without a staff login left in it go, and so does the copy of a
signer's address in the entries of agreements' signatures (the signature keeps it)."""

from django.db import migrations
from django.db.models import Q


def forget_visitors_addresses(apps, schema_editor):
    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # No actor, and no actor's email left behind by a staff account deleted since.
    nobody = Q(actor__isnull=True) & (Q(actor_email__isnull=True) | Q(actor_email=""))
    LogEntry.objects.filter(nobody).exclude(remote_addr=None).update(
        remote_addr=None, remote_port=None
    )
    signature = ContentType.objects.filter(app_label="agreements", model="agreementsignature")
    entries = LogEntry.objects.filter(content_type__in=signature)
    for entry in entries.iterator():
        if isinstance(entry.changes, dict) and "ip_address" in entry.changes:
            entry.changes.pop("ip_address")
            entry.save(update_fields=["changes"])


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_treasurers_read_audit_trail"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forget_visitors_addresses, migrations.RunPython.noop)]
