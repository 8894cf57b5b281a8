"""The treasurer's view of periodic-gift agreements: the terms read-only, the gifts that count
under each agreement, and the way to the pages that sign for the foundation."""

import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agreements.admin.decisions import DAMAGED, DecisionPages
from agreements.attention import WaitingForFilter
from agreements.models import (
    AgreementGift,
    AgreementSignature,
    DocumentDamaged,
    PeriodicGiftAgreement,
)
from agreements.selectors import agreement_years
from agreements.services import CANCELLABLE, agreement_end, ready_to_countersign
from agreements.tasks import send_signing_link
from crowdfund.admin_base import ReadOnlyInline
from crowdfund.money import format_eur
from ledger.models import Donation
from sponsorships.models import Sponsorship

Agreement = PeriodicGiftAgreement
CANCELLATION = ["cancelled_at", "cancelled_by", "cancel_reason", "cancel_note"]


class SignatureInline(ReadOnlyInline):
    model = AgreementSignature
    fields = ["role", "name", "signed_at", "ip_address", "document_sha256", "user"]
    readonly_fields = fields


class AgreementGiftForm(forms.ModelForm):
    class Meta:
        model = AgreementGift
        fields = ["donation"]

    def clean_donation(self):
        donation = self.cleaned_data["donation"]
        if donation.sponsorship_id:
            raise ValidationError(
                _("This gift is a month of a sponsorship: link the sponsorship instead.")
            )
        if donation.status != Donation.Status.PAID:
            raise ValidationError(_("Only a paid gift can count under an agreement."))
        return donation


