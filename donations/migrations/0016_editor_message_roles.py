"""Editors review messages of support; treasurers do not.

Reviewing a message is editorial work, like a story. Editors see the messages only through
their own proxy, which shows no amount, email or payment. Treasurers already see every gift
with its message; reviewing is left to the editors so that one role owns the decision.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = {"messageofsupport": ["view", "change"]}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model, actions in EDITOR.items() for action in actions]
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="donations", codename__in=codenames)
    )


class Migration(migrations.Migration):
    dependencies = [("donations", "0015_editor_message_moderation")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
