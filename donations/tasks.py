from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from donations.epc import epc_qr_png
from ledger.models import Donation
from prisoners.models import Campaign
from sponsorships.models import PledgeChange, Sponsorship, SponsorshipEvent, SponsorshipMail
from statements.models import ExpectedTransfer

QR_CONTENT_ID = "transfer-qr"


@task()
def send_receipt(donation_id: int) -> None:
    """Email the donor a thank-you that serves as a receipt, once."""
    # Claim the receipt first ("update where unclaimed"), so a retried task never sends two.
    claimed = (
        Donation.objects.filter(
            pk=donation_id,
            status=Donation.Status.PAID,
            receipt_sent_at__isnull=True,
            # A sponsorship's months get the sponsorship's own emails (welcome, receipts).
            sponsorship__isnull=True,
        )
        .exclude(donor_email="")
        .update(receipt_sent_at=timezone.now())
    )
    if not claimed:
        return
    donation = Donation.objects.select_related("prisoner").get(pk=donation_id)
    context = {
        "donation": donation,
        "campaign": Campaign.objects.first(),
        "site_url": settings.SITE_URL,
    }
    with translation.override(donation.language):
        subject = render_to_string("email/receipt_subject.txt", context).strip()
        text = render_to_string("email/receipt.txt", context)
        html = render_to_string("email/receipt.html", context)
    message = EmailMultiAlternatives(subject, text, None, [donation.donor_email])
    message.attach_alternative(html, "text/html")
    message.send()


@task()
def send_transfer_details(expected_id: int) -> None:
    """Email a donor the IBAN, their own reference and a QR code for their banking app."""
    expected = ExpectedTransfer.objects.select_related("prisoner").get(pk=expected_id)
    campaign = Campaign.objects.first()
    with translation.override(expected.language):
        qr_png = epc_qr_png(campaign=campaign, reference=expected.reference, amount=expected.amount)
        context = {
            "expected": expected,
            "campaign": campaign,
            "site_url": settings.SITE_URL,
            "qr_cid": QR_CONTENT_ID,
        }
        subject = render_to_string("email/transfer_details_subject.txt", context).strip()
        text = render_to_string("email/transfer_details.txt", context)
        html = render_to_string("email/transfer_details.html", context)
    message = EmailMultiAlternatives(subject, text, None, [expected.email])
    message.attach_alternative(html, "text/html")
    # "related": the HTML shows the QR code from its Content-ID, as mail clients expect.
    message.mixed_subtype = "related"
    image = MIMEImage(qr_png, "png")
    image.add_header("Content-ID", f"<{QR_CONTENT_ID}>")
    image.add_header("Content-Disposition", "inline", filename="qr-code.png")
    message.attach(image)
    message.send()


@task()
def sponsorship_payment_paid(donation_id: int) -> None:
    """A sponsorship's payment was paid: the first creates the subscription, a later one
    may get a monthly receipt."""
    from donations.sponsorships.activation import sponsorship_activate
    from donations.sponsorships.months import is_instalment, sponsorship_month_paid

    donation = Donation.objects.get(pk=donation_id)
    if is_instalment(donation):
        sponsorship_month_paid(donation_id=donation_id)
    else:
        # A provider outage raises here; sync_subscriptions activates it on its next run.
        sponsorship_activate(
            sponsorship_id=donation.sponsorship_id, source=SponsorshipEvent.Source.WEBHOOK
        )


@task()
def send_sponsorship_mail(mail_id: int) -> None:
    """Send one sponsorship email (welcome, receipt, failure, suspension, cancellation), once."""
    from donations.sponsorships.links import (
        sponsorship_cancel_url,
        sponsorship_restart_url,
        sponsorship_retry_url,
    )
    from donations.sponsorships.months import bank_reason, failure_pauses_next_time
    from donations.sponsorships.schedule import collection_when

    # Claim first ("update where unsent"), so a retried task never sends two.
    if not SponsorshipMail.objects.filter(pk=mail_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    ):
        return
    mail = SponsorshipMail.objects.select_related(
        "sponsorship__donor", "sponsorship__prisoner", "donation"
    ).get(pk=mail_id)
    sponsorship: Sponsorship = mail.sponsorship
    first = sponsorship.first_donation
    context = {
        "sponsorship": sponsorship,
        "donation": mail.donation,
        # The welcome is also the first month's receipt.
        "first_donation": first,
        "name": first.donor_name if first else sponsorship.donor.name,
        "campaign": Campaign.objects.first(),
        "site_url": settings.SITE_URL,
        "cancel_url": sponsorship_cancel_url(sponsorship),
        "restart_url": sponsorship_restart_url(sponsorship),
        # A failed first payment: the sponsorship never started, so no stop link but a retry.
        "first_failed": bool(first and mail.donation_id == first.pk),
        "retry_url": sponsorship_retry_url(first) if first else "",
        "pauses_next_time": failure_pauses_next_time(sponsorship),
    }
    if mail.kind == SponsorshipMail.Kind.AMOUNT:
        context["change"] = PledgeChange.objects.get(event_id=mail.transition_id)
    with translation.override(sponsorship.language):
        context["bank_reason"] = bank_reason(sponsorship.last_failure_code)
        context["collection"] = collection_when(sponsorship)
        subject = render_to_string(f"email/sponsorship_{mail.kind}_subject.txt", context).strip()
        body = render_to_string(f"email/sponsorship_{mail.kind}.txt", context)
    send_mail(subject, body, None, [sponsorship.donor.email])
