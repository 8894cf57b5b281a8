"""The treasurer's view of donors and monthly sponsorships. Facts only: nothing is edited
by hand; a sponsorship is cancelled through the same service as the donor's link."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crowdfund.admin_base import ReadOnlyAdminMixin, ReadOnlyInline
from crowdfund.money import format_eur
from donors.models import Donor
from ledger.models import Donation
from payments.providers.base import ProviderUnavailable
from prisoners.admin import PrisonerAdmin
from prisoners.models import Prisoner
from sponsorships.cancel import sponsorship_cancel
from sponsorships.models import PledgeChange, Sponsorship, SponsorshipEvent
from sponsorships.selectors import FIRST_PAYMENT_ENDED, with_sponsorship_totals


class _ReadOnlyInline(ReadOnlyInline):
    show_change_link = True


class DonorGiftInline(_ReadOnlyInline):
    model = Donation
    fields = ["created_at", "amount", "status", "frequency", "prisoner", "provider"]
    readonly_fields = fields
    verbose_name_plural = _("gifts")


class DonorSponsorshipInline(_ReadOnlyInline):
    model = Sponsorship
    fields = ["status", "amount", "prisoner", "provider", "started_on"]
    readonly_fields = fields


@admin.register(Donor)
class DonorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["email", "name", "language", "gift_count", "created_at"]
    search_fields = ["email", "name"]
    list_filter = ["language"]
    fields = [
        "email",
        "name",
        "language",
        "created_at",
        "wants_monthly_receipts",
        "wants_annual_statement",
        "wants_news",
    ]
    readonly_fields = fields
    inlines = [DonorSponsorshipInline, DonorGiftInline]

    def get_queryset(self, request):
        # Gifts that arrived: a checkout left unpaid is listed below, but is no gift.
        paid = Count("donations", filter=Q(donations__status=Donation.Status.PAID))
        return super().get_queryset(request).annotate(gifts=paid)

    @admin.display(description=_("gifts"), ordering="gifts")
    def gift_count(self, donor):
        return donor.gifts


class SponsorshipEventInline(_ReadOnlyInline):
    model = SponsorshipEvent
    fields = ["created_at", "from_status", "to_status", "source", "note"]
    readonly_fields = fields
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        # Its history is part of the sponsorship: whoever may see one sees the other
        # (who cancelled it, and when it was suspended).
        return request.user.has_perm("sponsorships.view_sponsorship")


class PledgeChangeInline(SponsorshipEventInline):
    """What the sponsor pledged before: the monthly table's months before a change use it."""

    model = PledgeChange
    fields = ["applies_from", "old_amount", "new_amount", "source", "recorded_at"]
    readonly_fields = fields


class SponsorshipMonthInline(DonorGiftInline):
    verbose_name_plural = _("months")


