"""The journal starts with what the ledger holds: one entry per movement of money of every
row written before it existed, as those rows stand (ledger.journal says what each moves).
The running totals already count these rows, so they stay as they are."""

from django.db import migrations

from ledger.journal import SOURCES

BATCH = 1000
RELATED = {"refund": ["donation"], "correction": ["donation"]}


def backfill(apps, schema_editor):
    entry = apps.get_model("ledger", "LedgerEntry")
    for source, lines_of in SOURCES.items():
        rows = apps.get_model("ledger", source).objects.select_related(*RELATED.get(source, []))
        if source == "donation":
            rows = rows.filter(status="paid")
        batch = []
        for row in rows.order_by("pk").iterator(chunk_size=BATCH):
            batch += [
                entry(
                    fund_id=line.fund,
                    day=line.day,
                    kind=line.kind,
                    amount=line.amount,
                    category_id=line.category,
                    source=source,
                    source_id=row.pk,
                )
                for line in lines_of(row)
            ]
            if len(batch) >= BATCH:
                entry.objects.bulk_create(batch)
                batch = []
        entry.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_journal_append_only")]

    # Forward only: the journal's rows cannot be deleted, and 0003 going back drops the table.
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False)]
