"""After the split: tasks queued before the upgrade and not run yet name their function by
its old path. The worker imports that path to run it, so they follow the functions."""

from django.db import migrations

MOVED = {
    "donations.tasks.send_receipt": "giving.tasks.send_receipt",
    "donations.tasks.send_transfer_details": "giving.tasks.send_transfer_details",
    "donations.tasks.sponsorship_payment_paid": "sponsorships.tasks.sponsorship_payment_paid",
    "donations.tasks.send_sponsorship_mail": "sponsorships.tasks.send_sponsorship_mail",
    "donors.tasks.send_manage_link": "mygifts.tasks.send_manage_link",
}


def follow(apps, schema_editor):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVED.items():
        results.objects.filter(task_path=old).update(task_path=new)


def back(apps, schema_editor):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVED.items():
        results.objects.filter(task_path=new).update(task_path=old)


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0034_split_content_types_settle"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(follow, back)]
