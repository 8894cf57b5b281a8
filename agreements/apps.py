from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Periodic gifts")

    def ready(self):
        from agreements.attention import countersignatures_waiting
        from agreements.retention import (
            cancelled_delete,
            donor_audit_entries_delete,
            donor_unbound_delete,
            drafts_delete,
            long_ended,
            long_ended_delete,
            old_cancelled,
            old_drafts,
        )
        from agreements.selectors import donors_with_running_agreement
        from reports.attention import ATTENTION_SOURCES
        from retention.expired import EXPIRED_RECORDS
        from retention.steps import DONOR_HOLDS, DONOR_RECORD_CLEANUPS, Records
        from retention.unfinished import UNFINISHED_RECORDS

        # Agreements the donor signed and the foundation has not: the treasurer's to do.
        if countersignatures_waiting not in ATTENTION_SOURCES:
            ATTENTION_SOURCES.append(countersignatures_waiting)
        # A running agreement is a reason to keep its donor's details (see retention).
        if donors_with_running_agreement not in DONOR_HOLDS:
            DONOR_HOLDS.append(donors_with_running_agreement)
        # A draft or a cancelled agreement binds nobody: it goes with its donor's details,
        # or when abandoned (cancelled) as long as an unfinished gift attempt.
        if donor_unbound_delete not in DONOR_RECORD_CLEANUPS:
            DONOR_RECORD_CLEANUPS.append(donor_unbound_delete)
        if donor_audit_entries_delete not in DONOR_RECORD_CLEANUPS:
            DONOR_RECORD_CLEANUPS.append(donor_audit_entries_delete)
        if not any(records.rows is old_drafts for records in UNFINISHED_RECORDS):
            UNFINISHED_RECORDS.append(Records("unsigned agreements", old_drafts, drafts_delete))
        if not any(records.rows is old_cancelled for records in UNFINISHED_RECORDS):
            UNFINISHED_RECORDS.append(
                Records("cancelled agreements", old_cancelled, cancelled_delete)
            )
        # A signed agreement stays as long as the books are kept after it ended.
        if not any(records.rows is long_ended for records in EXPIRED_RECORDS):
            EXPIRED_RECORDS.append(Records("ended agreements", long_ended, long_ended_delete))
