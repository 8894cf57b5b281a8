"""The ledger lists' filters that the treasurer's attention list links to."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ledger.selectors import REVIEW_DAYS, long_in_review_since


class ReceiptFilter(admin.SimpleListFilter):
    title = _("receipt")
    parameter_name = "receipt"

    def lookups(self, request, model_admin):
        return [("missing", _("Without a receipt")), ("attached", _("With a receipt"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(receipt="")
        if self.value() == "attached":
            return queryset.exclude(receipt="")
        return queryset


class WaitingFilter(admin.SimpleListFilter):
    title = _("waiting")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("long", _("Imported more than %(days)d days ago") % {"days": REVIEW_DAYS})]

    def queryset(self, request, queryset):
        if self.value() == "long":
            return queryset.filter(statement__imported_at__lt=long_in_review_since())
        return queryset
