"""Gifts in the admin: each with its payment's history at the provider (status changes,
webhook events), its refunds and corrections, and a manual refresh from the provider."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crowdfund.admin_base import ReadOnlyAdminMixin, ReadOnlyInline
from crowdfund.amount_field import MONEY_FORMFIELDS, AmountField
from crowdfund.money import format_eur
from donors.services import donor_get_or_create
from ledger import csv_export
from ledger.admin.exports import CsvExportMixin
from ledger.corrections import donation_correct
from ledger.models import Correction, Donation, Refund
from ledger.selectors import gift_net
from messages_of_support.models import MessageOfSupport
from payments.models import PaymentEvent, StatusChange
from payments.providers import get_provider
from payments.providers.base import ProviderUnavailable
from payments.services import payment_refresh

MANUAL_METHODS = [Donation.Method.BANK_TRANSFER, Donation.Method.CASH]


class ManualDonationForm(forms.ModelForm):
    """What a treasurer types in for a gift that did not come through a payment provider."""

    class Meta:
        model = Donation
        fields = [
            "amount",
            "received_on",
            "method",
            "prisoner",
            "purpose",
            "status",
            "donor_name",
            "donor_email",
            "is_anonymous",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only used to add a gift: once saved, a gift's money fields are read-only.
        self.fields["method"].choices = [(m.value, m.label) for m in MANUAL_METHODS]
        self.fields["status"].initial = Donation.Status.PAID
        self.fields["received_on"].initial = timezone.localdate
        self.fields["received_on"].required = True


class NoteForm(forms.ModelForm):
    """A saved gift is a fact in the books; only the treasurer's note can still change."""

    class Meta:
        model = Donation
        fields = ["note"]


