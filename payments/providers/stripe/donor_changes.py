"""What a donor changes on their own page: a monthly amount, or the card a sponsorship uses."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from crowdfund.money import to_cents
from payments.providers.base import SubscriptionReport, subscription_idempotency_key
from payments.providers.stripe import sdk
from payments.providers.stripe.objects import object_id
from payments.providers.stripe.statuses import subscription_report

if TYPE_CHECKING:
    from sponsorships.models import Sponsorship


def subscription_update_amount(
    sponsorship: Sponsorship, amount: Decimal, *, change_id: str
) -> SubscriptionReport:
    """See `PaymentProvider.subscription_update_amount`."""
    # The item's new price: the same product and interval, only the amount changes.
    # No proration: the donor gives the new amount from the next month, nothing now.
    client = sdk.client()
    subscription_id = sponsorship.provider_subscription_id
    try:
        item = client.v1.subscriptions.retrieve(subscription_id)["items"].data[0]
        subscription = client.v1.subscriptions.update(
            subscription_id,
            params={
                "items": [
                    {
                        "id": item.id,
                        "price_data": {
                            "currency": "eur",
                            "product": object_id(item.price.product),
                            "unit_amount": to_cents(amount),
                            "recurring": {"interval": "month"},
                        },
                    }
                ],
                "proration_behavior": "none",
            },
            options={
                "idempotency_key": subscription_idempotency_key(sponsorship, f"amount-{change_id}")
            },
        )
    except sdk.StripeError as exc:
        raise sdk.unavailable(exc) from exc
    return subscription_report(subscription)


def payment_method_update_url(sponsorship: Sponsorship, *, return_url: str) -> str | None:
    """See `PaymentProvider.payment_method_update_url`."""
    # A Billing Portal session opened on the one flow the donor needs: a new card.
    locale = sponsorship.language if sponsorship.language in ("es", "nl", "en") else "auto"
    try:
        session = sdk.client().v1.billing_portal.sessions.create(
            params={
                "customer": sponsorship.provider_customer_id,
                "return_url": return_url,
                "flow_data": {"type": "payment_method_update"},
                "locale": locale,
            }
        )
    except sdk.StripeError as exc:
        raise sdk.unavailable(exc) from exc
    return session.url
