"""The agreement's emails: each signer's link, and the signed agreement for the donor.

Each is claimed before it is sent ("update where unsent, then check the count"), so a
retried task never sends the same email twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from agreements.documents import agreement_terms_document_ensure
from agreements.links import MAX_AGE, signing_url
from agreements.models import AgreementSignature, DocumentDamaged, PeriodicGiftAgreement

Role = AgreementSignature.Role
CLAIM_FIELDS = {Role.DONOR: "donor_link_sent_at", Role.PARTNER: "partner_link_sent_at"}


@task()
def send_signing_link(agreement_id: int, role: str, again: bool = False) -> None:
    """Email one signer their link. `again` (the treasurer's "send the link again") skips
    the claim, but never mails a signer who has signed already."""
    agreements = PeriodicGiftAgreement.objects.filter(pk=agreement_id)
    if AgreementSignature.objects.filter(agreement_id=agreement_id, role=role).exists():
        return
    if not again and not agreements.filter(**{f"{CLAIM_FIELDS[role]}__isnull": True}).update(
        **{CLAIM_FIELDS[role]: timezone.now()}
    ):
        return
    # The document must exist before anyone can open the link to it.
    agreement = agreement_terms_document_ensure(agreement_id=agreement_id)
    recipient = agreement.email if role == Role.DONOR else agreement.partner_email
    context = {
        "agreement": agreement,
        "role": role,
        "name": agreement.donor_full_name if role == Role.DONOR else agreement.partner_name,
        "url": signing_url(agreement, role),
        "days": MAX_AGE // (24 * 60 * 60),
        # Retention deletes an unsigned agreement as old as an unfinished gift attempt.
        "kept_days": settings.RETENTION_UNFINISHED_GIFT_DAYS,
        "site_url": settings.SITE_URL,
    }
    with translation.override(agreement.language):
        subject = render_to_string("email/agreement_sign_subject.txt", context).strip()
        body = render_to_string("email/agreement_sign.txt", context)
    EmailMessage(subject, body, None, [recipient]).send()


@task()
def send_signed_agreement(agreement_id: int) -> None:
    """Email the donor the final agreement, with every signature, as a PDF."""
    claimed = PeriodicGiftAgreement.objects.filter(
        pk=agreement_id, final_sent_at__isnull=True, final_pdf_sha256__gt=""
    ).update(final_sent_at=timezone.now())
    if not claimed:
        return
    agreement = PeriodicGiftAgreement.objects.get(pk=agreement_id)
    try:
        pdf = agreement.document_bytes("final")
    except DocumentDamaged:
        # Logged; unclaimed, so it is sent once the file is restored and the task runs again.
        PeriodicGiftAgreement.objects.filter(pk=agreement_id).update(final_sent_at=None)
        return
    context = {"agreement": agreement, "site_url": settings.SITE_URL}
    with translation.override(agreement.language):
        subject = render_to_string("email/agreement_signed_subject.txt", context).strip()
        body = render_to_string("email/agreement_signed.txt", context)
    message = EmailMessage(subject, body, None, [agreement.email])
    message.attach(f"{agreement.number}.pdf", pdf, "application/pdf")
    message.send()