class CorrectionForm(forms.Form):
    amount = AmountField(
        label=_("Correction (EUR)"),
        signed=True,
        strict=True,
        help_text=_("Negative to take money off the gift (e.g. -5.00), positive to add to it."),
    )
    date = forms.DateField(
        label=_("Booked on"),
        initial=timezone.localdate,
        help_text=_("The day the correction counts in the books and the reports."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["created_at", "from_status", "to_status", "source", "note", "event"]
    readonly_fields = fields
    verbose_name_plural = _("history")


class RefundInline(ReadOnlyInline):
    model = Refund
    # created_at is the provider's date; recorded_at is when we learned of it.
    fields = ["created_at", "kind", "amount", "provider_refund_id", "recorded_at"]
    readonly_fields = fields


class CorrectionInline(ReadOnlyInline):
    model = Correction
    fields = ["date", "amount", "reason", "created_by", "created_at"]
    readonly_fields = fields


@admin.register(Donation)
class DonationAdmin(CsvExportMixin, admin.ModelAdmin):
    csv_name = "donations"
    csv_header = csv_export.DONATION_HEADER
    csv_rows = staticmethod(csv_export.donation_rows)
    form = ManualDonationForm
    formfield_overrides = MONEY_FORMFIELDS
    change_form_template = "admin/ledger/donation/change_form.html"
    inlines = [RefundInline, CorrectionInline, StatusChangeInline]
    actions = ["refresh_from_provider"]
    list_display = [
        "created_at",
        "reference",
        "amount",
        "status",
        "method",
        "prisoner",
        "purpose",
        "donor_name",
        "provider",
        "amount_mismatch",
    ]
    list_filter = ["status", "amount_mismatch", "method", "provider", "purpose", "prisoner"]
    search_fields = ["reference", "donor_name", "donor_email", "provider_payment_id", "note"]
    date_hierarchy = "created_at"
    list_select_related = ["prisoner"]
    readonly_fields = ["public_id", "provider", "provider_payment_id", "created_at", "paid_at"]
    # What a saved gift shows, read-only whatever its provider: the books are append-only.
    saved_fields = [
        "reference",
        "public_id",
        "amount",
        "net_amount",
        "status",
        "received_on",
        "paid_at",
        "method",
        "frequency",
        "prisoner",
        "purpose",
        "provider",
        "provider_payment_id",
        "provider_intent_id",
        "amount_paid",
        "fee",
        "amount_mismatch",
        "donor_name",
        "donor_email",
        "is_anonymous",
        "message_of_support",
        "language",
        "created_at",
        "receipt_sent_at",
        "consent_at",
    ]

    @admin.display(description=_("message"))
    def message_of_support(self, obj):
        message = MessageOfSupport.objects.filter(donation=obj).first()
        if message is None:
            return "—"
        shown = _("may be shown") if message.is_public else _("not to be shown")
        return f"{message.text} ({shown}; {message.get_status_display()})"

    def get_inlines(self, request, obj):
        # A gift being typed in has no refunds, corrections or history yet.
        return self.inlines if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = NoteForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is not None:
            return [*self.saved_fields, "note"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return self.saved_fields if obj is not None else self.readonly_fields

    @admin.display(description=_("counts for (EUR)"))
    def net_amount(self, donation):
        if donation.status != Donation.Status.PAID:
            return "—"
        return format_eur(gift_net(donation), get_language() or "en")

    def save_model(self, request, obj, form, change):
        if change:
            # Only the note: saving the whole row would write back a status or amount that a
            # webhook may have changed since the page was opened.
            obj.save(update_fields=["note", "updated_at"])
            return
        if obj.status == Donation.Status.PAID and obj.paid_at is None:
            obj.paid_at = timezone.now()
        if obj.donor_email:
            # One donor record per email holds every gift, typed in by hand or not.
            obj.donor = donor_get_or_create(
                email=obj.donor_email,
                name="" if obj.is_anonymous else obj.donor_name,
                language=obj.language,
            )
        super().save_model(request, obj, form, change)
        StatusChange.objects.create(
            donation=obj,
            from_status=Donation.Status.NEW,
            to_status=obj.status,
            source=StatusChange.Source.ADMIN,
            note=f"by {request.user.get_username()}",
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.correct_view)
        return [
            path("<int:object_id>/correct/", view, name="ledger_donation_correct"),
            *super().get_urls(),
        ]

    def may_correct(self, request) -> bool:
        return request.user.has_perm("ledger.add_correction")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_correct": self.may_correct(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def correct_view(self, request, object_id):
        """A new correcting entry on a gift: the gift itself is never edited."""
        if not self.may_correct(request):
            raise PermissionDenied
        donation = get_object_or_404(Donation, pk=object_id)
        form = CorrectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                correction = donation_correct(
                    donation_id=donation.pk,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    on=form.cleaned_data["date"],
                    user=request.user.get_username(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    _("Correction of %(amount)s recorded.")
                    % {"amount": format_eur(correction.amount, get_language() or "en")},
                    messages.SUCCESS,
                )
                return redirect("admin:ledger_donation_change", donation.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Correct this gift"),
            "form": form,
            "donation": donation,
            "net": gift_net(donation) if donation.status == Donation.Status.PAID else None,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/ledger/donation/correct.html", context)

    @admin.action(description=_("Ask the payment provider for the current status"))
    def refresh_from_provider(self, request, queryset):
        online = queryset.exclude(provider__in=[Donation.Provider.MANUAL, Donation.Provider.BANK])
        for donation in online.exclude(provider_payment_id__isnull=True):
            if not get_provider(donation.provider).is_enabled():
                continue
            try:
                applied = payment_refresh(donation=donation, source=StatusChange.Source.ADMIN)
            except (ProviderUnavailable, LookupError) as exc:
                self.message_user(request, f"{donation.pk}: {exc}", messages.ERROR)
                continue
            summary = "; ".join(applied.changes) if applied and applied.changes else _("no change")
            self.message_user(request, f"{donation.pk}: {summary}", messages.INFO)

    def has_delete_permission(self, request, obj=None):
        # The ledger is kept as Dutch law requires: correct with a new entry, never delete.
        return False


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["received_at", "provider", "event_type", "outcome", "event_id"]
    list_filter = ["provider", "outcome"]
    search_fields = ["event_id", "payload", "detail"]
    date_hierarchy = "received_at"
