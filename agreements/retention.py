"""A draft agreement (never signed by the donor) holds their name, address and date of
birth, and binds nobody: it goes, with its stored document, when the donor is erased or
anonymised, and once it is as old as an unfinished gift attempt. So does one the foundation
cancelled before countersigning it, counted from its cancellation, with its signatures and
audit entries. A signed agreement is a fiscal record and stays (its donor's erasure is refused
while it runs) until the books no longer need it: RETENTION_DONOR_YEARS after the end of the
year it ended, it goes with its signatures, the links to its gifts (the gifts stay in the
books), its audit entries and both documents."""

from __future__ import annotations

from datetime import datetime

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q

from agreements.models import AgreementGift, AgreementSignature, PeriodicGiftAgreement
from donors.models import Donor

DRAFT = PeriodicGiftAgreement.Status.DRAFT
ENDED = PeriodicGiftAgreement.Status.ENDED
COUNTERSIGNED = PeriodicGiftAgreement.Status.COUNTERSIGNED
CANCELLED = PeriodicGiftAgreement.Status.CANCELLED


def drafts_delete(agreement_ids: list[int]) -> int:
    """Delete these agreements that are still drafts, and their stored PDFs. Returns how many.

    Each under its row lock, rechecking the status: a donor signing at this very moment
    either signs first (the agreement stays) or finds it gone.
    """
    deleted = 0
    for agreement_id in agreement_ids:
        with transaction.atomic():
            draft = (
                PeriodicGiftAgreement.objects.select_for_update()
                .filter(pk=agreement_id, status=DRAFT)
                .first()
            )
            if draft is None:
                continue
            document = draft.terms_pdf
            _agreement_audit_entries([draft.pk]).delete()
            draft.delete()
            if document:
                # Only once the row is gone for good: a rollback must not leave a row
                # pointing at a deleted file.
                transaction.on_commit(lambda doc=document: doc.storage.delete(doc.name))
            deleted += 1
    return deleted


def donor_unbound_delete(donor_ids: list[int]) -> None:
    """Retention (agreements.receivers): an anonymised donor keeps no agreement that binds
    nobody: no draft, theirs or one started with their address by someone else (it joins
    nobody until it is signed), and none the foundation cancelled."""
    emails = Donor.objects.filter(pk__in=donor_ids).values("email")
    theirs = PeriodicGiftAgreement.objects.filter(Q(donor_id__in=donor_ids) | Q(email__in=emails))
    drafts_delete(list(theirs.filter(status=DRAFT).order_by("pk").values_list("pk", flat=True)))
    cancelled_delete(
        list(theirs.filter(status=CANCELLED).order_by("pk").values_list("pk", flat=True))
    )


def donor_audit_entries_delete(donor_ids: list[int]) -> None:
    """Retention (agreements.receivers): the audit trail keeps nothing of an anonymised donor's
    agreements. A signed one stays as long as the books need it, with its signatures (who
    signed, when, from which address): those rows are the record, the trail only a copy."""
    ids = PeriodicGiftAgreement.objects.filter(donor_id__in=donor_ids).values_list("pk", flat=True)
    _agreement_audit_entries(list(ids)).delete()


def old_drafts(cutoff: datetime):
    """Retention's unfinished records: drafts made before the cutoff, never signed."""
    return PeriodicGiftAgreement.objects.filter(status=DRAFT, created_at__lt=cutoff)


def old_cancelled(cutoff: datetime):
    """Retention's unfinished records: agreements the foundation cancelled before the cutoff."""
    return PeriodicGiftAgreement.objects.filter(status=CANCELLED, cancelled_at__lt=cutoff)


def cancelled_delete(agreement_ids: list[int]) -> int:
    """Delete these cancelled agreements, as `long_ended_delete` does signed ones."""
    return _agreements_delete(agreement_ids, [CANCELLED])


def long_ended(cutoff: datetime):
    """Retention's expired records: agreements whose end lies in a year before the cutoff's:
    the books keep a year's records for seven years after that year. The end is the one the
    treasurer recorded or, for a fixed term nobody marked as over, the last year of the term."""
    countersigned = PeriodicGiftAgreement.objects.filter(
        status=COUNTERSIGNED, duration_years__isnull=False
    ).annotate(last=F("first_year") + F("duration_years") - 1)
    return PeriodicGiftAgreement.objects.filter(
        Q(status=ENDED, ended_on__year__lt=cutoff.year)
        | Q(pk__in=countersigned.filter(last__lt=cutoff.year).values("pk"))
    )


def long_ended_delete(agreement_ids: list[int]) -> int:
    return _agreements_delete(agreement_ids, [ENDED, COUNTERSIGNED])


def _agreements_delete(agreement_ids: list[int], statuses: list[str]) -> int:
    """Delete these agreements, if still in one of `statuses`, with their signatures, gift
    links and documents.

    The model refuses to delete a signed agreement: this is the one way, for retention and
    erasure only. Their audit entries go too (a signer's address, the reason it ended or was
    cancelled, which gift it covered), and the deletion itself writes none that would keep a
    copy.
    """
    deleted = 0
    for agreement_id in agreement_ids:
        with transaction.atomic(), disable_auditlog():
            agreement = (
                PeriodicGiftAgreement.objects.select_for_update()
                .filter(pk=agreement_id, status__in=statuses)
                .first()
            )
            if agreement is None:
                continue
            documents = [doc for doc in (agreement.terms_pdf, agreement.final_pdf) if doc]
            _agreement_audit_entries([agreement.pk]).delete()
            AgreementSignature.objects.filter(agreement=agreement).delete()
            AgreementGift.objects.filter(agreement=agreement).delete()
            PeriodicGiftAgreement.objects.filter(pk=agreement.pk).delete()
            for document in documents:
                transaction.on_commit(lambda doc=document: doc.storage.delete(doc.name))
            deleted += 1
    return deleted


def _audit_entries(model, pks):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_pk__in=[str(pk) for pk in pks],
    )


def _agreement_audit_entries(agreement_ids: list[int]):
    """The entries of these agreements, their signatures and their links to gifts."""
    signatures = AgreementSignature.objects.filter(agreement_id__in=agreement_ids)
    links = AgreementGift.objects.filter(agreement_id__in=agreement_ids)
    return (
        _audit_entries(PeriodicGiftAgreement, agreement_ids)
        | _audit_entries(AgreementSignature, signatures.values_list("pk", flat=True))
        | _audit_entries(AgreementGift, links.values_list("pk", flat=True))
    )
