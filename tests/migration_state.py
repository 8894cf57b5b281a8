"""Django's historical models as a migration saw them, for tests that run one migration's
function against today's tables (the split moved the models; the tables stayed)."""

from django.db import connection
from django.db.migrations.loader import MigrationLoader


def apps_after(app_label: str, migration_name: str):
    """The models as that migration saw them, less the columns today's tables no longer
    have (the gift's message of support moved to a table of its own): the migration's
    function runs against today's tables."""
    loader = MigrationLoader(connection)
    state = loader.project_state((app_label, migration_name))
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for model in state.models.values():
            table = model.options.get("db_table") or f"{model.app_label}_{model.name_lower}"
            if table not in tables:
                continue
            columns = {
                c.name for c in connection.introspection.get_table_description(cursor, table)
            }
            for name, field in list(model.fields.items()):
                column = field.db_column or (f"{name}_id" if field.is_relation else name)
                if not field.many_to_many and column not in columns:
                    del model.fields[name]
    return state.apps


def grant(group_name: str, spec: dict) -> None:
    """A role's permissions as a migration's spec names them ({app: {model: [actions]}}),
    found by model and action alone: the app a model belongs to changed in the split."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=group_name)
    for models in spec.values():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(
                *Permission.objects.filter(content_type__model=model, codename__in=codenames)
            )
