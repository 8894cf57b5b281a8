"""A task queued before the split and run after the upgrade finds its function."""

import importlib

from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from giving.tasks import send_receipt
from tests.migration_state import apps_after

follow_migration = importlib.import_module("donations.migrations.0035_queued_tasks_follow")


def queued(path: str) -> DBTaskResult:
    # A row as the worker finds it: the function's path and its arguments.
    result = send_receipt.enqueue(1)
    row = DBTaskResult.objects.get(pk=result.id)
    DBTaskResult.objects.filter(pk=row.pk).update(task_path=path)
    return row


def test_tasks_queued_under_an_old_path_follow_their_function(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old = {path: queued(path) for path in follow_migration.MOVED}
    unrelated = queued("agreements.tasks.send_signing_link")

    follow_migration.follow(apps_after("donations", "0035_queued_tasks_follow"), None)

    for path, row in old.items():
        row.refresh_from_db()
        assert row.task_path == follow_migration.MOVED[path]
        # The worker imports the path: it must name the task.
        assert import_string(row.task_path).func.__name__ == path.rsplit(".", 1)[1]
    unrelated.refresh_from_db()
    assert unrelated.task_path == "agreements.tasks.send_signing_link"
