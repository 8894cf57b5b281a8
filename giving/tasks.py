from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from giving.epc import epc_qr_png
from ledger.models import Donation
from prisoners.models import Campaign
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
