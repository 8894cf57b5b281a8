"""CSV exports and the treasurer's report, reached from the admin (treasurers only)."""

from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donations.reports import csv_export
from donations.reports.pdf import treasurer_report_pdf


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
        queryset = self.get_changelist_instance(request).get_queryset(request)
        stamp = timezone.localdate().isoformat()
        return csv_export.csv_response(
            f"{self.csv_name}-{stamp}.csv", self.csv_header, self.csv_rows(queryset)
        )


def last_calendar_year(today: date) -> tuple[date, date]:
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


def year_to_date(today: date) -> tuple[date, date]:
    return date(today.year, 1, 1), today


class ReportPeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period must end after it starts."))
        return data


def treasurer_report_view(model_admin, request):
    """Pick a period, get the PDF. Generation takes seconds, well inside a worker's timeout."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    form = ReportPeriodForm(request.GET or None)
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        pdf = treasurer_report_pdf(start=start, end=end, generated_by=request.user.get_username())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="treasurer-report-{start.isoformat()}-{end.isoformat()}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        return response
    presets = [
        (_("Last calendar year"), *last_calendar_year(today)),
        (_("This year to date"), *year_to_date(today)),
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Treasurer's report"),
        "form": form,
        "presets": presets,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/donations/treasurer_report.html", context)
