from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from donations.models import Donation, Sponsorship, SponsorshipEvent, SponsorshipMail
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
        body = render_to_string("email/receipt.txt", context)
    send_mail(subject, body, None, [donation.donor_email])


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
    from donations.sponsorships.links import sponsorship_cancel_url, sponsorship_restart_url

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
        "name": first.donor_name if first else sponsorship.donor.name,
        "campaign": Campaign.objects.first(),
        "site_url": settings.SITE_URL,
        "cancel_url": sponsorship_cancel_url(sponsorship),
        "restart_url": sponsorship_restart_url(sponsorship),
    }
    with translation.override(sponsorship.language):
        subject = render_to_string(f"email/sponsorship_{mail.kind}_subject.txt", context).strip()
        body = render_to_string(f"email/sponsorship_{mail.kind}.txt", context)
    send_mail(subject, body, None, [sponsorship.donor.email])
