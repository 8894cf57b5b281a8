"""Monthly giving through Stripe Billing.

A Checkout Session in subscription mode creates the customer and the subscription; Stripe
then invoices and charges every month (`invoice.paid`), and retries a failed month itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings

from crowdfund.money import from_cents, to_cents
from ledger.models import Donation
from payments.models import SubscriptionStatus
from payments.providers.base import (
    PaymentReport,
    RecurringCheckout,
    RecurringPayment,
    SubscriptionReport,
    idempotency_key,
    subscription_idempotency_key,
)
from payments.providers.stripe import sdk
from payments.providers.stripe.checkout import checkout_locale
from payments.providers.stripe.objects import (
    charge_facts,
    created_at,
    disputes_of,
    invoice_with_intent,
    moment,
    nested,
    object_id,
    subscription_details,
)
from payments.providers.stripe.statuses import invoice_status, subscription_report

if TYPE_CHECKING:
    from sponsorships.models import Sponsorship

# The ledger's method → Stripe's payment method type. SEPA Direct Debit is a delayed
# method: the session completes `unpaid`, and the first invoice settles days later.
PAYMENT_METHOD_TYPES = {
    Donation.Method.CARD: "card",
    Donation.Method.SEPA_DEBIT: "sepa_debit",
}


def start_recurring_checkout(
    sponsorship: Sponsorship, donation: Donation, *, return_url: str
) -> RecurringCheckout:
    """See `PaymentProvider.start_recurring_checkout`."""
    reference = str(sponsorship.public_id)
    # Only our id goes to Stripe: no name, email, prisoner or message in its records.
    metadata = {"sponsorship": reference}
    params = {
        "mode": "subscription",
        # The method the donor chose on our form, and only that one. (API versions since
        # 2026-09-30 take `allowed_payment_method_types`; `payment_method_types` is refused.)
        "allowed_payment_method_types": [PAYMENT_METHOD_TYPES.get(sponsorship.method, "card")],
        "client_reference_id": reference,
        "metadata": metadata,
        # Copied onto every invoice (parent.subscription_details.metadata): a month
        # finds its sponsorship even before checkout.session.completed is processed.
        "subscription_data": {"metadata": metadata},
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "eur",
                    "unit_amount": to_cents(donation.amount),
                    "recurring": {"interval": "month"},
                    "product_data": {"name": settings.PAYMENT_DESCRIPTION},
                },
            }
        ],
        "success_url": f"{return_url}?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": return_url,
        "locale": checkout_locale(donation),
    }
    try:
        session = sdk.client().v1.checkout.sessions.create(
            params=params, options={"idempotency_key": idempotency_key(donation)}
        )
    except sdk.StripeError as exc:
        raise sdk.unavailable(exc) from exc
    return RecurringCheckout(payment_id=session.id, redirect_url=session.url)


def activate_subscription(first_payment_id: str) -> SubscriptionReport:
    """See `PaymentProvider.activate_subscription`: Checkout created it; only read which."""
    try:
        session = sdk.client().v1.checkout.sessions.retrieve(
            first_payment_id, params={"expand": ["subscription"]}
        )
    except sdk.StripeError as exc:
        raise sdk.unavailable_or_missing(exc, first_payment_id) from exc
    if session.subscription is None or isinstance(session.subscription, str):
        raise sdk.unavailable(f"{first_payment_id} has no subscription yet")
    return subscription_report(session.subscription)


def cancel_subscription(sponsorship: Sponsorship) -> SubscriptionReport:
    """See `PaymentProvider.cancel_subscription`."""
    subscription_id = sponsorship.provider_subscription_id
    try:
        subscription = sdk.client().v1.subscriptions.cancel(
            subscription_id,
            options={"idempotency_key": subscription_idempotency_key(sponsorship, "cancel")},
        )
    except sdk.InvalidRequestError as exc:
        if sdk.is_missing(exc):
            raise LookupError(subscription_id) from exc
        # Stripe refuses to cancel what is already cancelled: read it instead.
        report = fetch_subscription(sponsorship)
        if report.status != SubscriptionStatus.CANCELLED:
            raise sdk.unavailable(exc) from exc
        return report
    except sdk.StripeError as exc:
        raise sdk.unavailable(exc) from exc
    return subscription_report(subscription)


def fetch_subscription(sponsorship: Sponsorship) -> SubscriptionReport:
    """See `PaymentProvider.fetch_subscription`."""
    subscription_id = sponsorship.provider_subscription_id
    try:
        subscription = sdk.client().v1.subscriptions.retrieve(subscription_id)
    except sdk.StripeError as exc:
        raise sdk.unavailable_or_missing(exc, subscription_id) from exc
    return subscription_report(subscription)


def list_subscription_payments(
    sponsorship: Sponsorship, *, since: datetime | None
) -> list[RecurringPayment]:
    """See `PaymentProvider.list_subscription_payments`: the subscription's invoices."""
    client = sdk.client()
    params: dict = {"subscription": sponsorship.provider_subscription_id, "limit": 100}
    if since is not None:
        params["created"] = {"gte": int(since.timestamp())}
    try:
        invoices = list(client.v1.invoices.list(params=params).auto_paging_iter())
        found = [_recurring(client, invoice) for invoice in invoices]
    except sdk.StripeError as exc:
        raise sdk.unavailable_or_missing(exc, sponsorship.provider_subscription_id) from exc
    return sorted(found, key=lambda p: (p.created_at is None, p.created_at))


