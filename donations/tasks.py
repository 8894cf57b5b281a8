from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from donations.models import Donation
from prisoners.models import Campaign


@task()
def send_receipt(donation_id: int) -> None:
    """Email the donor a thank-you that serves as a receipt, once."""
    # Claim the receipt first ("update where unclaimed"), so a retried task never sends two.
    claimed = (
        Donation.objects.filter(
            pk=donation_id,
            status=Donation.Status.PAID,
            receipt_sent_at__isnull=True,
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
