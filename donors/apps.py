from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonorsConfig(AppConfig):
    name = "donors"
    verbose_name = _("Donors")

    def ready(self):
        from annual_statements.documents import statements_erase_documents
        from retention.steps import DONOR_RECORD_CLEANUPS

        # A donor anonymised after the retention period keeps no statement naming them.
        if statements_erase_documents not in DONOR_RECORD_CLEANUPS:
            DONOR_RECORD_CLEANUPS.append(statements_erase_documents)
