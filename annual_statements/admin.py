"""Treasurers see issued statements and erasure requests; nobody edits them by hand."""

from django.contrib import admin

from annual_statements.models import AnnualStatement
from crowdfund.admin_base import ReadOnlyAdminMixin


@admin.register(AnnualStatement)
class AnnualStatementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "year", "version", "donor", "total", "issued_at"]
    list_filter = ["year"]
    search_fields = ["number", "donor__email"]
    fields = [
        "number",
        "donor",
        "year",
        "version",
        "issued_at",
        "language",
        "total",
        "gift_count",
        "sha256",
        "supersedes",
    ]
    readonly_fields = fields
    list_select_related = ["donor"]

    def get_queryset(self, request):
        # The PDFs stay in the database; the lists never need their bytes.
        return super().get_queryset(request).defer("pdf")
