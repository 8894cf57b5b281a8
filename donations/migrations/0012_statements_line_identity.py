"""Rewrite the keys of statement lines imported before to the v2 line identity.

The old key was the bank's reference alone, which banks reuse; see donations/statements/keys.py.
Without this, importing an overlapping export again would import every old line a second time.
The key function is copied, frozen, because the app's may change after this migration ran.
Lines are numbered per import (consecutive statements of one file), as the importer does.
"""

import hashlib
from collections import Counter

from django.db import migrations


def _identity(row) -> str:
    parts = [
        row.account_iban,
        row.entry_reference,
        row.booking_date.isoformat(),
        f"{row.amount:.2f}",
        ("R" if row.is_reversal else "") + ("C" if row.is_credit else "D"),
    ]
    if not row.entry_reference:
        parts += [row.counterparty_iban, row.remittance, row.end_to_end_id]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def rekey(apps, schema_editor):
    BankStatement = apps.get_model("donations", "BankStatement")
    StatementLine = apps.get_model("donations", "StatementLine")
    seen: Counter[str] = Counter()
    previous = None
    for statement in BankStatement.objects.order_by("id").iterator():
        this_import = (statement.file_name, statement.imported_by)
        if this_import != previous:
            seen = Counter()
            previous = this_import
        lines = list(StatementLine.objects.filter(statement=statement).order_by("id"))
        for line in lines:
            identity = _identity(line)
            seen[identity] += 1
            line.dedupe_key = f"v2:{identity}:{seen[identity]}"
        # Old keys start with "ref:" or "fp:", so a new key never meets an old one.
        StatementLine.objects.bulk_update(lines, ["dedupe_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("donations", "0011_providers_refund_dates")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
