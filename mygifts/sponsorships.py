"""What a donor may do to their own sponsorships: change the amount, stop, renew the payment
method. Provider calls go through the provider interface; stopping reuses the cancel link's
service."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from payments.providers import get_provider
from sponsorships.cancel import sponsorship_cancel
from sponsorships.links import sponsorship_restart_url
from sponsorships.models import AmountChange, Sponsorship, SponsorshipEvent

S = Sponsorship.Status


class ChangeRefused(Exception):
    """The change cannot be made in the sponsorship's state; nothing changed."""


def sponsorship_amount_change(*, sponsorship_id: int, amount: Decimal) -> Sponsorship:
    """Give `amount` a month from the next collection on. Idempotent for the same amount.

    Raises ChangeRefused (not active, or an amount out of bounds) and ProviderUnavailable
    (then the amount here is unchanged and the donor may try again).
    """
    if not settings.DONATION_MIN <= amount <= settings.DONATION_MAX:
        raise ChangeRefused("amount out of bounds")
    with transaction.atomic():
        # Held across the provider's answer: two changes at once would otherwise leave the
        # provider charging one amount while this row says the other.
        sponsorship = Sponsorship.objects.select_for_update().get(pk=sponsorship_id)
        if sponsorship.status != S.ACTIVE or not sponsorship.provider_subscription_id:
            raise ChangeRefused(sponsorship.status)
        if sponsorship.amount == amount:
            return sponsorship
        change = AmountChange.objects.create(
            sponsorship=sponsorship, old_amount=sponsorship.amount, new_amount=amount
        )
        get_provider(sponsorship.provider).subscription_update_amount(
            sponsorship, amount, change_id=str(change.pk)
        )
        change.applied_at = timezone.now()
        change.save(update_fields=["applied_at"])
        sponsorship.pledge_change(amount)
    return sponsorship


def sponsorship_stop(*, sponsorship_id: int):
    """The donor stops it from their page: the cancel link's own service."""
    return sponsorship_cancel(
        sponsorship_id=sponsorship_id,
        reason=Sponsorship.CancelReason.DONOR,
        source=SponsorshipEvent.Source.DONOR,
    )


def sponsorship_payment_method_url(*, sponsorship: Sponsorship, return_url: str) -> str:
    """Where the donor goes to pay from another card or account.

    Stripe: its Billing Portal, on the payment-method step. Mollie (and the demo): a mandate
    only comes from a new first payment, so the donor starts the same sponsorship again
    (the restart link of the suspension email); this one is stopped first, so that the two
    never both collect. Raises ChangeRefused for a stopped sponsorship, and
    ProviderUnavailable.
    """
    if sponsorship.status not in (S.ACTIVE, S.SUSPENDED):
        raise ChangeRefused(sponsorship.status)
    url = get_provider(sponsorship.provider).payment_method_update_url(
        sponsorship, return_url=return_url
    )
    if url is not None:
        return url
    sponsorship_stop(sponsorship_id=sponsorship.pk)
    return sponsorship_restart_url(sponsorship)
