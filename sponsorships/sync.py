"""Reconciliation: what webhooks may have missed, read back from the provider."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Max

from ledger.models import Donation
from payments.providers import get_provider
from sponsorships.activation import sponsorship_activate
from sponsorships.models import Sponsorship, SponsorshipEvent
from sponsorships.months import sponsorship_month_record
from sponsorships.status import subscription_apply_status

S = Sponsorship.Status
SINCE_MARGIN = timedelta(days=1)


def sponsorship_sync(*, sponsorship: Sponsorship) -> list[str]:
    """Activate a paid one, record missed months, and re-read its status. Idempotent.

    Raises ProviderUnavailable, and LookupError when the provider does not know it.
    """
    source = SponsorshipEvent.Source.SYNC
    if sponsorship.status == S.PENDING:
        transition = sponsorship_activate(sponsorship_id=sponsorship.pk, source=source)
        return [f"{transition.from_status} → {transition.to_status}"] if transition else []
    if not sponsorship.provider_subscription_id:
        return []
    provider = get_provider(sponsorship.provider)
    months = sponsorship.donations.exclude(pk=sponsorship.first_donation_id)
    # From the last month recorded (again: it may have changed since), else from the start;
    # a day earlier, since providers date to the second (or the day) and recording twice is
    # harmless.
    last = months.aggregate(last=Max("created_at"))["last"] or sponsorship.created_at
    since = last - SINCE_MARGIN
    references: list[str] = []
    changes: list[str] = []
    for payment in provider.list_subscription_payments(sponsorship, since=since):
        references.append(payment.payment_id)
        outcome = sponsorship_month_record(
            provider_name=sponsorship.provider,
            payment_id=payment.payment_id,
            source=source,
            payment=payment,
        )
        changes += outcome.changes
    # Months still unsettled from before `since` (a debit fails up to 5 working days later).
    unsettled = months.filter(
        status__in=[Donation.Status.OPEN, Donation.Status.PENDING, Donation.Status.NEW],
        created_at__lt=since,
    ).exclude(provider_payment_id__in=references)
    for donation in unsettled:
        changes += sponsorship_month_record(
            provider_name=sponsorship.provider,
            payment_id=donation.provider_payment_id,
            source=source,
        ).changes
    report = provider.fetch_subscription(sponsorship)
    if (
        sponsorship.status == S.SUSPENDED
        and report.status == S.CANCELLED
        and not provider.retries_failed_months
    ):
        # We stopped it at the provider when we suspended it; that is not the donor's stop.
        # (Stripe suspends and ends a subscription itself, so its word is applied.)
        return changes
    transition = subscription_apply_status(
        sponsorship_id=sponsorship.pk,
        status=report.status,
        source=source,
        cancel_reason=Sponsorship.CancelReason.PROVIDER,
        at=report.cancelled_at,
        gave_up=report.gave_up,
    )
    if transition.applied:
        changes.append(f"{transition.from_status} → {transition.to_status}")
    return changes
