"""Stripe's webhook: its signature checked, and which object to re-fetch named."""

from __future__ import annotations

from collections.abc import Mapping

from payments.providers.base import WebhookNotice, WebhookRejected
from payments.providers.stripe import sdk
from payments.providers.stripe.objects import created_at, object_id

# Which object of each handled event names the payment we must re-fetch.
REFERENCE_FIELD = {
    "checkout.session.completed": "id",
    "checkout.session.async_payment_succeeded": "id",
    "checkout.session.async_payment_failed": "id",
    "checkout.session.expired": "id",
    "charge.refunded": "payment_intent",
    "charge.dispute.created": "payment_intent",
    # Not asked for, but without them a won dispute would stay counted as lost money.
    "charge.dispute.closed": "payment_intent",
    "charge.dispute.funds_reinstated": "payment_intent",
    # Monthly giving: a month's invoice, or the subscription itself (re-fetched either way).
    "invoice.paid": "id",
    "invoice.payment_failed": "id",
    "customer.subscription.updated": "id",
    "customer.subscription.deleted": "id",
}


def parse_webhook(*, body: bytes, headers: Mapping[str, str]) -> WebhookNotice:
    """See `PaymentProvider.parse_webhook`."""
    try:
        event = sdk.construct_event(body, headers)
    except sdk.SignatureVerificationError as exc:
        raise WebhookRejected(f"Stripe signature: {exc}") from exc
    except (ValueError, AttributeError, TypeError) as exc:
        # Not UTF-8 (checked before the signature), or signed but not a JSON object.
        raise WebhookRejected("Stripe event: not a JSON event object") from exc
    # Signed, so Stripe sent it; still, a body without the expected shape must not 500.
    try:
        event_id, event_type = str(event.id), str(event.type)
        field = REFERENCE_FIELD.get(event_type)
        if field is None:
            return WebhookNotice(
                references=(),
                event_id=event_id,
                event_type=event_type,
                ignored=True,
                authenticated=True,
            )
        subject = event.data.object
        if not isinstance(subject, sdk.StripeObject):
            raise TypeError("data.object is not an object")
        reference = object_id(getattr(subject, field, None))
        occurred_at = created_at(event)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise WebhookRejected("Stripe event: no id, type or data.object") from exc
    return WebhookNotice(
        references=(reference,) if reference else (),
        event_id=event_id,
        event_type=event_type,
        authenticated=True,
        occurred_at=occurred_at,
    )
