"""What a webhook means for sponsorships: a month's payment, or a subscription's change."""

from __future__ import annotations

from datetime import datetime

from payments.models import PaymentEvent
from payments.providers import get_provider
from sponsorships.models import Sponsorship, SponsorshipEvent
from sponsorships.months import MonthOutcome, sponsorship_month_record
from sponsorships.status import subscription_apply_status


def sponsorship_webhook(
    *,
    provider_name: str,
    references: list[str],
    event: PaymentEvent,
    reported_at: datetime | None,
) -> MonthOutcome:
    """Apply the references a webhook named that are not a one-off gift's.

    Each is a subscription of ours (Stripe `customer.subscription.*`), or a payment the
    provider made for a subscription (a new or known month). Anything else stays unknown.
    Raises ProviderUnavailable.
    """
    outcome = MonthOutcome()
    for reference in references:
        sponsorship = Sponsorship.objects.filter(
            provider=provider_name, provider_subscription_id=reference
        ).first()
        if sponsorship is not None:
            outcome.known = True
            outcome.changes += _subscription_changed(sponsorship, event)
            continue
        try:
            month = sponsorship_month_record(
                provider_name=provider_name,
                payment_id=reference,
                source=SponsorshipEvent.Source.WEBHOOK,
                event=event,
                reported_at=reported_at,
            )
        except (LookupError, NotImplementedError):
            # Not the provider's payment, or a provider without monthly giving: unknown.
            continue
        outcome.known |= month.known
        outcome.changes += month.changes
    return outcome


def _subscription_changed(sponsorship: Sponsorship, event: PaymentEvent) -> list[str]:
    # The body only triggers: the provider's current word is fetched and applied.
    report = get_provider(sponsorship.provider).fetch_subscription(sponsorship)
    transition = subscription_apply_status(
        sponsorship_id=sponsorship.pk,
        status=report.status,
        source=SponsorshipEvent.Source.WEBHOOK,
        event=event,
        cancel_reason=Sponsorship.CancelReason.PROVIDER,
        at=report.cancelled_at,
        gave_up=report.gave_up,
    )
    if not transition.applied:
        return []
    return [f"sponsorship {sponsorship.pk}: {transition.from_status} → {transition.to_status}"]
