from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from donations.admin.base import ReadOnlyAdminMixin
from donations.admin.exports import CsvExportMixin
from donations.models import Category, Donation, PaymentEvent, Refund, StatusChange
from donations.payments import payment_refresh
from donations.providers import get_provider
from donations.providers.base import ProviderUnavailable
from donations.reports import csv_export

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
        self.fields["method"].choices = [(m.value, m.label) for m in MANUAL_METHODS]
        self.fields["status"].initial = Donation.Status.PAID
        self.fields["received_on"].initial = timezone.localdate
        self.fields["received_on"].required = True


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusChangeInline(_ReadOnlyInline):
    model = StatusChange
    fields = ["created_at", "from_status", "to_status", "source", "note", "event"]
    readonly_fields = fields
    verbose_name_plural = _("history")


class RefundInline(_ReadOnlyInline):
    model = Refund
    fields = ["created_at", "kind", "amount", "provider_refund_id"]
    readonly_fields = fields


@admin.register(Donation)
class DonationAdmin(CsvExportMixin, admin.ModelAdmin):
    csv_name = "donations"
    csv_header = csv_export.DONATION_HEADER
    csv_rows = staticmethod(csv_export.donation_rows)
    form = ManualDonationForm
    inlines = [RefundInline, StatusChangeInline]
    actions = ["refresh_from_provider"]
    list_display = [
        "created_at",
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
    search_fields = ["donor_name", "donor_email", "provider_payment_id", "note"]
    date_hierarchy = "created_at"
    list_select_related = ["prisoner"]
    readonly_fields = ["public_id", "provider", "provider_payment_id", "created_at", "paid_at"]

    def get_readonly_fields(self, request, obj=None):
        # Only the provider may change an online payment; the treasurer may still annotate it.
        if obj is not None and obj.provider not in (
            Donation.Provider.MANUAL,
            Donation.Provider.BANK,
        ):
            return [f.name for f in Donation._meta.fields if f.name != "note"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if obj.status == Donation.Status.PAID and obj.paid_at is None:
            obj.paid_at = timezone.now()
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data or not change:
            StatusChange.objects.create(
                donation=obj,
                from_status=form.initial.get("status", Donation.Status.NEW),
                to_status=obj.status,
                source=StatusChange.Source.ADMIN,
                note=f"by {request.user.get_username()}",
            )

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


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ["name", "purpose", "order"]
    list_filter = ["purpose"]
    list_editable = ["order"]


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["received_at", "provider", "event_type", "outcome", "event_id"]
    list_filter = ["provider", "outcome"]
    search_fields = ["event_id", "payload", "detail"]
    date_hierarchy = "received_at"
