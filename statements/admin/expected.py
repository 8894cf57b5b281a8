"""Bank transfers donors announced: the treasurer chases those that never arrived."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from crowdfund.admin_base import ReadOnlyAdminMixin
from statements.models import ExpectedTransfer


class OverdueFilter(admin.SimpleListFilter):
    title = _("arrival")
    parameter_name = "arrival"

    def lookups(self, request, model_admin):
        return [("overdue", _("Not arrived after 30 days"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        return queryset


@admin.register(ExpectedTransfer)
class ExpectedTransferAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Written by the donor's request and by the statement import, never by hand.
    list_display = ["reference", "created_at", "amount", "prisoner", "status", "email", "donation"]
    list_filter = [OverdueFilter, "status", "prisoner"]
    search_fields = ["reference", "email", "donor_name"]
    date_hierarchy = "created_at"
    list_select_related = ["prisoner", "donation"]
