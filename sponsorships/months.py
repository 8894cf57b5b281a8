"""Each month's payment: found from the provider's word, recorded once, failures counted."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ledger.models import FINAL_STATUSES, Donation
from payments.models import PaymentEvent
from payments.providers import get_provider
from payments.providers.base import RecurringPayment
from payments.services import payment_apply_status
from sponsorships.failures import FAILED_MONTHS_BEFORE_SUSPENSION, MANDATE_ENDING_CODES
from sponsorships.models import Sponsorship, SponsorshipEvent, SponsorshipMail
from sponsorships.status import subscription_apply_status

logger = logging.getLogger(__name__)
S = Sponsorship.Status


@dataclass
class MonthOutcome:
    known: bool = False
    changes: list[str] = field(default_factory=list)


def is_instalment(donation: Donation) -> bool:
    """A later month of a sponsorship (not its first payment, which is a checkout's)."""
    return (
        donation.sponsorship_id is not None
        and not Sponsorship.objects.filter(first_donation=donation).exists()
    )


def _sponsorship_of(provider_name: str, payment: RecurringPayment) -> Sponsorship | None:
    match = Q()
    if payment.subscription_id:
        match |= Q(provider_subscription_id=payment.subscription_id)
    if payment.sponsorship_public_id:
        match |= Q(public_id__in=_uuids([payment.sponsorship_public_id]))
    if not match:
        return None
    return Sponsorship.objects.filter(match, provider=provider_name).first()


def _uuids(values: list[str]) -> list[str]:
    found = []
    for value in values:
        try:
            found.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return found


def _month_donation(sponsorship: Sponsorship, payment: RecurringPayment) -> Donation:
    """The month's Donation, created on first sight; unique per provider payment id."""
    existing = Donation.objects.filter(
        provider=sponsorship.provider, provider_payment_id=payment.payment_id
    ).first()
    if existing is not None:
        return existing
    first = sponsorship.first_donation
    try:
        with transaction.atomic():
            return Donation.objects.create(
                amount=payment.amount or sponsorship.amount,
                prisoner=sponsorship.prisoner,
                purpose=sponsorship.purpose,
                frequency=Donation.Frequency.MONTHLY,
                # Later months are debited (SEPA) or charged to the saved card.
                method=(
                    sponsorship.method
                    if sponsorship.method in (Donation.Method.CARD, Donation.Method.SEPA_DEBIT)
                    else Donation.Method.OTHER_ONLINE
                ),
                provider=sponsorship.provider,
                provider_payment_id=payment.payment_id,
                donor=sponsorship.donor,
                sponsorship=sponsorship,
                donor_name=first.donor_name if first else "",
                donor_email=first.donor_email if first else sponsorship.donor.email,
                is_anonymous=first.is_anonymous if first else True,
                language=sponsorship.language,
                created_at=payment.created_at or timezone.now(),
            )
    except IntegrityError:
        # The same month delivered concurrently: the first delivery created it.
        return Donation.objects.get(
            provider=sponsorship.provider, provider_payment_id=payment.payment_id
        )


def sponsorship_month_record(
    *,
    provider_name: str,
    payment_id: str,
    source: str,
    event: PaymentEvent | None = None,
    reported_at: datetime | None = None,
    payment: RecurringPayment | None = None,
) -> MonthOutcome:
    """Record a subscription's payment as its month's Donation, then apply its state.

    The webhook (for ids no Donation has yet, and for known months), and sync_subscriptions
    call this. Raises ProviderUnavailable; LookupError when the provider does not know it.
    """
    provider = get_provider(provider_name)
    payment = payment or provider.fetch_recurring_payment(payment_id)
    sponsorship = _sponsorship_of(provider_name, payment)
    if sponsorship is None:
        return MonthOutcome(known=False)
    if payment.is_first:
        # Already in the books through its checkout (the sponsorship's first Donation).
        return _first_month_settled(sponsorship, payment, source, event, reported_at)
    donation = _month_donation(sponsorship, payment)
    report = provider.fetch_status(payment.payment_id)
    applied = payment_apply_status(
        provider=provider_name, report=report, source=source, event=event, reported_at=reported_at
    )
    outcome = MonthOutcome(known=True)
    if applied:
        outcome.changes += [f"donation {donation.pk}: {c}" for c in applied.changes]
    if payment.failed:
        outcome.changes += _record_failure(sponsorship, donation, payment, source, event)
    return outcome


def _first_month_settled(
    sponsorship: Sponsorship,
    payment: RecurringPayment,
    source: str,
    event: PaymentEvent | None,
    reported_at: datetime | None,
) -> MonthOutcome:
    """The first payment's own report, when the provider speaks of it as a month.

    A delayed method (SEPA Direct Debit through Stripe) completes its checkout unpaid and
    settles days later, with the first invoice's invoice.paid or invoice.payment_failed:
    the checkout is re-read then, so the first month counts once it is paid, not before.
    """
    outcome = MonthOutcome(known=True)
    first = sponsorship.first_donation
    if first is None or not first.provider_payment_id:
        return outcome
    if first.status not in FINAL_STATUSES:
        report = get_provider(sponsorship.provider).fetch_status(first.provider_payment_id)
        applied = payment_apply_status(
            provider=sponsorship.provider,
            report=report,
            source=source,
            event=event,
            reported_at=reported_at,
        )
        if applied:
            outcome.changes += [f"donation {first.pk}: {c}" for c in applied.changes]
            first.refresh_from_db()
    if first.status == Donation.Status.FAILED and payment.failed:
        # Whichever came first, invoice.payment_failed or async_payment_failed.
        outcome.changes += _first_payment_failed(sponsorship, first, payment)
    return outcome


def _first_payment_failed(
    sponsorship: Sponsorship, first: Donation, payment: RecurringPayment
) -> list[str]:
    """A first debit that bounced days after the donor left our page (SEPA Direct Debit):
    tell them once that the sponsorship has not started, with a way to try again. A card or
    iDEAL payment fails while the donor is still there, and the page says so."""
    if first.method != Donation.Method.SEPA_DEBIT:
        return []
    with transaction.atomic():
        locked = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
        if locked.status != S.PENDING:
            return []
        try:
            with transaction.atomic():
                # Unique per payment: a repeated report is mailed once.
                SponsorshipMail.objects.create(
                    sponsorship=locked, kind=SponsorshipMail.Kind.FAILURE, donation=first
                )
        except IntegrityError:
            return []
        # Shown to the treasurer as why it never started; not a failed month of a running one.
        locked.last_failure_at = timezone.now()
        locked.last_failure_code = payment.failure_code[:40]
        locked.last_failure_reason = payment.failure_reason[:255]
        locked.save()
    return [f"first payment {first.pk} failed ({payment.failure_code or 'no reason given'})"]


def _record_failure(
    sponsorship: Sponsorship,
    donation: Donation,
    payment: RecurringPayment,
    source: str,
    event: PaymentEvent | None,
) -> list[str]:
    """Count a failed month once, tell the donor, and suspend when it cannot go on."""
    with transaction.atomic():
        locked = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
        try:
            with transaction.atomic():
                # Unique per month: a repeated failure report is neither counted nor mailed.
                SponsorshipMail.objects.create(
                    sponsorship=locked, kind=SponsorshipMail.Kind.FAILURE, donation=donation
                )
        except IntegrityError:
            return []
        locked.failure_count += 1
        locked.last_failure_at = timezone.now()
        locked.last_failure_code = payment.failure_code[:40]
        locked.last_failure_reason = payment.failure_reason[:255]
        locked.save()
    changes = [f"failed month {donation.pk} ({payment.failure_code or 'no reason given'})"]
    provider = get_provider(sponsorship.provider)
    ends_mandate = payment.failure_code in MANDATE_ENDING_CODES
    too_many = locked.failure_count >= FAILED_MONTHS_BEFORE_SUSPENSION
    if provider.retries_failed_months or not (ends_mandate or too_many):
        return changes
    if locked.status == S.ACTIVE and locked.provider_subscription_id:
        # No more debits on a dead mandate; the donor restarts with a new first payment.
        provider.cancel_subscription(locked)
    transition = subscription_apply_status(
        sponsorship_id=sponsorship.pk,
        status=S.SUSPENDED,
        source=source if ends_mandate else SponsorshipEvent.Source.FAILURES,
        note=f"{payment.failure_code}: {locked.failure_count} failed month(s)",
        event=event,
    )
    if transition.applied:
        changes.append("suspended")
    return changes


def sponsorship_month_paid(*, donation_id: int) -> None:
    """A month was paid: reset the failure count, and queue the monthly receipt (if sent)."""
    donation = Donation.objects.select_related("sponsorship__donor").get(pk=donation_id)
    Sponsorship.objects.filter(pk=donation.sponsorship_id).update(failure_count=0)
    # The foundation may send none at all; a donor may ask for none on their own page.
    if not settings.SPONSORSHIP_MONTHLY_RECEIPTS:
        return
    if not donation.sponsorship.donor.wants_monthly_receipts:
        return
    try:
        with transaction.atomic():
            SponsorshipMail.objects.create(
                sponsorship_id=donation.sponsorship_id,
                kind=SponsorshipMail.Kind.RECEIPT,
                donation=donation,
            )
    except IntegrityError:
        return
