"""The fund overview in the admin: every fund's balance, and what needs attention."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from crowdfund.admin_base import ReadOnlyAdminMixin
from reports.admin_report import treasurer_report_view
from reports.attention import treasurer_attention
from reports.data import fund_balances
from reports.models import FundOverview
from reports.monthly import last_months, monthly_giving


@admin.register(FundOverview)
class FundOverviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    def get_urls(self):
        view = self.admin_site.admin_view(lambda request: treasurer_report_view(self, request))
        return [path("report/", view, name="reports_treasurer_report"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        funds = fund_balances()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Fund balances"),
            "funds": funds,
            # The same selector as the treasurer's report's list.
            "attention": treasurer_attention(),
            "total": sum((f.balance for f in funds), start=0),
            # The same table as the treasurer's report, for the last twelve months.
            "giving": monthly_giving(*last_months(today=timezone.localdate())),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/reports/fund_overview.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A fund is a line of the overview, not a form: its "page" is the overview itself.
        if not self.has_view_permission(request):
            raise PermissionDenied
        return redirect("admin:reports_fundoverview_changelist")
