"""The spending categories, the list of every correction, and the journal."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from crowdfund.admin_base import ReadOnlyAdminMixin
from ledger import csv_export
from ledger.admin.exports import CsvExportMixin
from ledger.models import Category, Correction, LedgerEntry, fund_label


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ["name", "purpose", "order"]
    list_filter = ["purpose"]
    list_editable = ["order"]


@admin.register(Correction)
class CorrectionAdmin(CsvExportMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every correction in one list; each is recorded from its gift's page."""

    csv_name = "corrections"
    csv_header = csv_export.CORRECTION_HEADER
    csv_rows = staticmethod(csv_export.correction_rows)
    list_display = ["date", "amount", "donation", "reason", "created_by", "created_at"]
    list_select_related = ["donation"]
    search_fields = ["reason", "created_by"]
    date_hierarchy = "date"


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The journal, read-only: every movement of money, with the ledger row it came from and
    the reversals that corrected it."""

    list_display = ["day", "kind", "fund_name", "amount", "category", "came_from"]
    list_filter = ["kind", "source"]
    list_select_related = ["fund", "category"]
    search_fields = ["source_id"]
    date_hierarchy = "day"
    ordering = ["-pk"]

    @admin.display(description=_("fund"), ordering="fund__name")
    def fund_name(self, entry):
        return fund_label(entry.fund)

    @admin.display(description=_("from"))
    def came_from(self, entry):
        # One column for the row of the books and the entry a reversal undoes: the list
        # fits 1280 px beside the filters.
        text = f"{entry.source} {entry.source_id}"
        if entry.reverses_id:
            text += " · " + _("reverses %(entry)s") % {"entry": entry.reverses_id}
        return text
