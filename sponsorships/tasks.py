"""The monthly sponsorships' background work: after a payment, and each email to a sponsor."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from ledger.models import Donation
from prisoners.models import Campaign
from sponsorships.activation import sponsorship_activate
from sponsorships.failures import bank_reason, failure_pauses_next_time
from sponsorships.links import (
    sponsorship_cancel_url,
    sponsorship_restart_url,
    sponsorship_retry_url,
)
from sponsorships.models import PledgeChange, Sponsorship, SponsorshipEvent, SponsorshipMail
from sponsorships.months import is_instalment, sponsorship_month_paid
from sponsorships.schedule import collection_when


@task()
def sponsorship_payment_paid(donation_id: int) -> None:
    """A sponsorship's payment was paid: the first creates the subscription, a later one
    may get a monthly receipt."""
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
