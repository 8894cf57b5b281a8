"""What the agreements hand to the apps below: the audit trail's fields, and retention's
holds and records (retention.base)."""

from auditlog.registry import auditlog
from django.dispatch import receiver

from agreements.models import AgreementGift, AgreementSignature, PeriodicGiftAgreement
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
from retention.base import (
    Records,
    donor_holds,
    donor_records_clear,
    expired_records,
    unfinished_records,
)

# Periodic-gift agreements: each signature (the treasurer's countersignature with its actor),
# the gifts linked under an agreement, and the agreement's status, donor (set when the owner
# of its address signs), documents, and a cancellation with its reason and note. Not its
# terms' personal fields (address, date of birth): they never change, and the trail would
# only keep a second copy of them.
# Not a signature's IP address: the signature keeps it as evidence, and the trail keeps no
# visitor's address (a staff member's countersignature has the request's own address).
auditlog.register(AgreementSignature, exclude_fields=["ip_address"])
auditlog.register(AgreementGift)
auditlog.register(
    PeriodicGiftAgreement,
    include_fields=[
        "number",
        "status",
        "donor",
        "sponsorship",
        "terms_pdf_sha256",
        "final_pdf_sha256",
        "final_sent_at",
        "ended_on",
        "end_reason",
        "cancelled_at",
        "cancel_reason",
        "cancel_note",
        "cancelled_by",
    ],
)


@receiver(donor_holds, dispatch_uid="agreements.running")
def running_agreement_holds(sender, *, keys: set[str], **kwargs) -> set[str]:
    # A running agreement is a reason to keep its donor's details (ANBI, five years).
    return donors_with_running_agreement(keys)


@receiver(donor_records_clear, dispatch_uid="agreements.donor_records")
def donor_records_delete(sender, *, donor_ids: list[int], **kwargs) -> None:
    # A draft or a cancelled agreement binds nobody: it goes with its donor's details, and
    # the audit trail keeps nothing of them.
    donor_unbound_delete(donor_ids)
    donor_audit_entries_delete(donor_ids)


@receiver(unfinished_records, dispatch_uid="agreements.unsigned")
def unsigned_records(sender, **kwargs) -> Records:
    return Records("unsigned agreements", old_drafts, drafts_delete)


@receiver(unfinished_records, dispatch_uid="agreements.cancelled")
def cancelled_records(sender, **kwargs) -> Records:
    # Abandoned: it goes as long after as an unfinished gift attempt.
    return Records("cancelled agreements", old_cancelled, cancelled_delete)


@receiver(expired_records, dispatch_uid="agreements.ended")
def ended_records(sender, **kwargs) -> Records:
    # A signed agreement stays as long as the books are kept after it ended.
    return Records("ended agreements", long_ended, long_ended_delete)
