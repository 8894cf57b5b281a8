from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonorsConfig(AppConfig):
    name = "donors"
    verbose_name = _("Donors' own pages")

    def ready(self):
        from donations.retention import DONOR_RECORD_CLEANUPS
        from donors.statements import statements_erase_documents

        # A donor anonymised after the retention period keeps no statement naming them.
        if statements_erase_documents not in DONOR_RECORD_CLEANUPS:
            DONOR_RECORD_CLEANUPS.append(statements_erase_documents)
