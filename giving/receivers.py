"""Every paid gift gets its receipt (payments.signals)."""

from django.dispatch import receiver

from giving.tasks import send_receipt
from payments.signals import payment_paid


@receiver(payment_paid, dispatch_uid="giving.receipt")
def receipt_send(sender, *, donation, **kwargs) -> None:
    send_receipt.enqueue(donation.pk)
