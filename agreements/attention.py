"""What the agreements add to the treasurer's attention list (reports.attention)."""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import PeriodicGiftAgreement
from reports.attention import Concern

Status = PeriodicGiftAgreement.Status
# Signed by everyone who signs for the donor: the partner, or the donor when there is none
# (as `agreements.services.ready_to_countersign` says for one agreement).
READY_TO_COUNTERSIGN = Q(status=Status.PARTNER_SIGNED) | Q(
    status=Status.DONOR_SIGNED, partner_email=""
)


def countersignatures_waiting() -> list[Concern]:
    count = PeriodicGiftAgreement.objects.filter(READY_TO_COUNTERSIGN).count()
    url = reverse("admin:agreements_periodicgiftagreement_changelist")
    return [
        Concern(
            _("Agreements waiting for the foundation's countersignature"),
            count,
            url=f"{url}?{WaitingForFilter.parameter_name}=countersignature",
        )
    ]


class WaitingForFilter(admin.SimpleListFilter):
    title = gettext_lazy("waiting for")
    parameter_name = "waiting_for"

    def lookups(self, request, model_admin):
        return [("countersignature", gettext_lazy("The foundation's countersignature"))]

    def queryset(self, request, queryset):
        if self.value() == "countersignature":
            return queryset.filter(READY_TO_COUNTERSIGN)
        return queryset
