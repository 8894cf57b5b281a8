"""What sponsorships adds to the apps below: the public pages change with the sponsors, and
payments hands over each month of a sponsorship (payments.signals)."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from crowdfund.content import changes_content
from payments.signals import payment_claimed, payment_paid, subscription_notice
from sponsorships.models import Sponsorship, SponsorshipMail
from sponsorships.months import is_instalment
from sponsorships.tasks import send_sponsorship_mail, sponsorship_payment_paid
from sponsorships.webhooks import sponsorship_webhook

# The monthly sponsors show on the home and prisoner pages.
changes_content(Sponsorship)


@receiver(post_save, sender=SponsorshipMail, dispatch_uid="sponsorships.mail")
def mail_send(sender, *, instance: SponsorshipMail, created: bool, **kwargs) -> None:
    # Each email row is made once (unique per event or month) and sent once it is committed;
    # a rolled-back row sends nothing.
    if created:
        transaction.on_commit(lambda: send_sponsorship_mail.enqueue(instance.pk))


@receiver(payment_paid, dispatch_uid="sponsorships.paid")
def payment_paid_apply(sender, *, donation, **kwargs) -> None:
    # The first payment creates the subscription; a later month may send a monthly receipt.
    if donation.sponsorship_id:
        sponsorship_payment_paid.enqueue(donation.pk)


@receiver(payment_claimed, dispatch_uid="sponsorships.instalment")
def instalment_claim(sender, *, donation, **kwargs) -> bool:
    return is_instalment(donation)


@receiver(subscription_notice, dispatch_uid="sponsorships.webhook")
def subscription_notice_apply(sender, *, provider_name, references, event, reported_at, **kw):
    return sponsorship_webhook(
        provider_name=provider_name, references=references, event=event, reported_at=reported_at
    )
