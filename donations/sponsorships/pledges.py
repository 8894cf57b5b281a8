"""A sponsorship's monthly amount: the one place it changes, with its history and the sponsor's
confirmation email."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from donations.models import PledgeChange, Sponsorship, SponsorshipEvent, SponsorshipMail
from donations.tasks import send_sponsorship_mail


def sponsorship_pledge_change(
    *, sponsorship: Sponsorship, amount: Decimal, on: date | None = None
) -> PledgeChange | None:
    """The sponsor now gives `amount` a month, from the day `on` (today) on; the provider
    already charges it. The history keeps the old amount for the months before, the audit
    trail records the change, and the sponsor gets an email confirming it.

    Call it inside the transaction that holds the sponsorship's row lock (a second change at
    the same moment would otherwise record an old amount that was no longer true). Returns
    None when the amount is already `amount`.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sponsorship_pledge_change needs the sponsorship's row lock.")
    old = sponsorship.amount
    if old == amount:
        return None
    sponsorship.amount = amount
    sponsorship.save(update_fields=["amount", "updated_at"])
    event = SponsorshipEvent.objects.create(
        sponsorship=sponsorship,
        from_status=sponsorship.status,
        to_status=sponsorship.status,
        source=SponsorshipEvent.Source.DONOR,
        note=f"amount {old} → {amount}",
    )
    change = PledgeChange.objects.create(
        sponsorship=sponsorship,
        old_amount=old,
        new_amount=amount,
        applies_from=on or timezone.localdate(),
        source=PledgeChange.Source.DONOR,
        event=event,
    )
    mail = SponsorshipMail.objects.create(
        sponsorship=sponsorship, kind=SponsorshipMail.Kind.AMOUNT, transition=event
    )
    transaction.on_commit(lambda: send_sponsorship_mail.enqueue(mail.pk))
    return change
