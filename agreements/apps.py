from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Periodic gifts")

    def ready(self):
        # A running agreement is a reason to keep its donor's details (see retention).
        from agreements.selectors import donors_with_running_agreement
        from donations.retention import DONOR_HOLDS

        if donors_with_running_agreement not in DONOR_HOLDS:
            DONOR_HOLDS.append(donors_with_running_agreement)
