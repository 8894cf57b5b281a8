"""The treasurer's report, asked for in the admin: a period, then the PDF."""

from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.pdf import treasurer_report_pdf


def last_calendar_year(today: date) -> tuple[date, date]:
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


def year_to_date(today: date) -> tuple[date, date]:
    return date(today.year, 1, 1), today


# The ledger starts in 2021; a period far outside these bounds is a typo, and the report's
# "day before the start" would overflow at year 1.
EARLIEST_REPORT_DAY = date(2000, 1, 1)


LATEST_REPORT_DAY = date(2099, 12, 31)


class ReportPeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def _within_bounds(self, day: date) -> date:
        if not EARLIEST_REPORT_DAY <= day <= LATEST_REPORT_DAY:
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s.")
                % {
                    "first": date_format(EARLIEST_REPORT_DAY, "DATE_FORMAT"),
                    "last": date_format(LATEST_REPORT_DAY, "DATE_FORMAT"),
                }
            )
        return day

    def clean_start(self) -> date:
        return self._within_bounds(self.cleaned_data["start"])

    def clean_end(self) -> date:
        return self._within_bounds(self.cleaned_data["end"])

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
    return TemplateResponse(request, "admin/reports/treasurer_report.html", context)