@admin.register(Sponsorship)
class SponsorshipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "donor",
        "state",
        "amount",
        "prisoner",
        "provider",
        "started_on",
        "months_paid",
        "last_failure_at",
        "last_failure_code",
    ]
    list_filter = ["status", "provider", "prisoner"]
    search_fields = ["donor__email", "provider_subscription_id", "provider_customer_id"]
    fields = [
        "donor",
        "status",
        "amount",
        "interval",
        "prisoner",
        "purpose",
        "provider",
        "method",
        "provider_customer_id",
        "provider_subscription_id",
        "provider_mandate_id",
        "started_on",
        "cancelled_at",
        "cancel_reason",
        "failure_count",
        "last_failure_at",
        "last_failure_code",
        "last_failure_reason",
        "public_id",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [SponsorshipEventInline, PledgeChangeInline, SponsorshipMonthInline]
    actions = ["cancel_sponsorships"]

    def get_queryset(self, request):
        paid = Count("donations", filter=Q(donations__status=Donation.Status.PAID))
        related = (
            super().get_queryset(request).select_related("prisoner", "donor", "first_donation")
        )
        return related.annotate(paid=paid)

    @admin.display(description=_("status"), ordering="status")
    def state(self, sponsorship):
        first = sponsorship.first_donation
        pending = sponsorship.status == Sponsorship.Status.PENDING
        if pending and first and first.status in FIRST_PAYMENT_ENDED:
            # Not waiting for anything: the donor's "try again" is a sponsorship of its own.
            return _("Never started")
        return sponsorship.get_status_display()

    @admin.display(description=_("months paid"), ordering="paid")
    def months_paid(self, sponsorship):
        return sponsorship.paid

    def has_cancel_permission(self, request):
        return request.user.has_perm("sponsorships.cancel_sponsorship")

    @admin.action(description=_("Cancel the selected sponsorships"), permissions=["cancel"])
    def cancel_sponsorships(self, request, queryset):
        if request.POST.get("post") != "yes":
            # It stops the money for good and emails each donor: confirm first, as the
            # donor's own link does.
            return TemplateResponse(
                request,
                "admin/sponsorships/sponsorship/cancel_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Cancel these sponsorships?"),
                    "sponsorships": queryset.select_related("donor", "prisoner"),
                    "opts": self.model._meta,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        done = failed = 0
        unknown = []
        for sponsorship in queryset:
            try:
                transition = sponsorship_cancel(
                    sponsorship_id=sponsorship.pk,
                    reason=Sponsorship.CancelReason.TREASURER,
                    source=SponsorshipEvent.Source.ADMIN,
                )
            except ProviderUnavailable:
                failed += 1
                continue
            except LookupError:
                unknown.append(sponsorship.provider_subscription_id)
                continue
            done += int(transition.applied)
        self.message_user(request, _("%(count)d cancelled.") % {"count": done})
        if unknown:
            self.message_user(
                request,
                _(
                    "Not cancelled, because the provider does not know these subscriptions: "
                    "%(ids)s. Check them in the provider's dashboard."
                )
                % {"ids": ", ".join(unknown)},
                messages.ERROR,
            )
        if failed:
            self.message_user(
                request,
                _("%(count)d could not be cancelled: the provider did not answer. Try again.")
                % {"count": failed},
                messages.ERROR,
            )


class PrisonerWithSponsorsAdmin(PrisonerAdmin):
    """The prisoners' admin, with their monthly sponsors for those who may see them."""

    # Read-only, for those who may see sponsorships: on the list and on the prisoner's page.
    SPONSORSHIP_COLUMNS = ["active_sponsors_column", "monthly_pledged_column"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and self.sees_sponsorships(request):
            fieldsets.append((_("Monthly sponsors"), {"fields": self.SPONSORSHIP_COLUMNS}))
        return fieldsets

    def sees_sponsorships(self, request) -> bool:
        # Editors never see money; treasurers (and superusers) see what sponsors pledge.
        return request.user.has_perm("sponsorships.view_sponsorship")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return with_sponsorship_totals(queryset) if self.sees_sponsorships(request) else queryset

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if self.sees_sponsorships(request):
            # Next to the situation, where a treasurer sees them without scrolling sideways.
            at = columns.index("is_published") + 1
            columns[at:at] = self.SPONSORSHIP_COLUMNS
        return columns

    @admin.display(description=_("active sponsors"), ordering="active_sponsors")
    def active_sponsors_column(self, obj):
        url = reverse("admin:sponsorships_sponsorship_changelist")
        query = f"prisoner__id__exact={obj.pk}&status__exact=active"
        return format_html('<a href="{}?{}">{}</a>', url, query, obj.active_sponsors)

    @admin.display(description=_("pledged per month"), ordering="monthly_pledged")
    def monthly_pledged_column(self, obj):
        return format_eur(obj.monthly_pledged, get_language() or "en")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and self.sees_sponsorships(request):
            readonly += self.SPONSORSHIP_COLUMNS
        return readonly


admin.site.unregister(Prisoner)
admin.site.register(Prisoner, PrisonerWithSponsorsAdmin)
