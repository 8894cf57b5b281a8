"""The demo provider: a local, clearly labelled simulated checkout for `make run`.

It follows the same path as a real provider: the simulated checkout records an outcome, and
a webhook notice makes the site fetch and apply it. It is refused unless DEMO_PAYMENTS is on.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.urls import reverse

from donations.models import DemoPayment, Donation
from donations.providers.base import (
    Checkout,
    PaymentProvider,
    PaymentReport,
    WebhookNotice,
    WebhookRejected,
)

OUTCOMES = [
    Donation.Status.PAID,
    Donation.Status.FAILED,
    Donation.Status.CANCELED,
    Donation.Status.EXPIRED,
]


class DemoProvider(PaymentProvider):
    name = Donation.Provider.DEMO

    def is_enabled(self) -> bool:
        return settings.DEMO_PAYMENTS

    def start_checkout(self, donation: Donation, *, return_url: str) -> Checkout:
        # One demo payment per donation, like an idempotency key at a real provider.
        payment, _created = DemoPayment.objects.get_or_create(
            payment_id=f"demo_{donation.public_id.hex}",
            defaults={"amount": donation.amount},
        )
        return Checkout(
            payment_id=payment.payment_id,
            redirect_url=reverse("donations:demo_checkout", args=[payment.payment_id]),
        )

    def fetch_status(self, payment_id: str) -> PaymentReport:
        payment = DemoPayment.objects.filter(payment_id=payment_id).first()
        if payment is None:
            raise LookupError(payment_id)
        paid = payment.status == Donation.Status.PAID
        return PaymentReport(
            payment_id=payment.payment_id,
            status=payment.status,
            amount_paid=payment.amount if paid else None,
            currency="EUR",
        )

    def parse_webhook(
        self, *, body: bytes, headers: Mapping[str, str], form: Mapping[str, str]
    ) -> WebhookNotice:
        if not self.is_enabled():
            raise WebhookRejected("demo payments are switched off")
        payment_id = form.get("id", "")
        if not payment_id.startswith("demo_"):
            raise WebhookRejected("expected a demo payment id")
        return WebhookNotice(references=(payment_id,), event_type="demo")

    def simulate(self, payment_id: str, outcome: str) -> None:
        """What the donor chose on the simulated checkout page."""
        if outcome not in OUTCOMES:
            raise ValueError(outcome)
        DemoPayment.objects.filter(payment_id=payment_id, status=Donation.Status.OPEN).update(
            status=outcome
        )