def fetch_recurring_payment(payment_id: str) -> RecurringPayment:
    """See `PaymentProvider.fetch_recurring_payment`: a month is an invoice (`in_…`)."""
    if not payment_id.startswith("in_"):
        # A subscription's or a session's id is not a month (and costs no request).
        raise LookupError(payment_id)
    client = sdk.client()
    try:
        invoice = client.v1.invoices.retrieve(payment_id)
        return _recurring(client, invoice)
    except sdk.StripeError as exc:
        raise sdk.unavailable_or_missing(exc, payment_id) from exc


def _recurring(client: sdk.StripeClient, invoice) -> RecurringPayment:
    subscription_id, metadata = subscription_details(invoice)
    # Collection failed (Stripe may still retry): open after an attempt, or given up.
    failed = invoice.status == "uncollectible" or (
        invoice.status == "open" and bool(invoice.attempted)
    )
    code = reason = ""
    if failed:
        _invoice, intent = invoice_with_intent(client, invoice.id)
        error = getattr(intent, "last_payment_error", None) if intent else None
        if error:
            code = str(nested(error, "decline_code") or nested(error, "code") or "")
            reason = str(nested(error, "message") or "")
    return RecurringPayment(
        payment_id=invoice.id,
        amount=from_cents(invoice.amount_due),
        subscription_id=subscription_id,
        sponsorship_public_id=str(nested(metadata, "sponsorship") or ""),
        is_first=invoice.billing_reason == "subscription_create",
        failed=failed,
        failure_code=code,
        failure_reason=reason,
        created_at=created_at(invoice),
    )


def invoice_report(invoice_id: str) -> PaymentReport:
    """A month's payment: its invoice, and the charge that paid it."""
    client = sdk.client()
    try:
        invoice, intent = invoice_with_intent(client, invoice_id)
        disputes = disputes_of(client, intent)
    except sdk.StripeError as exc:
        raise sdk.unavailable_or_missing(exc, invoice_id) from exc
    status = invoice_status(invoice)
    fee, paid_at, refunds = charge_facts(intent, disputes)
    paid = status == Donation.Status.PAID
    if paid and paid_at is None:
        paid_at = moment(nested(invoice, "status_transitions", "paid_at"))
    return PaymentReport(
        payment_id=invoice.id,
        status=status,
        amount_paid=from_cents(invoice.amount_paid) if paid else None,
        currency=(invoice.currency or "").upper() or None,
        fee=fee,
        intent_id=object_id(intent),
        paid_at=paid_at if paid else None,
        refunds=tuple(refunds),
    )
