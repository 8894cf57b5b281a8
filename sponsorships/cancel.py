"""Stopping a sponsorship: the donor's link and the treasurer's admin action share this."""

from __future__ import annotations

from payments.providers import get_provider
from sponsorships.models import Sponsorship
from sponsorships.status import Transition, subscription_apply_status


def sponsorship_cancel(*, sponsorship_id: int, reason: str, source: str) -> Transition:
    """Cancel at the provider, then here. Idempotent: a second call changes nothing.

    Raises ProviderUnavailable; then nothing changed here and the donor may try again.
    """
    sponsorship = Sponsorship.objects.get(pk=sponsorship_id)
    if sponsorship.status == Sponsorship.Status.CANCELLED:
        return Transition(sponsorship, sponsorship.status, sponsorship.status, applied=False)
    cancelled_at = None
    if sponsorship.provider_subscription_id:
        # First at the provider: a local "cancelled" while the provider still charges would
        # be the worst outcome. A pending one has no subscription yet; activation checks.
        report = get_provider(sponsorship.provider).cancel_subscription(sponsorship)
        cancelled_at = report.cancelled_at
    return subscription_apply_status(
        sponsorship_id=sponsorship_id,
        status=Sponsorship.Status.CANCELLED,
        source=source,
        cancel_reason=reason,
        at=cancelled_at,
    )
