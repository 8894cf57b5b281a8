"""The treasurer's view of donors and monthly sponsorships. Facts only: nothing is edited
by hand; a sponsorship is cancelled through the same service as the donor's link."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from crowdfund.admin_base import ReadOnlyAdminMixin, ReadOnlyInline
from demo.sponsorships import sponsorship_demo_charge
from donors.models import Donor
from ledger.models import Donation
from payments.providers.base import ProviderUnavailable
from sponsorships.cancel import sponsorship_cancel
from sponsorships.models import PledgeChange, Sponsorship, SponsorshipEvent
from sponsorships.selectors import FIRST_PAYMENT_ENDED


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
    actions = ["cancel_sponsorships", "charge_demo_month"]

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

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not settings.DEBUG:
            # Simulated money has no place on a production admin, even with demo payments.
            actions.pop("charge_demo_month", None)
        return actions

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

    @admin.action(description=_("Charge a demo month"), permissions=["cancel"])
    def charge_demo_month(self, request, queryset):
        if not settings.DEBUG:
            raise PermissionDenied
        charged = 0
        for sponsorship in queryset:
            try:
                sponsorship_demo_charge(sponsorship=sponsorship)
            except (ValueError, LookupError):
                # Not an active demo sponsorship (or one without its demo subscription).
                continue
            charged += 1
        self.message_user(
            request, _("%(count)d demo month(s) charged.") % {"count": charged}, messages.SUCCESS
        )
