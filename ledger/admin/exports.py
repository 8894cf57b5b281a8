"""CSV exports and the treasurer's report, reached from the admin (treasurers only)."""

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, transaction
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger import csv_export


class CsvExportMixin:
    """Adds `export/` to a changelist: the rows that its current filters show, as CSV."""

    csv_name: str
    csv_header: list[str]

    def csv_rows(self, queryset):  # pragma: no cover - set by each admin
        raise NotImplementedError

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.export_csv)
        name = f"{opts.app_label}_{opts.model_name}_export"
        return [path("export/", view, name=name), *super().get_urls()]

    def export_csv(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The changelist's own filtering and search, from the query string it passed on.
        try:
            # Some values only fail once the database sees them (a NUL byte, a year or a
            # number out of range); the changelist counts its rows here, before the streamed
            # CSV has begun. A savepoint keeps the request's transaction usable after that.
            with transaction.atomic():
                queryset = self.get_changelist_instance(request).get_queryset(request)
                queryset.exists()
        except (IncorrectLookupParameters, ValidationError, ValueError, DataError):
            # A hand-edited or stale link: say so on the list, as the list itself would.
            self.message_user(
                request,
                _("These filters cannot be read, so nothing was exported. Filter the list again."),
                messages.ERROR,
            )
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        stamp = timezone.localdate().isoformat()
        return csv_export.csv_response(
            f"{self.csv_name}-{stamp}.csv", self.csv_header, self.csv_rows(queryset)
        )
