"""The database refuses to change or delete a journal entry, whoever asks: the app, the
admin's shell, a script. Corrections are new entries (ledger/models/journal.py)."""

from django.db import migrations

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION ledger_journal_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'the journal is append-only: % of entry % refused', TG_OP, OLD.id;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER ledger_journal_append_only
    BEFORE UPDATE OR DELETE ON ledger_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION ledger_journal_append_only()
    """,
]
POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS ledger_journal_append_only ON ledger_ledgerentry",
    "DROP FUNCTION IF EXISTS ledger_journal_append_only()",
]
SQLITE = [
    f"""
    CREATE TRIGGER ledger_journal_no_{operation.lower()}
    BEFORE {operation} ON ledger_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only: {operation} refused'); END
    """
    for operation in ("UPDATE", "DELETE")
]
SQLITE_UNDO = [
    f"DROP TRIGGER IF EXISTS ledger_journal_no_{operation}" for operation in ("update", "delete")
]


def _run(schema_editor, statements: dict) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def refuse(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES, "sqlite": SQLITE})


def allow(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_journal")]

    operations = [migrations.RunPython(refuse, allow)]
