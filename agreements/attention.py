"""What the treasurer's attention list (reports.attention) asks of the agreements."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy

from agreements.models import PeriodicGiftAgreement

Status = PeriodicGiftAgreement.Status
# Signed by everyone who signs for the donor: the partner, or the donor when there is none
# (as `agreements.services.ready_to_countersign` says for one agreement).
READY_TO_COUNTERSIGN = Q(status=Status.PARTNER_SIGNED) | Q(
    status=Status.DONOR_SIGNED, partner_email=""
)


class WaitingForFilter(admin.SimpleListFilter):
    title = gettext_lazy("waiting for")
    parameter_name = "waiting_for"

    def lookups(self, request, model_admin):
        return [("countersignature", gettext_lazy("The foundation's countersignature"))]

    def queryset(self, request, queryset):
        if self.value() == "countersignature":
            return queryset.filter(READY_TO_COUNTERSIGN)
        return queryset
