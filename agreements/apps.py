from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Periodic gifts")

    def ready(self):
        from agreements.retention import (
            donor_audit_entries_delete,
            donor_drafts_delete,
            drafts_delete,
            long_ended,
            long_ended_delete,
            old_drafts,
        )
        from agreements.selectors import donors_with_running_agreement
        from donations.retention import DONOR_HOLDS, DONOR_RECORD_CLEANUPS, Records
        from donations.retention_expired import EXPIRED_RECORDS
        from donations.retention_unfinished import UNFINISHED_RECORDS

        # A running agreement is a reason to keep its donor's details (see retention).
        if donors_with_running_agreement not in DONOR_HOLDS:
            DONOR_HOLDS.append(donors_with_running_agreement)
        # A draft binds nobody: it goes with its donor's details, or when abandoned.
        if donor_drafts_delete not in DONOR_RECORD_CLEANUPS:
            DONOR_RECORD_CLEANUPS.append(donor_drafts_delete)
        if donor_audit_entries_delete not in DONOR_RECORD_CLEANUPS:
            DONOR_RECORD_CLEANUPS.append(donor_audit_entries_delete)
        if not any(records.rows is old_drafts for records in UNFINISHED_RECORDS):
            UNFINISHED_RECORDS.append(Records("unsigned agreements", old_drafts, drafts_delete))
        # A signed agreement stays as long as the books are kept after it ended.
        if not any(records.rows is long_ended for records in EXPIRED_RECORDS):
            EXPIRED_RECORDS.append(Records("ended agreements", long_ended, long_ended_delete))
