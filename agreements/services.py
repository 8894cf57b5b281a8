"""What happens to a periodic-gift agreement: made, signed, countersigned, ended, or
cancelled before the countersignature.

Every transition locks the agreement's row and lists the statuses it may start from, so a
double click, two tabs or a retried request never signs twice or skips a signer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from agreements.documents import agreement_final_document_store
from agreements.models import (
    AgreementSignature,
    DocumentDamaged,
    PeriodicGiftAgreement,
    agreement_number_allocate,
)
from agreements.tasks import (
    send_cancellation,
    send_signed_agreement,
    send_signing_link,
    tell_treasurers_to_countersign,
)
from donors.models import normalise_email
from donors.services import donor_get_or_create
from giving.transfers import expected_transfer_create
from prisoners.models import Campaign
from sponsorships.selectors import sponsorships_running

Status = PeriodicGiftAgreement.Status
PaymentWay = PeriodicGiftAgreement.PaymentWay
Role = AgreementSignature.Role
# Who may sign from which status: the donor first, then the partner (if any).
SIGNS_FROM = {Role.DONOR: Status.DRAFT, Role.PARTNER: Status.DONOR_SIGNED}
SIGNED_TO = {Role.DONOR: Status.DONOR_SIGNED, Role.PARTNER: Status.PARTNER_SIGNED}
# What the foundation may still cancel: whatever it has not countersigned.
CANCELLABLE = [Status.DRAFT, Status.DONOR_SIGNED, Status.PARTNER_SIGNED]


@dataclass(frozen=True)
class Transition:
    """The outcome of a signature: `applied`, or the reason it was not ("already_signed",
    "not_yet", "closed", "document_changed" when the signer was shown another document,
    "document_damaged" when the stored one no longer has its recorded fingerprint, "no_name"
    when the foundation's signer has no full name)."""

    agreement: PeriodicGiftAgreement
    applied: bool
    problem: str = ""


# The form's cleaned data that become the agreement's terms, as they are.
TERM_FIELDS = (
    "surname",
    "given_names",
    "birth_date",
    "birth_place",
    "street",
    "postcode",
    "city",
    "country",
    "yearly_amount",
    "duration",
    "duration_years",
    "first_year",
    "payment_way",
    "partner_name",
    "partner_email",
)


def agreement_create(*, data: dict, language: str, notify: bool = True) -> PeriodicGiftAgreement:
    """Record the agreement with its transaction number and the foundation's RSIN.

    `data` is the form's cleaned data (`email` and TERM_FIELDS). The document to sign is
    rendered and the donor's link sent by a task once this is committed. Whoever sent the
    form may not own the address: no donor record is looked up, made or changed until the
    owner signs (`agreement_sign`), so the answer and the work are the same for any address.
    """
    campaign = Campaign.objects.first()
    with transaction.atomic():
        agreement = PeriodicGiftAgreement.objects.create(
            number=agreement_number_allocate(year=timezone.localdate().year),
            email=normalise_email(data["email"]),
            language=language,
            foundation_name=campaign.foundation_name if campaign else "",
            rsin=campaign.rsin if campaign else "",
            **{name: data.get(name) or _empty(name) for name in TERM_FIELDS},
        )
        if notify:
            transaction.on_commit(lambda: send_signing_link.enqueue(agreement.pk, str(Role.DONOR)))
    return agreement


def _empty(name: str):
    return None if name == "duration_years" else ""


def _donor_attach(agreement: PeriodicGiftAgreement) -> None:
    """The owner of the address signed from the link sent to it: the agreement is theirs now,
    on their page and in their records. The caller holds the row lock."""
    if agreement.donor_id is not None:
        return
    agreement.donor = donor_get_or_create(
        email=agreement.email, name=agreement.donor_full_name, language=agreement.language
    )
    agreement.save(update_fields=["donor"])
    _link_the_sponsorship(agreement)


def _link_the_sponsorship(agreement: PeriodicGiftAgreement) -> None:
    """A donor who pays by their one running sponsorship has it linked at once; with none or
    several, the treasurer links the right one in the admin."""
    if agreement.payment_way != PaymentWay.MONTHLY_SPONSORSHIP:
        return
    # Not one whose first payment failed: the donor's "try again" is the one that runs.
    running = sponsorships_running().filter(
        donor=agreement.donor, periodic_gift_agreement__isnull=True
    )
    candidates = list(running[:2])
    if len(candidates) == 1:
        agreement.sponsorship = candidates[0]
        agreement.save(update_fields=["sponsorship"])


def agreement_sign(
    *, agreement_id: int, role: str, ip: str, document_sha256: str, notify: bool = True
) -> Transition:
    """The donor or the partner signs the document whose fingerprint they were shown. The
    partner is sent their link next; after the last signer, the treasurers are told."""
    with transaction.atomic():
        # The lock: two clicks on "Sign" at once would otherwise both see "not signed yet".
        agreement = PeriodicGiftAgreement.objects.select_for_update().get(pk=agreement_id)
        if agreement.signatures.filter(role=role).exists():
            return Transition(agreement, False, "already_signed")
        if role == Role.PARTNER and not agreement.has_partner:
            return Transition(agreement, False, "closed")
        if agreement.status != SIGNS_FROM[role]:
            problem = "not_yet" if agreement.status == Status.DRAFT else "closed"
            return Transition(agreement, False, problem)
        if not agreement.terms_pdf_sha256 or document_sha256 != agreement.terms_pdf_sha256:
            return Transition(agreement, False, "document_changed")
        if not _document_intact(agreement):
            return Transition(agreement, False, "document_damaged")
        AgreementSignature.objects.create(
            agreement=agreement,
            role=role,
            name=agreement.donor_full_name if role == Role.DONOR else agreement.partner_name,
            ip_address=ip or None,
            document_sha256=document_sha256,
        )
        agreement.status = SIGNED_TO[role]
        agreement.save(update_fields=["status"])
        if role == Role.DONOR:
            # Not when the link is merely opened: mail scanners open links too.
            _donor_attach(agreement)
        if notify and role == Role.DONOR and agreement.has_partner:
            transaction.on_commit(
                lambda: send_signing_link.enqueue(agreement.pk, str(Role.PARTNER))
            )
        elif notify and ready_to_countersign(agreement):
            transaction.on_commit(lambda: tell_treasurers_to_countersign.enqueue(agreement.pk))
    return Transition(agreement, True)


def _document_intact(agreement: PeriodicGiftAgreement) -> bool:
    """The stored document to sign still has the fingerprint the signers were shown; checked
    under the lock, since the file may change between the page and the click."""
    try:
        agreement.document_bytes("terms")
    except DocumentDamaged:
        return False
    return True


def ready_to_countersign(agreement: PeriodicGiftAgreement) -> bool:
    last_signer = Status.PARTNER_SIGNED if agreement.has_partner else Status.DONOR_SIGNED
    return agreement.status == last_signer


def agreement_countersign(
    *,
    agreement_id: int,
    user: AbstractBaseUser | None,
    name: str,
    ip: str = "",
    notify: bool = True,
) -> Transition:
    """A staff member signs for the foundation under their full `name`; the final document
    is stored and mailed.

    The final PDF is rendered inside the transaction: a countersignature without its
    document is never committed.
    """
    with transaction.atomic():
        agreement = PeriodicGiftAgreement.objects.select_for_update().get(pk=agreement_id)
        if agreement.signatures.filter(role=Role.FOUNDATION).exists():
            return Transition(agreement, False, "already_signed")
        if not ready_to_countersign(agreement):
            return Transition(agreement, False, "not_yet")
        if not name.strip():
            # The signature names a person; a login name ("treasurer") is no signature.
            return Transition(agreement, False, "no_name")
        if not _document_intact(agreement):
            return Transition(agreement, False, "document_damaged")
        AgreementSignature.objects.create(
            agreement=agreement,
            role=Role.FOUNDATION,
            name=name.strip(),
            user=user,
            ip_address=ip or None,
            document_sha256=agreement.terms_pdf_sha256,
        )
        agreement.status = Status.COUNTERSIGNED
        agreement.save(update_fields=["status"])
        _transfer_reference_give(agreement)
        agreement_final_document_store(agreement)
        if notify:
            transaction.on_commit(lambda: send_signed_agreement.enqueue(agreement.pk))
    return Transition(agreement, True)


def _transfer_reference_give(agreement: PeriodicGiftAgreement) -> None:
    """A donor paying by bank transfer gets a reference of their own, which the mail with
    the signed agreement gives them with the account and the due dates. The caller holds the
    row lock."""
    if agreement.payment_way != PaymentWay.BANK_TRANSFER or agreement.transfer_id:
        return
    agreement.transfer = expected_transfer_create(
        email=agreement.email,
        language=agreement.language,
        amount=agreement.yearly_amount,
        prisoner=None,
        donor_name=agreement.donor_full_name,
        notify=False,
    )
    agreement.save(update_fields=["transfer"])


def agreement_end(*, agreement_id: int, on: date, reason: str) -> Transition:
    """Record that an agreement in force has ended (the donor died, or its term is over)."""
    with transaction.atomic():
        agreement = PeriodicGiftAgreement.objects.select_for_update().get(pk=agreement_id)
        if agreement.status != Status.COUNTERSIGNED:
            return Transition(agreement, False, "not_yet")
        agreement.status = Status.ENDED
        agreement.ended_on = on
        agreement.end_reason = reason
        agreement.save(update_fields=["status", "ended_on", "end_reason"])
    return Transition(agreement, True)


def agreement_cancel(
    *, agreement_id: int, user: AbstractBaseUser | None, reason: str, note: str, notify=True
) -> Transition:
    """The foundation cancels an agreement it never countersigned, saying why. It binds
    nobody, and its signing links sign nothing any more. A donor who signed is told."""
    with transaction.atomic():
        # The lock: a countersignature at the same moment either comes first (and this is
        # refused) or finds it cancelled.
        agreement = PeriodicGiftAgreement.objects.select_for_update().get(pk=agreement_id)
        if agreement.status not in CANCELLABLE:
            return Transition(agreement, False, "closed")
        agreement.status = Status.CANCELLED
        agreement.cancelled_at = timezone.now()
        agreement.cancel_reason = reason
        agreement.cancel_note = note.strip()
        agreement.cancelled_by = user
        agreement.save(
            update_fields=["status", "cancelled_at", "cancel_reason", "cancel_note", "cancelled_by"]
        )
        # A draft's address was never confirmed by its owner: it may be a stranger's.
        if notify and agreement.donor_id is not None:
            transaction.on_commit(lambda: send_cancellation.enqueue(agreement.pk))
    return Transition(agreement, True)
