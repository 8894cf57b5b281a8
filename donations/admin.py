from django import forms
from django.contrib import admin
from django.utils import timezone
from modeltranslation.admin import TranslationAdmin

from donations.models import Category, Donation

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


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    form = ManualDonationForm
    list_display = [
        "created_at",
        "amount",
        "status",
        "method",
        "prisoner",
        "purpose",
        "donor_name",
        "provider",
    ]
    list_filter = ["status", "method", "provider", "purpose", "prisoner"]
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

    def has_delete_permission(self, request, obj=None):
        # The ledger is kept as Dutch law requires: correct with a new entry, never delete.
        return False


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ["name", "purpose", "order"]
    list_filter = ["purpose"]
    list_editable = ["order"]
