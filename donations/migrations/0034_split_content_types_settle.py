"""After the split: each moved model has one content type, under its new app.

The new apps' first migrations move the content types along. On a new database, though, a
migration that creates permissions while Django's picture still had the model in the old app
(`0002_roles` and the others like it) can make the old content type again after that move.
This merges any such pair into the new one: the permissions' holders (roles and people), the
audit trail's and the admin log's entries move over, then the old type goes.
"""

from django.db import migrations

MOVED = {
    "donations": {
        "ledger": [
            "bankstatement", "campaigntotal", "category", "correction", "donation",
            "expense", "fundtotal", "fundtransfer", "giftreferencecounter", "quartertotal",
            "refund", "statementline", "yeartotal",
        ],
        "payments": ["paymentevent", "statuschange"],
        "statements": ["expectedtransfer"],
        "sponsorships": ["sponsorship", "sponsorshipevent", "pledgechange", "sponsorshipmail"],
        "messages_of_support": ["messageofsupport", "messagemoderation"],
        "reports": ["fundoverview"],
        "demo": ["demopayment", "demosubscription", "democharge"],
        "donors": ["donor"],
    },
    "donors": {
        "annual_statements": ["annualstatement", "annualstatementmailing"],
        "retention": ["erasurerequest"],
        "sponsorships": ["amountchange"],
    },
}


def settle(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    GroupPermission = apps.get_model("auth", "Group").permissions.through
    UserPermission = apps.get_model("auth", "User").user_permissions.through
    entry_models = [apps.get_model("auditlog", "LogEntry"), apps.get_model("admin", "LogEntry")]
    for old_app, targets in MOVED.items():
        for new_app, names in targets.items():
            for name in names:
                old = ContentType.objects.filter(app_label=old_app, model=name).first()
                if old is None:
                    continue
                new, _ = ContentType.objects.get_or_create(app_label=new_app, model=name)
                for perm in Permission.objects.filter(content_type=old):
                    kept = Permission.objects.filter(content_type=new, codename=perm.codename)
                    target = kept.first()
                    if target is None:
                        perm.content_type = new
                        perm.save(update_fields=["content_type"])
                        continue
                    for through, owner in ((GroupPermission, "group"), (UserPermission, "user")):
                        holders = through.objects.filter(permission=perm)
                        has_target = through.objects.filter(permission=target).values(owner)
                        holders.exclude(**{f"{owner}__in": has_target}).update(permission=target)
                        holders.delete()
                    perm.delete()
                for model in entry_models:
                    model.objects.filter(content_type=old).update(content_type=new)
                old.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0033_split_models_leave_3"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auditlog", "0001_initial"),
        ("agreements", "0009_split_transfers_elsewhere"),
        ("annual_statements", "0001_split_tables_from_donors"),
        ("demo", "0001_split_tables_from_donations"),
        ("donors", "0003_split_donor_here_statements_elsewhere"),
        ("ledger", "0002_split_relations"),
        ("messages_of_support", "0001_split_tables_from_donations"),
        ("payments", "0001_split_tables_from_donations"),
        ("reports", "0001_split_tables_from_donations"),
        ("retention", "0001_split_tables_from_donors"),
        ("sponsorships", "0001_split_tables_from_donations"),
        ("statements", "0001_split_tables_from_donations"),
    ]

    operations = [migrations.RunPython(settle, migrations.RunPython.noop)]
