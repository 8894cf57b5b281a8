"""After the first payment: the subscription is created (Mollie) or read (Stripe), once."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ledger.models import Donation
from payments.providers import get_provider
from payments.providers.base import ProviderUnavailable
from sponsorships.models import Sponsorship
from sponsorships.status import Transition, subscription_apply_status

logger = logging.getLogger(__name__)
S = Sponsorship.Status


def sponsorship_activate(*, sponsorship_id: int, source: str) -> Transition | None:
    """Create the subscription after a paid first payment, and mark the sponsorship active.

    Claimed once ("update where unclaimed"), so the webhook, the return page and
    sync_subscriptions racing each other ask the provider once; the provider's idempotency
    key guards the rest. A sponsorship cancelled while its first payment was on its way
    gets its subscription stopped instead (for a provider that subscribes at checkout).
    Returns None when there was nothing to do.
    Raises ProviderUnavailable (the claim is then released for the next try).
    """
    provider_name = (
        Sponsorship.objects.filter(pk=sponsorship_id).values_list("provider", flat=True).first()
    )
    if provider_name is None:
        return None
    provider = get_provider(provider_name)
    claimable = Q(status=S.PENDING)
    if provider.subscribes_at_checkout:
        # Cancelled before the first payment settled (a SEPA debit takes days): the
        # provider made the subscription at checkout, so it is read and stopped below.
        claimable |= Q(status=S.CANCELLED, provider_subscription_id__isnull=True)
    claimed = (
        Sponsorship.objects.filter(claimable)
        .filter(
            pk=sponsorship_id,
            activation_claimed_at__isnull=True,
            first_donation__status=Donation.Status.PAID,
        )
        .update(activation_claimed_at=timezone.now())
    )
    if not claimed:
        return None
    sponsorship = Sponsorship.objects.select_related("first_donation").get(pk=sponsorship_id)
    try:
        report = provider.activate_subscription(
            sponsorship, first_payment_id=sponsorship.first_donation.provider_payment_id
        )
    except (ProviderUnavailable, LookupError):
        Sponsorship.objects.filter(pk=sponsorship_id).update(activation_claimed_at=None)
        raise
    with transaction.atomic():
        locked = Sponsorship.objects.select_for_update().get(pk=sponsorship_id)
        locked.provider_subscription_id = report.subscription_id
        locked.provider_customer_id = report.customer_id or locked.provider_customer_id
        locked.provider_mandate_id = report.mandate_id or locked.provider_mandate_id
        if report.method and locked.method == Donation.Method.OTHER_ONLINE:
            # "Other methods" turned out to be a card: its emails speak of the card.
            locked.method = report.method
        locked.save()
    status = S.CANCELLED if report.status == S.CANCELLED else S.ACTIVE
    transition = subscription_apply_status(
        sponsorship_id=sponsorship_id,
        status=status,
        source=source,
        note=f"subscription {report.subscription_id}",
        at=report.cancelled_at,
    )
    if not transition.applied and transition.sponsorship.status == S.CANCELLED:
        # Cancelled (by the donor or a treasurer) while we were creating it: stop it there too.
        provider.cancel_subscription(transition.sponsorship)
    return transition
