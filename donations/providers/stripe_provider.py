"""Stripe Checkout: cards, Apple Pay and Google Pay.

The only module that imports the Stripe SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import stripe
from django.conf import settings

from donations.models import Donation
from donations.money import from_cents, to_cents
from donations.providers.base import (
    Checkout,
    PaymentProvider,
    PaymentReport,
    ProviderUnavailable,
    RefundReport,
    WebhookNotice,
    WebhookRejected,
    idempotency_key,
)

# Which object of each handled event names the payment we must re-fetch.
_REFERENCE_FIELD = {
    "checkout.session.completed": "id",
    "checkout.session.async_payment_succeeded": "id",
    "checkout.session.async_payment_failed": "id",
    "checkout.session.expired": "id",
    "charge.refunded": "payment_intent",
    "charge.dispute.created": "payment_intent",
    # Not asked for, but without them a won dispute would stay counted as lost money.
    "charge.dispute.closed": "payment_intent",
    "charge.dispute.funds_reinstated": "payment_intent",
}
_EXPAND = [
    "payment_intent.latest_charge.balance_transaction",
    "payment_intent.latest_charge.refunds",
]
_FAILED_INTENT = {"requires_payment_method", "canceled"}
# Disputes that the foundation won give the money back; the others took it.
_DISPUTE_RETURNED = {"won", "warning_closed", "prevented"}


def _id(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value["id"]


def _when(stripe_object) -> datetime | None:
    """Stripe's `created`: Unix seconds, in UTC."""
    created = getattr(stripe_object, "created", None)
    return None if created is None else datetime.fromtimestamp(int(created), tz=UTC)


def _reinstated_at(dispute) -> datetime | None:
    """When a won dispute's money came back: the reinstating balance transaction's date.

    A dispute lists the balance transactions that withdrew (negative) and reinstated
    (positive) the funds; without the latter, the caller dates the reversal when reported.
    """
    transactions = getattr(dispute, "balance_transactions", None) or []
    dates = [_when(t) for t in transactions if not isinstance(t, str) and t.amount > 0]
    return max((d for d in dates if d is not None), default=None)


class StripeProvider(PaymentProvider):
    name = Donation.Provider.STRIPE

    def is_enabled(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def _client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=settings.PAYMENT_API_TIMEOUT),
        )

    def start_checkout(self, donation: Donation, *, return_url: str) -> Checkout:
        # Only the gift's id, amount and language go to Stripe: no name, no email (Checkout
        # asks the donor itself for what a card payment needs), no prisoner, no message.
        reference = str(donation.public_id)
        params = {
            "mode": "payment",
            "submit_type": "donate",
            "allowed_payment_method_types": ["card"],
            "client_reference_id": reference,
            "metadata": {"donation": reference},
            "payment_intent_data": {"metadata": {"donation": reference}},
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": to_cents(donation.amount),
                        # Neutral on purpose: this text shows on the donor's card statement.
                        "product_data": {"name": settings.PAYMENT_DESCRIPTION},
                    },
                }
            ],
            "success_url": f"{return_url}?session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": return_url,
            "locale": donation.language if donation.language in ("es", "nl", "en") else "auto",
        }
        try:
            session = self._client().v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key(donation)}
            )
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"Stripe: {exc}") from exc
        return Checkout(payment_id=session.id, redirect_url=session.url)

    def fetch_status(self, payment_id: str) -> PaymentReport:
        client = self._client()
        try:
            session = client.v1.checkout.sessions.retrieve(payment_id, params={"expand": _EXPAND})
            intent = session.payment_intent
            disputes = (
                client.v1.disputes.list(params={"payment_intent": intent.id}).data if intent else []
            )
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                raise LookupError(payment_id) from exc
            raise ProviderUnavailable(f"Stripe: {exc}") from exc
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"Stripe: {exc}") from exc

        if session.status == "expired":
            status = Donation.Status.EXPIRED
        elif session.status == "open":
            status = Donation.Status.OPEN
        elif session.payment_status == "paid":
            status = Donation.Status.PAID
        elif intent is not None and intent.status in _FAILED_INTENT:
            status = Donation.Status.FAILED
        else:
            status = Donation.Status.PENDING

        charge = intent.latest_charge if intent else None
        fee = None
        paid_at = None
        refunds: list[RefundReport] = []
        if charge is not None and not isinstance(charge, str):
            # The charge is the moment the card was charged, however late the session closed.
            paid_at = _when(charge)
            transaction = charge.balance_transaction
            if transaction is not None and not isinstance(transaction, str):
                fee = from_cents(transaction.fee)
            if charge.refunds:
                refunds = [
                    RefundReport(refund_id=r.id, amount=from_cents(r.amount), created_at=_when(r))
                    for r in charge.refunds.data
                    if r.status in ("succeeded", "pending")
                ]
        refunds += [
            RefundReport(
                refund_id=d.id,
                amount=from_cents(d.amount),
                is_chargeback=True,
                created_at=_when(d),
                reversed=d.status in _DISPUTE_RETURNED,
                reversed_at=_reinstated_at(d) if d.status in _DISPUTE_RETURNED else None,
            )
            for d in disputes
        ]
        paid = status == Donation.Status.PAID
        return PaymentReport(
            payment_id=session.id,
            status=status,
            amount_paid=from_cents(session.amount_total) if paid else None,
            currency=(session.currency or "").upper() or None,
            fee=fee,
            intent_id=_id(intent),
            paid_at=paid_at if paid else None,
            refunds=tuple(refunds),
        )

    def parse_webhook(
        self, *, body: bytes, headers: Mapping[str, str], form: Mapping[str, str]
    ) -> WebhookNotice:
        try:
            event = stripe.Webhook.construct_event(
                body, headers.get("Stripe-Signature"), settings.STRIPE_WEBHOOK_SECRET
            )
        except stripe.SignatureVerificationError as exc:
            raise WebhookRejected(f"Stripe signature: {exc}") from exc
        except (ValueError, AttributeError, TypeError) as exc:
            # Not UTF-8 (checked before the signature), or signed but not a JSON object.
            raise WebhookRejected("Stripe event: not a JSON event object") from exc
        # Signed, so Stripe sent it; still, a body without the expected shape must not 500.
        try:
            event_id, event_type = str(event.id), str(event.type)
            field = _REFERENCE_FIELD.get(event_type)
            if field is None:
                return WebhookNotice(
                    references=(),
                    event_id=event_id,
                    event_type=event_type,
                    ignored=True,
                    authenticated=True,
                )
            subject = event.data.object
            if not isinstance(subject, stripe.StripeObject):
                raise TypeError("data.object is not an object")
            reference = _id(getattr(subject, field, None))
            occurred_at = _when(event)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise WebhookRejected("Stripe event: no id, type or data.object") from exc
        return WebhookNotice(
            references=(reference,) if reference else (),
            event_id=event_id,
            event_type=event_type,
            authenticated=True,
            occurred_at=occurred_at,
        )
