"""Treasurers see agreements and their signatures, link the gifts paid under them and
countersign; editors see nothing of them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TREASURER = {
    "periodicgiftagreement": ["view", "change", "countersign"],
    "agreementgift": ["view", "add", "delete"],
    "agreementsignature": ["view"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    treasurers, _ = Group.objects.get_or_create(name="Treasurers")
    codenames = [
        "countersign_periodicgiftagreement" if action == "countersign" else f"{action}_{model}"
        for model, actions in TREASURER.items()
        for action in actions
    ]
    treasurers.permissions.add(
        *Permission.objects.filter(content_type__app_label="agreements", codename__in=codenames)
    )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_periodic_gift_agreements")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
