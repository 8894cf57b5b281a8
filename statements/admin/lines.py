"""The treasurer's bank statements in the admin: uploading them, and reviewing their lines."""

import logging

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ledger import csv_export
from ledger.admin.exports import CsvExportMixin
from ledger.admin.filters import WaitingFilter
from ledger.models import BankStatement, StatementLine
from statements import review as ledger
from statements.forms import ReviewActionForm, StatementUploadForm
from statements.importer import statement_import, too_large
from statements.parsing import StatementError

logger = logging.getLogger(__name__)


def import_summary(result) -> str:
    return _(
        "%(file)s: %(read)d lines read (%(new)d new, %(dupes)d imported before). "
        "Donations recorded: %(donations)d. To review: %(review)d. Not donations: %(skip)d."
    ) % {
        "file": result.file_name,
        "read": result.lines_read,
        "new": result.lines_new,
        "dupes": result.duplicates,
        "donations": result.donations,
        "review": result.review,
        "skip": result.not_donation,
    }


def skipped_summaries(result) -> list[str]:
    """One sentence per other account whose statements the file held and the import left out."""
    sentences = []
    for account, (statements, lines) in result.skipped_by_account().items():
        values = {
            "file": result.file_name,
            "account": account,
            "statements": statements,
            "lines": ngettext("%(n)d line", "%(n)d lines", lines) % {"n": lines},
            "iban": result.account,
        }
        sentences.append(
            ngettext(
                "%(file)s: skipped %(statements)d statement of account %(account)s "
                "(%(lines)s): it is not the foundation's account %(iban)s, so nothing of it "
                "was imported.",
                "%(file)s: skipped %(statements)d statements of account %(account)s "
                "(%(lines)s): it is not the foundation's account %(iban)s, so nothing of them "
                "was imported.",
                statements,
            )
            % values
        )
    return sentences


@admin.register(BankStatement)
class BankStatementAdmin(admin.ModelAdmin):
    list_display = [
        "imported_at",
        "file_name",
        "account_iban",
        "statement_id",
        "lines_read",
        "lines_new",
        "balance_ok",
    ]
    list_filter = ["balance_ok", "format"]
    readonly_fields = [f.name for f in BankStatement._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """The upload form: each file is imported on its own, completely or not at all."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StatementUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            for upload in form.cleaned_data["files"]:
                self._import_upload(request, upload)
            return redirect("admin:ledger_statementline_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import bank statements"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/statements/statement_upload.html", context)

    def _import_upload(self, request, upload) -> None:
        """One file, one transaction, one message: a bad file never hides the others' results."""
        try:
            # Refused by its size before it is read into memory.
            if upload.size > settings.STATEMENT_MAX_BYTES:
                raise too_large(upload.name)
            result = statement_import(
                file_name=upload.name, data=upload.read(), user=request.user.get_username()
            )
        except StatementError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        except Exception:
            # A bug of ours, not the file's: logged for us, told to the treasurer per file.
            logger.exception("importing statement %s failed", upload.name)
            self.message_user(
                request,
                _(
                    "%(file)s: could not be imported because of an error on our side; nothing "
                    "of it was saved. The other files are not affected."
                )
                % {"file": upload.name},
                messages.ERROR,
            )
            return
        self.message_user(request, import_summary(result), messages.SUCCESS)
        for sentence in skipped_summaries(result):
            self.message_user(request, sentence, messages.WARNING)
        for problem in result.balance_problems:
            self.message_user(
                request,
                _("Balance check: %(problem)s") % {"problem": problem},
                messages.WARNING,
            )


@admin.register(StatementLine)
class StatementLineAdmin(CsvExportMixin, admin.ModelAdmin):
    csv_name = "statement-lines"
    csv_header = csv_export.STATEMENT_LINE_HEADER
    csv_rows = staticmethod(csv_export.statement_line_rows)
    # Five columns fit beside the admin's menu and filters at 1280 px; the status carries
    # its note and the gift it became, which were two more columns cut off at the right.
    list_display = [
        "booking_date",
        "signed_amount",
        "counterparty_name",
        "remittance",
        "review_status",
    ]
    list_filter = [
        "status",
        "is_credit",
        "is_reversal",
        WaitingFilter,
        "statement__account_iban",
    ]
    search_fields = ["counterparty_name", "remittance", "counterparty_iban", "end_to_end_id"]
    date_hierarchy = "booking_date"
    list_select_related = ["donation", "donation__prisoner"]
    action_form = ReviewActionForm
    actions = ["record_donation", "not_a_donation", "record_spending"]
    # The note is shown through review_note, in the reader's language.
    exclude = ["note"]
    readonly_fields = [f.name for f in StatementLine._meta.fields if f.name != "note"] + [
        "review_note"
    ]

    @admin.display(description=gettext_lazy("note"))
    def review_note(self, line):
        return ledger.review_note_display(line.note)

    @admin.display(
        description=StatementLine._meta.get_field("status").verbose_name, ordering="status"
    )
    def review_status(self, line):
        note = ledger.review_note_display(line.note)
        gift = ""
        if line.donation_id:
            url = reverse("admin:ledger_donation_change", args=[line.donation_id])
            gift = format_html('<br><a href="{}">{}</a>', url, line.donation.reference)
        return format_html('{}<div class="help">{}</div>{}', line.get_status_display(), note, gift)

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def signed_amount(self, line):
        return f"{'+' if line.is_credit else '−'}{line.amount} {line.currency}"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("statement")

    def changelist_view(self, request, extra_context=None):
        # The review queue is what a treasurer comes for; open it unless they filtered.
        if not request.GET and request.method == "GET":
            return redirect(request.path + "?status__exact=review")
        return super().changelist_view(request, extra_context)

    def _each(self, request, queryset, action):
        done = 0
        for line in queryset:
            try:
                action(line)
                done += 1
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
        return done

    @admin.action(description=gettext_lazy("Record as donation for the chosen fund"))
    def record_donation(self, request, queryset):
        fund = ReviewActionForm(request.POST).fields["fund"].clean(request.POST.get("fund") or None)
        user = request.user.get_username()
        done = self._each(
            request,
            queryset,
            lambda line: ledger.statement_line_record_donation(
                line_id=line.pk, prisoner=fund, user=user
            ),
        )
        if done:
            self.message_user(
                request,
                ngettext("%d donation recorded.", "%d donations recorded.", done) % done,
                messages.SUCCESS,
            )

    @admin.action(description=gettext_lazy("Mark as not a donation"))
    def not_a_donation(self, request, queryset):
        user = request.user.get_username()
        done = self._each(
            request,
            queryset,
            lambda line: ledger.statement_line_not_donation(line_id=line.pk, user=user),
        )
        if done:
            self.message_user(request, ngettext("%d line marked.", "%d lines marked.", done) % done)

    @admin.action(description=gettext_lazy("Record as spending for the chosen fund and category"))
    def record_spending(self, request, queryset):
        form = ReviewActionForm(request.POST)
        category = form.fields["category"].clean(request.POST.get("category") or None)
        if category is None:
            self.message_user(request, _("Choose a category for the spending."), messages.ERROR)
            return
        fund = form.fields["fund"].clean(request.POST.get("fund") or None)
        user = request.user.get_username()
        done = self._each(
            request,
            queryset,
            lambda line: ledger.statement_line_record_expense(
                line_id=line.pk, prisoner=fund, category=category, user=user
            ),
        )
        if done:
            self.message_user(
                request,
                ngettext("%d expense recorded.", "%d expenses recorded.", done) % done,
                messages.SUCCESS,
            )
