"""The agreement's emails: each signer's link, the treasurers' "waiting for your
countersignature", and the signed agreement for the donor.

Each is claimed before it is sent ("update where unsent, then check the count"), so a
retried task never sends the same email twice.
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from agreements.documents import agreement_terms_document_ensure
from agreements.links import MAX_AGE, signing_url
from agreements.models import AgreementSignature, DocumentDamaged, PeriodicGiftAgreement
from prisoners.models import Campaign

logger = logging.getLogger(__name__)
Role = AgreementSignature.Role
COUNTERSIGN = "agreements.countersign_periodicgiftagreement"
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


def payment_due(year: int) -> date:
    """A year's payment counts for that year: it is due by its last day."""
    return date(year, 12, 31)


def countersigners():
    """Active staff who may countersign, by their role or in person, and have an address.
    Not superusers as such: they hold every permission without being the foundation's
    treasurer."""
    return (
        User.objects.with_perm(
            COUNTERSIGN,
            include_superusers=False,
            # The backend that holds permissions (axes, the other one, holds none).
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .filter(is_active=True, is_staff=True)
        .exclude(email="")
        .order_by("pk")
    )


@task()
def tell_treasurers_to_countersign(agreement_id: int) -> None:
    """Email everyone who may countersign that this agreement waits for it: its number and
    the admin page, nothing of the donor (that stays behind the admin's login)."""
    claimed = PeriodicGiftAgreement.objects.filter(
        pk=agreement_id, treasurers_told_at__isnull=True
    ).update(treasurers_told_at=timezone.now())
    if not claimed:
        return
    agreement = PeriodicGiftAgreement.objects.get(pk=agreement_id)
    recipients = list(countersigners())
    if not recipients:
        logger.warning(
            "Agreement %s waits for a countersignature, but nobody who may countersign has an "
            "email address",
            agreement.number,
        )
        return
    path = reverse("admin:agreements_countersign", args=[agreement.pk])
    # Staff have no language of their own here: the site's first language.
    with translation.override(settings.LANGUAGE_CODE):
        for user in recipients:
            context = {"agreement": agreement, "user": user, "url": settings.SITE_URL + path}
            subject = render_to_string("email/agreement_countersign_subject.txt", context).strip()
            body = render_to_string("email/agreement_countersign.txt", context)
            EmailMessage(subject, body, None, [user.email]).send()


@task()
def send_signed_agreement(agreement_id: int) -> None:
    """Email the donor the final agreement, with every signature, as a PDF."""
    claimed = PeriodicGiftAgreement.objects.filter(
        pk=agreement_id, final_sent_at__isnull=True, final_pdf_sha256__gt=""
    ).update(final_sent_at=timezone.now())
    if not claimed:
        return
    agreement = PeriodicGiftAgreement.objects.select_related("transfer").get(pk=agreement_id)
    try:
        pdf = agreement.document_bytes("final")
    except DocumentDamaged:
        # Logged; unclaimed, so it is sent once the file is restored and the task runs again.
        PeriodicGiftAgreement.objects.filter(pk=agreement_id).update(final_sent_at=None)
        return
    context = {
        "agreement": agreement,
        "site_url": settings.SITE_URL,
        # How to pay, for a donor paying by bank transfer: the account and their reference.
        "transfer": agreement.transfer,
        "campaign": Campaign.objects.first(),
        "first_due": payment_due(agreement.first_year),
        "last_due": payment_due(agreement.last_year) if agreement.last_year else None,
    }
    with translation.override(agreement.language):
        subject = render_to_string("email/agreement_signed_subject.txt", context).strip()
        body = render_to_string("email/agreement_signed.txt", context)
    message = EmailMessage(subject, body, None, [agreement.email])
    message.attach(f"{agreement.number}.pdf", pdf, "application/pdf")
    message.send()


@task()
def send_cancellation(agreement_id: int) -> None:
    """Tell the donor who signed that the foundation cancelled the agreement before its
    countersignature, and why (the reason, not the treasurer's own note)."""
    claimed = PeriodicGiftAgreement.objects.filter(
        pk=agreement_id, status=PeriodicGiftAgreement.Status.CANCELLED, cancel_sent_at__isnull=True
    ).update(cancel_sent_at=timezone.now())
    if not claimed:
        return
    agreement = PeriodicGiftAgreement.objects.get(pk=agreement_id)
    context = {
        "agreement": agreement,
        "campaign": Campaign.objects.first(),
        "site_url": settings.SITE_URL,
    }
    with translation.override(agreement.language):
        context["form_url"] = settings.SITE_URL + reverse("agreements:start")
        subject = render_to_string("email/agreement_cancelled_subject.txt", context).strip()
        body = render_to_string("email/agreement_cancelled.txt", context)
    EmailMessage(subject, body, None, [agreement.email]).send()
