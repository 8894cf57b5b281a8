"""The demo's one admin action: charge a demo sponsorship's next month, on a DEBUG site only."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from demo.sponsorships import sponsorship_demo_charge
from sponsorships.admin import SponsorshipAdmin
from sponsorships.models import Sponsorship


class DemoSponsorshipAdmin(SponsorshipAdmin):
    actions = [*SponsorshipAdmin.actions, "charge_demo_month"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not settings.DEBUG:
            # Simulated money has no place on a production admin, even with demo payments.
            actions.pop("charge_demo_month", None)
        return actions

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


admin.site.unregister(Sponsorship)
admin.site.register(Sponsorship, DemoSponsorshipAdmin)
