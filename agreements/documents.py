"""The agreement's two PDFs: the one each signer is shown and signs, and the final one with
every signature. Each is rendered once, stored in private storage and fingerprinted; what a
signer is shown later is always those stored bytes, never a fresh rendering.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from agreements.models import AgreementSignature, PeriodicGiftAgreement
from agreements.words import amount_in_words
from crowdfund.pdf import render_pdf

TEMPLATE = "agreements/pdf/agreement.html"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def agreement_pdf(agreement: PeriodicGiftAgreement, *, final: bool) -> bytes:
    """The agreement as a tagged PDF in the donor's language."""
    signatures = {s.role: s for s in agreement.signatures.select_related("user")} if final else {}
    with translation.override(agreement.language):
        return render_pdf(
            TEMPLATE,
            {
                "agreement": agreement,
                "final": final,
                "amount_words": amount_in_words(agreement.yearly_amount, agreement.language),
                "donor_signature": signatures.get(AgreementSignature.Role.DONOR),
                "partner_signature": signatures.get(AgreementSignature.Role.PARTNER),
                "foundation_signature": signatures.get(AgreementSignature.Role.FOUNDATION),
                "generated_at": timezone.localtime(),
            },
        )


def agreement_terms_document_ensure(*, agreement_id: int) -> PeriodicGiftAgreement:
    """The agreement with its document to sign, rendered and stored the first time.

    Under the row lock: the task that sends the link and a signer opening the page early
    would otherwise both render one, and the two files would have different fingerprints.
    """
    with transaction.atomic():
        agreement = PeriodicGiftAgreement.objects.select_for_update().get(pk=agreement_id)
        if agreement.terms_pdf_sha256:
            return agreement
        pdf = agreement_pdf(agreement, final=False)
        agreement.terms_pdf.save("agreement.pdf", ContentFile(pdf), save=False)
        agreement.terms_pdf_sha256 = sha256_hex(pdf)
        agreement.save(update_fields=["terms_pdf", "terms_pdf_sha256"])
        return agreement


def agreement_final_document_store(agreement: PeriodicGiftAgreement) -> None:
    """Render, store and fingerprint the final document. The caller holds the row lock."""
    pdf = agreement_pdf(agreement, final=True)
    agreement.final_pdf.save("agreement.pdf", ContentFile(pdf), save=False)
    agreement.final_pdf_sha256 = sha256_hex(pdf)
    agreement.save(update_fields=["final_pdf", "final_pdf_sha256"])


def stored_bytes(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()
