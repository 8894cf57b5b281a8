"""Create the two staff roles.

Editors write the stories and never see money; treasurers see donors and money. Defined
here, not in code that changes later, so that an old database migrates to the same roles.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = {
    "prisoners": {
        "prisoner": ["add", "change", "delete", "view"],
        "update": ["add", "change", "delete", "view"],
        "campaign": ["change", "view"],
    },
}

TREASURER_PERMISSIONS = {
    "donations": {
        "donation": ["add", "change", "view"],
        "category": ["add", "change", "view"],
    },
    "prisoners": {
        "prisoner": ["view"],
        "campaign": ["view"],
    },
}


def _grant(apps, group_name, spec):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for app_label, models in spec.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            perms = Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            group.permissions.add(*perms)


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; a fresh database needs
    # them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    _grant(apps, "Editors", EDITOR_PERMISSIONS)
    _grant(apps, "Treasurers", TREASURER_PERMISSIONS)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Treasurers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("prisoners", "0001_initial"),
        ("donations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
