"""One-off gifts through Stripe Checkout, and what a Checkout Session says about its payment."""

from __future__ import annotations

from django.conf import settings

from crowdfund.money import from_cents, to_cents
from ledger.models import Donation
from payments.providers.base import Checkout, PaymentReport, idempotency_key
from payments.providers.stripe import sdk
from payments.providers.stripe.objects import (
    charge_facts,
    disputes_of,
    invoice_with_intent,
    object_id,
)
from payments.providers.stripe.statuses import session_status

SESSION_EXPAND = [
    "payment_intent.latest_charge.balance_transaction",
    "payment_intent.latest_charge.refunds",
]


def checkout_locale(donation: Donation) -> str:
    return donation.language if donation.language in ("es", "nl", "en") else "auto"


def start_checkout(donation: Donation, *, return_url: str) -> Checkout:
    """See `PaymentProvider.start_checkout`."""
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
        "locale": checkout_locale(donation),
    }
    try:
        session = sdk.client().v1.checkout.sessions.create(
            params=params, options={"idempotency_key": idempotency_key(donation)}
        )
    except sdk.StripeError as exc:
        raise sdk.unavailable(exc) from exc
    return Checkout(payment_id=session.id, redirect_url=session.url)


def session_report(payment_id: str) -> PaymentReport:
    """A Checkout Session's payment (a one-off gift, or a sponsorship's first month)."""
    client = sdk.client()
    try:
        session = client.v1.checkout.sessions.retrieve(
            payment_id, params={"expand": SESSION_EXPAND}
        )
        intent = session.payment_intent
        invoice = None
        if intent is None and session.mode == "subscription" and session.invoice:
            # A subscription's first month: the money is on the session's first invoice.
            invoice, intent = invoice_with_intent(client, object_id(session.invoice))
        disputes = disputes_of(client, intent)
    except sdk.StripeError as exc:
        raise sdk.unavailable_or_missing(exc, payment_id) from exc

    status = session_status(session, intent, invoice)
    fee, paid_at, refunds = charge_facts(intent, disputes)
    paid = status == Donation.Status.PAID
    return PaymentReport(
        payment_id=session.id,
        status=status,
        amount_paid=from_cents(session.amount_total) if paid else None,
        currency=(session.currency or "").upper() or None,
        fee=fee,
        intent_id=object_id(intent),
        paid_at=paid_at if paid else None,
        refunds=tuple(refunds),
    )
