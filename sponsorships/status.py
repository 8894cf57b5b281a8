"""The one function that changes a sponsorship's status, and the table it obeys."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from payments.models import PaymentEvent
from payments.providers import get_provider
from sponsorships.models import Sponsorship, SponsorshipEvent, SponsorshipMail

logger = logging.getLogger(__name__)
S = Sponsorship.Status

# Which status may follow which. Anything else is refused and changes nothing, so a late or
# out-of-order report can never revive a cancelled sponsorship.
# - PENDING → ACTIVE: the first payment is paid and the subscription exists.
# - ACTIVE → SUSPENDED: Mollie suspends when the mandate becomes invalid; Stripe's past_due;
#   or two failed months here.
# - SUSPENDED → ACTIVE: Stripe's retries succeeded (past_due → active), or a valid mandate.
# - any → CANCELLED: by the donor's link, a treasurer, or the provider; final.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.ACTIVE, S.CANCELLED}),
    S.ACTIVE: frozenset({S.SUSPENDED, S.CANCELLED}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.CANCELLED}),
    S.CANCELLED: frozenset(),
}
# The email a transition into a status causes (sent once per transition, after commit).
_MAIL_ON_ENTERING = {
    S.SUSPENDED: SponsorshipMail.Kind.SUSPENDED,
    S.CANCELLED: SponsorshipMail.Kind.CANCELLED,
}


@dataclass
class Transition:
    sponsorship: Sponsorship
    from_status: str
    to_status: str
    applied: bool


def _sponsorship_for_update(sponsorship_id: int) -> Sponsorship:
    # The row lock serialises the webhook, the donor's cancel link, the admin action and
    # sync_subscriptions, which otherwise race (a cancel undone by a late "active").
    return Sponsorship.objects.select_for_update().get(pk=sponsorship_id)


def subscription_apply_status(
    *,
    sponsorship_id: int,
    status: str,
    source: str,
    note: str = "",
    event: PaymentEvent | None = None,
    cancel_reason: str = "",
    at: datetime | None = None,
    gave_up: bool = False,
) -> Transition:
    """Move a sponsorship to `status` if the table allows it; idempotent and locked.

    Writes one SponsorshipEvent per applied change. `at` (the provider's date, else now)
    dates a cancellation. A refused or repeated change returns `applied=False`.
    `gave_up` says the provider stopped collecting after failed payments (Stripe's
    `unpaid`, or `canceled` for failed payments): the donor then gets the suspension email,
    once per suspension, even when the status itself does not change.
    """
    with transaction.atomic():
        sponsorship = _sponsorship_for_update(sponsorship_id)
        old = sponsorship.status
        if status == old or status not in ALLOWED_TRANSITIONS[old]:
            if status != old:
                logger.info("Sponsorship %s: %s → %s refused", sponsorship.pk, old, status)
            elif gave_up and old == S.SUSPENDED:
                # Stripe's past_due suspended it without a word (it was still retrying);
                # now it has stopped: the suspension this email belongs to is that one.
                _mail_gave_up(sponsorship, _suspension_of(sponsorship))
            return Transition(sponsorship, old, status, applied=False)
        sponsorship.status = status
        if status == S.ACTIVE and sponsorship.started_on is None:
            sponsorship.started_on = timezone.localdate(at or timezone.now())
        if status == S.CANCELLED:
            sponsorship.cancelled_at = at or timezone.now()
            sponsorship.cancel_reason = cancel_reason or Sponsorship.CancelReason.PROVIDER
        sponsorship.save()
        change = SponsorshipEvent.objects.create(
            sponsorship=sponsorship,
            from_status=old,
            to_status=status,
            source=source,
            event=event,
            note=note[:255],
        )
        kind = _MAIL_ON_ENTERING.get(status)
        if status == S.SUSPENDED and get_provider(sponsorship.provider).retries_failed_months:
            # Stripe's past_due: it keeps retrying the month, so "no more payments" would be
            # untrue, and a restart link could charge the donor twice. The failure mail went.
            kind = None
        if old == S.PENDING:
            # A checkout that never got paid ends without a word; a first payment welcomes.
            kind = SponsorshipMail.Kind.WELCOME if status == S.ACTIVE else None
        elif gave_up and status in (S.SUSPENDED, S.CANCELLED):
            # Stopped for failed payments, not by anyone's choice: the suspension email, with
            # its restart link, instead of "you stopped". After a silent past_due it belongs
            # to that suspension, so a later cancel for the same failures sends nothing more.
            suspension = _suspension_of(sponsorship) if old == S.SUSPENDED else change
            _mail_gave_up(sponsorship, suspension)
            kind = None
        if kind:
            SponsorshipMail.objects.create(sponsorship=sponsorship, kind=kind, transition=change)
    return Transition(sponsorship, old, status, applied=True)


def _suspension_of(sponsorship: Sponsorship) -> SponsorshipEvent | None:
    """The change that began the sponsorship's current suspension."""
    return sponsorship.events.filter(to_status=S.SUSPENDED).order_by("-created_at", "-id").first()


def _mail_gave_up(sponsorship: Sponsorship, cause: SponsorshipEvent | None) -> None:
    """Queue the suspension email for `cause`, unless it was queued already. Call locked."""
    kind = SponsorshipMail.Kind.SUSPENDED
    if cause is None or SponsorshipMail.objects.filter(kind=kind, transition=cause).exists():
        # Unique per (kind, transition) as well; the row lock makes this check the race-free one.
        return
    SponsorshipMail.objects.create(sponsorship=sponsorship, kind=kind, transition=cause)
