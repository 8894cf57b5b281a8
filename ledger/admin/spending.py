import logging

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crowdfund.amount_field import MONEY_FORMFIELDS
from crowdfund.private_storage import private_storage
from ledger import csv_export
from ledger.admin.exports import CsvExportMixin
from ledger.admin.filters import ReceiptFilter
from ledger.forms import ExpenseForm, FundTransferForm
from ledger.models import Expense, FundTransfer
from ledger.models.donation import fund_label

logger = logging.getLogger(__name__)


@admin.register(Expense)
class ExpenseAdmin(CsvExportMixin, admin.ModelAdmin):
    csv_name = "spending"
    csv_header = csv_export.EXPENSE_HEADER
    csv_rows = staticmethod(csv_export.expense_rows)
    form = ExpenseForm
    formfield_overrides = MONEY_FORMFIELDS
    # Five columns that can wrap fit beside the admin's menu and filters at 1280 px. Who
    # entered it is on the form and in the audit trail; as a sixth column it was cut off.
    list_display = ["date", "amount", "fund", "category_name", "has_receipt"]
    list_filter = ["category__purpose", "category", "prisoner", ReceiptFilter]
    date_hierarchy = "date"
    search_fields = ["description"]
    list_select_related = ["prisoner", "category"]

    # Methods, not the foreign keys, since the admin keeps a key's column on one line and a
    # long name then pushed the receipt column out of sight.
    @admin.display(description=gettext_lazy("Fund"), ordering="prisoner")
    def fund(self, expense):
        return fund_label(expense.prisoner)

    @admin.display(
        description=Expense._meta.get_field("category").verbose_name, ordering="category"
    )
    def category_name(self, expense):
        return str(expense.category)

    @admin.display(description=gettext_lazy("receipt"), boolean=True)
    def has_receipt(self, expense):
        return bool(expense.receipt)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user.get_username()
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.receipt_view)
        return [
            path("receipt/<path:name>", view, name="ledger_expense_receipt"),
            *super().get_urls(),
        ]

    def receipt_view(self, request, name):
        # Receipts may name people; only those who may see spending may download them.
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not Expense.objects.filter(receipt=name).exists() or not private_storage.exists(name):
            raise Http404
        response = FileResponse(private_storage.open(name, "rb"), as_attachment=True)
        response["Cache-Control"] = "private, no-store"
        return response


@admin.register(FundTransfer)
class FundTransferAdmin(admin.ModelAdmin):
    form = FundTransferForm
    formfield_overrides = MONEY_FORMFIELDS
    list_display = ["date", "amount", "from_fund", "to_fund", "reason", "created_by"]
    date_hierarchy = "date"

    @admin.display(description=gettext_lazy("from"))
    def from_fund(self, transfer):
        return transfer.from_prisoner or _("General fund")

    @admin.display(description=gettext_lazy("to"))
    def to_fund(self, transfer):
        return transfer.to_prisoner or _("General fund")

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user.get_username()
        super().save_model(request, obj, form, change)

    # A transfer is a logged fact: corrected by a transfer back, never edited or deleted.
    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
