"""The Stripe SDK: the one module of the site that imports it.

The rest of `payments.providers.stripe` reaches the SDK through the names below (its
client, its errors, its object type and its webhook check), so an SDK upgrade is read in
one place and nothing else can call Stripe behind the provider interface's back.
"""

from __future__ import annotations

from collections.abc import Mapping

import stripe
from django.conf import settings

from payments.providers.base import ProviderUnavailable

StripeClient = stripe.StripeClient
StripeObject = stripe.StripeObject
StripeError = stripe.StripeError
InvalidRequestError = stripe.InvalidRequestError
SignatureVerificationError = stripe.SignatureVerificationError


def client() -> stripe.StripeClient:
    """A client for one operation: our key, our API base (a fake in the tests), no retries
    (the caller decides; a webhook answers 503 and Stripe retries)."""
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=settings.PAYMENT_API_TIMEOUT),
    )


def construct_event(body: bytes, headers: Mapping[str, str]) -> stripe.Event:
    """The event, once its `Stripe-Signature` proves Stripe sent this body.

    Raises SignatureVerificationError, or ValueError for a body that is not JSON.
    """
    return stripe.Webhook.construct_event(
        body, headers.get("Stripe-Signature"), settings.STRIPE_WEBHOOK_SECRET
    )


def is_missing(exc: stripe.StripeError) -> bool:
    """Stripe does not know the object (404), as opposed to an outage or a refusal."""
    return isinstance(exc, stripe.InvalidRequestError) and exc.http_status == 404


def unavailable(exc: Exception | str) -> ProviderUnavailable:
    return ProviderUnavailable(f"Stripe: {exc}")


def unavailable_or_missing(exc: stripe.StripeError, reference: str) -> Exception:
    """LookupError for an object Stripe does not know, else ProviderUnavailable."""
    return LookupError(reference) if is_missing(exc) else unavailable(exc)
