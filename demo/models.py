"""The demo provider's own records of simulated payments and subscriptions (`make run`)."""

from django.db import models
from django.utils import timezone

from ledger.models import Donation


class DemoPayment(models.Model):
    """The demo provider's own record of a simulated payment (local checkout only)."""

    payment_id = models.CharField(max_length=40, primary_key=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=10, choices=Donation.Status, default=Donation.Status.OPEN)

    class Meta:
        db_table = "donations_demopayment"

    def __str__(self) -> str:
        return f"{self.payment_id} {self.status}"


class DemoSubscription(models.Model):
    """The demo provider's own record of a simulated subscription (local checkout only)."""

    subscription_id = models.CharField(max_length=40, primary_key=True)
    sponsorship_public_id = models.UUIDField(unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=10, default="active")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "donations_demosubscription"

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.status}"


class DemoCharge(models.Model):
    """One simulated month of a demo subscription: a demo payment with its subscription."""

    payment = models.OneToOneField(DemoPayment, on_delete=models.CASCADE, primary_key=True)
    subscription = models.ForeignKey(
        DemoSubscription, on_delete=models.CASCADE, related_name="charges"
    )
    failure_code = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "donations_democharge"

    def __str__(self) -> str:
        return f"{self.payment_id} ({self.subscription_id})"
