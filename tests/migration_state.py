"""Django's historical models as a migration saw them, for tests that run one migration's
function against today's tables (the split moved the models; the tables stayed)."""

from django.db import connection
from django.db.migrations.loader import MigrationLoader


def apps_after(app_label: str, migration_name: str):
    loader = MigrationLoader(connection)
    return loader.project_state((app_label, migration_name)).apps


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