class AgreementGiftInline(admin.TabularInline):
    """Bank transfers (or other gifts) the treasurer counts under the agreement."""

    model = AgreementGift
    form = AgreementGiftForm
    extra = 0
    raw_id_fields = ["donation"]
    fields = ["donation", "gift_amount", "gift_received_on", "linked_by", "linked_at"]
    readonly_fields = ["gift_amount", "gift_received_on", "linked_by", "linked_at"]

    @admin.display(description=_("amount"))
    def gift_amount(self, link):
        return format_eur(link.donation.amount, get_language() or "en") if link.donation_id else ""

    @admin.display(description=_("received"))
    def gift_received_on(self, link):
        return link.donation.received_on if link.donation_id else ""

    def has_change_permission(self, request, obj=None):
        # A link is added or removed, never pointed at another gift.
        return False


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["sponsorship"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "sponsorship" in self.fields and self.instance.pk:
            self.fields["sponsorship"].queryset = Sponsorship.objects.filter(
                donor=self.instance.donor_id
            )


@admin.register(Agreement)
class PeriodicGiftAgreementAdmin(DecisionPages, admin.ModelAdmin):
    form = AgreementForm
    change_form_template = "admin/agreements/periodicgiftagreement/change_form.html"
    list_display = [
        "number",
        "status",
        "donor_name",
        "yearly_amount",
        "duration_label",
        "first_year",
        "payment_way",
        "created_at",
    ]
    list_filter = ["status", WaitingForFilter, "first_year", "payment_way"]
    search_fields = ["number", "surname", "given_names", "email"]
    list_select_related = ["donor"]
    date_hierarchy = "created_at"
    inlines = [SignatureInline, AgreementGiftInline]
    # No countersignature from the list: it signs a legal document, after its own page.
    actions = ["send_link_again", "end_donor_died", "end_term_over"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "status",
                    "treasurers_told_at",
                    "rsin",
                    "foundation_name",
                    "documents",
                ]
            },
        ),
        (
            _("The gift"),
            {
                "fields": [
                    "yearly_amount",
                    "duration",
                    "duration_years",
                    "first_year",
                    "payment_way",
                    "ended_on",
                    "end_reason",
                ]
            },
        ),
        (
            _("The donor"),
            {
                "fields": [
                    "email",
                    "donor",
                    "given_names",
                    "surname",
                    "birth_date",
                    "birth_place",
                    "street",
                    "postcode",
                    "city",
                    "country",
                    "language",
                    "partner_name",
                    "partner_email",
                ]
            },
        ),
        (
            _("Money under the agreement"),
            {"fields": ["sponsorship", "transfer", "years_received"]},
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None or obj.status != Agreement.Status.CANCELLED:
            return self.fieldsets
        return [*self.fieldsets, (_("Cancelled"), {"fields": CANCELLATION})]

    def get_readonly_fields(self, request, obj=None):
        # The terms are what the signers agreed to: nobody edits them here, superusers
        # included. Only the sponsorship that pays it may be linked.
        fields = [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]
        return [f for f in [*fields, *CANCELLATION] if f != "sponsorship"]

    def has_add_permission(self, request):
        # Agreements are made by donors through the public form, and signed by them.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("donor"), ordering="surname")
    def donor_name(self, agreement):
        return agreement.donor_full_name

    @admin.display(description=_("duration"))
    def duration_label(self, agreement):
        if agreement.duration_years is None:
            return agreement.get_duration_display()
        return _("%(years)d years") % {"years": agreement.duration_years}

    @admin.display(description=_("documents"))
    def documents(self, agreement):
        links = []
        for kind, label in (("terms", _("Agreement to sign")), ("final", _("Signed agreement"))):
            digest = getattr(agreement, f"{kind}_pdf_sha256")
            if digest:
                url = reverse("admin:agreements_document", args=[agreement.pk, kind])
                links.append((url, label, digest))
        if not links:
            return _("Not made yet")
        return format_html_join(
            mark_safe("<br>"), '<a href="{}">{}</a> <small>SHA-256 {}</small>', links
        )

    @admin.display(description=_("per year"))
    def years_received(self, agreement):
        if agreement.status == Agreement.Status.CANCELLED:
            return _("Cancelled before it came into force: nothing was due under it.")
        rows = agreement_years(agreement)
        lang = get_language() or "en"
        if not rows:
            return _("No year has started yet.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("year"),
            _("agreed"),
            _("received, net"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (row.year, format_eur(row.agreed, lang), format_eur(row.received, lang))
                    for row in rows
                ),
            ),
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.document_view)
        return [
            path("<int:pk>/document/<str:kind>/", view, name="agreements_document"),
            *self.decision_urls(),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        agreement = self.get_object(request, object_id)
        may_sign = agreement is not None and self.has_countersign_permission(request)
        extra_context = {
            **(extra_context or {}),
            "may_countersign": may_sign and ready_to_countersign(agreement),
            "may_cancel": may_sign and agreement.status in CANCELLABLE,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def document_view(self, request, pk, kind):
        # The documents hold the donor's address and date of birth: treasurers only.
        if not self.has_view_permission(request):
            raise PermissionDenied
        agreement = get_object_or_404(Agreement, pk=pk)
        if kind not in ("terms", "final"):
            raise Http404
        if not getattr(agreement, f"{kind}_pdf"):
            raise Http404
        try:
            pdf = agreement.document_bytes(kind)
        except DocumentDamaged:
            self.message_user(request, DAMAGED, messages.ERROR)
            return redirect("admin:agreements_periodicgiftagreement_change", agreement.pk)
        name = f"{agreement.number}{'' if kind == 'final' else '-to-sign'}.pdf"
        response = FileResponse(io.BytesIO(pdf), as_attachment=True, filename=name)
        response["Cache-Control"] = "private, no-store"
        return response

    def save_formset(self, request, form, formset, change):
        for link in formset.save(commit=False):
            link.linked_by = request.user.get_username()
            link.save()
        for link in formset.deleted_objects:
            link.delete()

    @admin.action(description=_("Send the signing link again"), permissions=["change"])
    def send_link_again(self, request, queryset):
        sent = 0
        for agreement in queryset:
            if agreement.status == Agreement.Status.DRAFT:
                send_signing_link.enqueue(agreement.pk, str(AgreementSignature.Role.DONOR), True)
            elif agreement.status == Agreement.Status.DONOR_SIGNED and agreement.has_partner:
                send_signing_link.enqueue(agreement.pk, str(AgreementSignature.Role.PARTNER), True)
            else:
                continue
            sent += 1
        self.message_user(request, _("%(count)d link(s) sent again.") % {"count": sent})

    def _end(self, request, queryset, reason):
        ended = sum(
            agreement_end(agreement_id=a.pk, on=timezone.localdate(), reason=reason).applied
            for a in queryset
        )
        self.message_user(request, _("%(count)d agreement(s) ended.") % {"count": ended})

    @admin.action(description=_("End: the donor died"), permissions=["countersign"])
    def end_donor_died(self, request, queryset):
        self._end(request, queryset, Agreement.EndReason.DEATH)

    @admin.action(description=_("End: the agreed term is over"), permissions=["countersign"])
    def end_term_over(self, request, queryset):
        self._end(request, queryset, Agreement.EndReason.TERM)
