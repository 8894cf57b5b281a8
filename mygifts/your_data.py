"""A donor's rights over their data: a copy of it (GDPR art. 15 and 20), and erasure
(art. 17), granted as anonymisation where the books must be kept."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import AgreementSignature, PeriodicGiftAgreement
from annual_statements.models import AnnualStatement
from donors.models import Donor
from ledger.models import Donation
from ledger.selectors import gift_net
from retention.base import held_keys, other_records_clear
from retention.models import ErasureRequest
from retention.steps import anonymised_email, gifts_anonymise
from sponsorships.models import Sponsorship
from statements.models import ExpectedTransfer

S = Sponsorship.Status


class ErasureRefused(Exception):
    """Something still needs the donor's details: a running sponsorship (its receipts and
    notices) or a running periodic-gift agreement (a fiscal record the foundation keeps)."""

    def __init__(self, donor_id: int, *, reason: str = "sponsorship"):
        super().__init__(donor_id, reason)
        self.reason = reason

    @property
    def message(self) -> str:
        if self.reason == "agreement":
            return _(
                "Your periodic-gift agreement still runs: the foundation must keep it, with "
                "your details, for the tax office. Write to us to end it first."
            )
        return _("Please stop your monthly gifts first: they still need your address.")


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _moment(value) -> str | None:
    return None if value is None else value.isoformat()


def donor_export(*, donor: Donor) -> dict:
    """Everything the site keeps about this donor, as plain JSON-ready data."""
    gifts = (
        Donation.objects.filter(donor=donor)
        .select_related("prisoner", "message")
        .prefetch_related("refunds", "corrections")
        .order_by("created_at", "id")
    )
    return {
        "donor": {
            "email": donor.email,
            "name": donor.name,
            "language": donor.language,
            "created_at": _moment(donor.created_at),
            "email_preferences": {
                "monthly_receipts": donor.wants_monthly_receipts,
                "annual_statement": donor.wants_annual_statement,
                "news": donor.wants_news,
            },
        },
        "gifts": [_gift(gift) for gift in gifts],
        "sponsorships": [
            {
                "fund": s.fund_name,
                "purpose": s.purpose,
                "amount_per_month": _money(s.amount),
                "status": s.status,
                "provider": s.provider,
                "started_on": _moment(s.started_on),
                "cancelled_at": _moment(s.cancelled_at),
                "created_at": _moment(s.created_at),
            }
            for s in Sponsorship.objects.filter(donor=donor).select_related("prisoner")
        ],
        "annual_statements": [
            {
                "number": st.number,
                "year": st.year,
                "version": st.version,
                "issued_at": _moment(st.issued_at),
                "total": _money(st.total),
                "sha256": st.sha256,
                "replaces": st.supersedes.number if st.supersedes_id else None,
            }
            for st in AnnualStatement.objects.filter(donor=donor).select_related("supersedes")
        ],
        "periodic_gift_agreements": [_agreement(a) for a in _agreements(donor)],
        "bank_transfer_details_sent": [
            {
                "reference": t.reference,
                "amount": _money(t.amount),
                "name": t.donor_name,
                "created_at": _moment(t.created_at),
            }
            for t in ExpectedTransfer.objects.filter(email__iexact=donor.email)
        ],
        "erasure_requests": [
            {"requested_at": _moment(r.requested_at), "outcome": r.outcome}
            for r in ErasureRequest.objects.filter(donor=donor)
        ],
    }


def _has_message(gift: Donation) -> bool:
    return hasattr(gift, "message")


def _gift(gift: Donation) -> dict:
    return {
        "reference": gift.reference,
        "created_at": _moment(gift.created_at),
        "received_on": _moment(gift.received_on),
        "paid_at": _moment(gift.paid_at),
        "amount": _money(gift.amount),
        "amount_paid": _money(gift.amount_paid),
        "counts_for": _money(gift_net(gift)) if gift.status == Donation.Status.PAID else None,
        "status": gift.status,
        "method": gift.method,
        "frequency": gift.frequency,
        "fund": gift.fund_name,
        "purpose": gift.purpose,
        "name_given": gift.donor_name,
        "email_given": gift.donor_email,
        "anonymous": gift.is_anonymous,
        "message": gift.message.text if _has_message(gift) else "",
        "message_may_be_shown": _has_message(gift) and gift.message.is_public,
        "consent_at": _moment(gift.consent_at),
        "refunds": [
            {"kind": r.kind, "amount": _money(r.amount), "date": _moment(r.created_at)}
            for r in gift.refunds.all()
        ],
        "corrections": [
            {"amount": _money(c.amount), "date": _moment(c.date)} for c in gift.corrections.all()
        ],
    }


def _agreements(donor: Donor):
    # Not the treasurer's countersignature: it names a staff member, not the donor.
    own = AgreementSignature.objects.exclude(role=AgreementSignature.Role.FOUNDATION)
    return (
        PeriodicGiftAgreement.objects.filter(donor=donor)
        .prefetch_related(Prefetch("signatures", queryset=own))
        .order_by("created_at", "id")
    )


def _agreement(agreement: PeriodicGiftAgreement) -> dict:
    """The terms the donor gave, and the record of each of their (and their partner's)
    signatures: the address it was signed from is personal data too."""
    return {
        "number": agreement.number,
        "status": agreement.status,
        "created_at": _moment(agreement.created_at),
        "given_names": agreement.given_names,
        "surname": agreement.surname,
        "birth_date": _moment(agreement.birth_date),
        "birth_place": agreement.birth_place,
        "street": agreement.street,
        "postcode": agreement.postcode,
        "city": agreement.city,
        "country": agreement.country,
        "amount_per_year": _money(agreement.yearly_amount),
        "duration": agreement.duration,
        "years": agreement.duration_years,
        "first_year": agreement.first_year,
        "payment_way": agreement.payment_way,
        "partner_name": agreement.partner_name,
        "partner_email": agreement.partner_email,
        "language": agreement.language,
        "ended_on": _moment(agreement.ended_on),
        "cancelled_at": _moment(agreement.cancelled_at),
        "why_cancelled": agreement.cancel_reason,
        "signatures": [
            {
                "role": signature.role,
                "name": signature.name,
                "signed_at": _moment(signature.signed_at),
                "ip_address": signature.ip_address,
                "document_sha256": signature.document_sha256,
            }
            for signature in agreement.signatures.all()
        ],
    }


def donor_erase(*, donor_id: int) -> ErasureRequest:
    """Erase what identifies the donor; keep what the books need.

    Their gifts keep amount, date, fund and method (Dutch fiscal retention, 7 years) and
    lose name, email, message and notes, as apply_retention does after that period. The
    donor record and their transfer details lose name and address too, issued statements
    lose their PDF (it names the donor) and an agreement they never signed is deleted.
    Raises ErasureRefused while a sponsorship still runs: its receipts and failure notices
    need the address.
    """
    with transaction.atomic():
        donor = Donor.objects.select_for_update().get(pk=donor_id)
        running = Sponsorship.objects.filter(donor=donor).exclude(status=S.CANCELLED)
        if running.exists():
            raise ErasureRefused(donor.pk)
        # The same holds as the retention cleaner's (a running periodic-gift agreement).
        if held_keys({f"email:{donor.email}"}):
            raise ErasureRefused(donor.pk, reason="agreement")
        request = ErasureRequest.objects.create(donor=donor)
        email = anonymised_email()
        old_email = donor.email
        Donation.objects.filter(donor__isnull=True, donor_email__iexact=old_email).update(
            donor=donor
        )
        gift_ids = list(Donation.objects.filter(donor=donor).values_list("id", flat=True))
        counts = gifts_anonymise(gift_ids=gift_ids, email=email)
        ExpectedTransfer.objects.filter(email__iexact=old_email).update(donor_name="", email=email)
        # What other apps keep in the donor's name: statements' PDFs, unsigned agreements.
        other_records_clear([donor.pk])
        Donor.objects.filter(pk=donor.pk).update(email=email, name="", wants_news=False)
        request.completed_at = timezone.now()
        request.outcome = ErasureRequest.Outcome.ANONYMISED
        request.gifts_anonymised = counts.get("gifts", 0)
        request.save()
    return request
