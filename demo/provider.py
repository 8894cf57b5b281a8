"""The demo provider: a local, clearly labelled simulated checkout for `make run`.

It follows the same path as a real provider: the simulated checkout records an outcome, and
a webhook notice makes the site fetch and apply it. It is refused unless DEMO_PAYMENTS is on.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from demo.models import DemoCharge, DemoPayment, DemoSubscription
from ledger.models import Donation
from payments.providers.base import (
    Checkout,
    PaymentProvider,
    PaymentReport,
    ProviderUnavailable,
    RecurringCheckout,
    RecurringPayment,
    SubscriptionReport,
    WebhookNotice,
    WebhookRejected,
)
from sponsorships.models import Sponsorship

# A simulated failed debit carries a real SEPA reason: AM04, insufficient funds.
DEMO_FAILURE_CODE = "AM04"
_SUBSCRIPTION_STATUS = {
    "active": Sponsorship.Status.ACTIVE,
    "canceled": Sponsorship.Status.CANCELLED,
}

OUTCOMES = [
    Donation.Status.PAID,
    Donation.Status.FAILED,
    Donation.Status.CANCELED,
    Donation.Status.EXPIRED,
]


class DemoProvider(PaymentProvider):
    name = Donation.Provider.DEMO
    monthly_methods = frozenset({Donation.Method.OTHER_ONLINE})

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
            redirect_url=reverse("demo:demo_checkout", args=[payment.payment_id]),
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

    # Monthly giving, simulated: a demo subscription charges when `charge_month` is called
    # (by `manage.py demo_charge_month`), never on its own.

    def start_recurring_checkout(
        self, sponsorship: Sponsorship, donation: Donation, *, return_url: str
    ) -> RecurringCheckout:
        checkout = self.start_checkout(donation, return_url=return_url)
        return RecurringCheckout(
            payment_id=checkout.payment_id,
            redirect_url=checkout.redirect_url,
            customer_id=f"demo_cst_{sponsorship.public_id.hex[:16]}",
        )

    def activate_subscription(
        self, sponsorship: Sponsorship, *, first_payment_id: str
    ) -> SubscriptionReport:
        # One demo subscription per sponsorship, like the idempotency key at Mollie.
        subscription, _created = DemoSubscription.objects.get_or_create(
            sponsorship_public_id=sponsorship.public_id,
            defaults={
                "subscription_id": f"demo_sub_{sponsorship.public_id.hex[:16]}",
                "amount": sponsorship.amount,
            },
        )
        return self._report(subscription)

    def cancel_subscription(self, sponsorship: Sponsorship) -> SubscriptionReport:
        subscription = self._subscription(sponsorship)
        subscription.status = "canceled"
        subscription.save(update_fields=["status"])
        return self._report(subscription)

    def fetch_subscription(self, sponsorship: Sponsorship) -> SubscriptionReport:
        return self._report(self._subscription(sponsorship))

    def subscription_update_amount(
        self, sponsorship: Sponsorship, amount: Decimal, *, change_id: str
    ) -> SubscriptionReport:
        subscription = self._subscription(sponsorship)
        if subscription.status != "active":
            raise ProviderUnavailable("demo: the subscription is not active")
        subscription.amount = amount
        subscription.save(update_fields=["amount"])
        return self._report(subscription)

    def list_subscription_payments(
        self, sponsorship: Sponsorship, *, since: datetime | None
    ) -> list[RecurringPayment]:
        charges = DemoCharge.objects.filter(subscription=self._subscription(sponsorship))
        if since is not None:
            charges = charges.filter(created_at__gte=since)
        return [self.fetch_recurring_payment(c.payment_id) for c in charges.order_by("created_at")]

    def fetch_recurring_payment(self, payment_id: str) -> RecurringPayment:
        payment = DemoPayment.objects.filter(payment_id=payment_id).first()
        if payment is None:
            raise LookupError(payment_id)
        charge = DemoCharge.objects.select_related("subscription").filter(payment=payment).first()
        if charge is None:
            return RecurringPayment(payment_id=payment_id, amount=payment.amount)
        return RecurringPayment(
            payment_id=payment_id,
            amount=payment.amount,
            subscription_id=charge.subscription_id,
            sponsorship_public_id=str(charge.subscription.sponsorship_public_id),
            failed=payment.status == Donation.Status.FAILED,
            failure_code=charge.failure_code,
            created_at=charge.created_at,
        )

    def charge_month(self, sponsorship: Sponsorship, *, fail: bool = False) -> str:
        """Simulate the provider collecting one month; returns the new payment's id."""
        subscription = self._subscription(sponsorship)
        payment = DemoPayment.objects.create(
            payment_id=f"demo_{uuid.uuid4().hex}",
            amount=subscription.amount,
            status=Donation.Status.FAILED if fail else Donation.Status.PAID,
        )
        DemoCharge.objects.create(
            payment=payment,
            subscription=subscription,
            failure_code=DEMO_FAILURE_CODE if fail else "",
        )
        return payment.payment_id

    def _subscription(self, sponsorship: Sponsorship) -> DemoSubscription:
        subscription = DemoSubscription.objects.filter(
            subscription_id=sponsorship.provider_subscription_id or ""
        ).first()
        if subscription is None:
            raise LookupError(sponsorship.provider_subscription_id)
        return subscription

    def _report(self, subscription: DemoSubscription) -> SubscriptionReport:
        return SubscriptionReport(
            subscription_id=subscription.subscription_id,
            status=_SUBSCRIPTION_STATUS[subscription.status],
            customer_id=f"demo_cst_{subscription.sponsorship_public_id.hex[:16]}",
        )
