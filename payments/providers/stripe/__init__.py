"""Stripe: cards, Apple Pay and Google Pay through Stripe Checkout, and monthly giving.

- `sdk`: the only module that imports the Stripe SDK; the others reach it through it.
- `checkout`: one-off gifts, and what a Checkout Session says about its payment.
- `webhooks`: the signed event, and which object to re-fetch.
- `subscriptions`: monthly giving (Stripe Billing): subscriptions and their invoices.
- `statuses`: Stripe's statuses in the ledger's words; `objects`: reading Stripe's objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings

from ledger.models import Donation
from payments.providers.base import (
    Checkout,
    PaymentProvider,
    PaymentReport,
    RecurringCheckout,
    RecurringPayment,
    SubscriptionReport,
    WebhookNotice,
)
from payments.providers.stripe import checkout, donor_changes, subscriptions, webhooks

if TYPE_CHECKING:
    from sponsorships.models import Sponsorship


class StripeProvider(PaymentProvider):
    name = Donation.Provider.STRIPE
    # Stripe retries a failed month itself (smart retries) and reports past_due meanwhile.
    retries_failed_months = True
    # Checkout in subscription mode creates the subscription, before the money has arrived.
    subscribes_at_checkout = True
    # A card, or a SEPA Direct Debit mandate (only with STRIPE_SEPA_DEBIT): see
    # subscriptions.PAYMENT_METHOD_TYPES.
    monthly_methods = frozenset({Donation.Method.CARD, Donation.Method.SEPA_DEBIT})

    def is_enabled(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def start_checkout(self, donation: Donation, *, return_url: str) -> Checkout:
        return checkout.start_checkout(donation, return_url=return_url)

    def fetch_status(self, payment_id: str) -> PaymentReport:
        if payment_id.startswith("in_"):
            return subscriptions.invoice_report(payment_id)
        return checkout.session_report(payment_id)

    def parse_webhook(
        self, *, body: bytes, headers: Mapping[str, str], form: Mapping[str, str]
    ) -> WebhookNotice:
        return webhooks.parse_webhook(body=body, headers=headers)

    def start_recurring_checkout(
        self, sponsorship: Sponsorship, donation: Donation, *, return_url: str
    ) -> RecurringCheckout:
        return subscriptions.start_recurring_checkout(sponsorship, donation, return_url=return_url)

    def activate_subscription(
        self, sponsorship: Sponsorship, *, first_payment_id: str
    ) -> SubscriptionReport:
        return subscriptions.activate_subscription(first_payment_id)

    def cancel_subscription(self, sponsorship: Sponsorship) -> SubscriptionReport:
        return subscriptions.cancel_subscription(sponsorship)

    def fetch_subscription(self, sponsorship: Sponsorship) -> SubscriptionReport:
        return subscriptions.fetch_subscription(sponsorship)

    def subscription_update_amount(
        self, sponsorship: Sponsorship, amount: Decimal, *, change_id: str
    ) -> SubscriptionReport:
        return donor_changes.subscription_update_amount(sponsorship, amount, change_id=change_id)

    def payment_method_update_url(self, sponsorship: Sponsorship, *, return_url: str) -> str | None:
        return donor_changes.payment_method_update_url(sponsorship, return_url=return_url)

    def list_subscription_payments(
        self, sponsorship: Sponsorship, *, since: datetime | None
    ) -> list[RecurringPayment]:
        return subscriptions.list_subscription_payments(sponsorship, since=since)

    def fetch_recurring_payment(self, payment_id: str) -> RecurringPayment:
        return subscriptions.fetch_recurring_payment(payment_id)


__all__ = ["StripeProvider"]
