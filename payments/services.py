"""Applying what a payment provider says to the ledger.

`payment_apply_status` is the one function that changes a donation's payment state. The
webhooks, the donor's return page, the demo checkout and `sync_payments` all go through it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ledger.models import STATUS_RANK, Donation, Refund
from payments.models import PaymentEvent, StatusChange
from payments.providers import get_provider
from payments.providers.base import (
    PaymentReport,
    ProviderUnavailable,
    RefundReport,
    WebhookNotice,
    WebhookRejected,
)
from payments.signals import payment_claimed, payment_paid, subscription_notice

logger = logging.getLogger(__name__)
MAX_STORED_BODY = 64 * 1024
# What an unverified request may leave behind: a short note, never its body.
MAX_NOTE_BYTES = 512
# The foundation keeps its books in Dutch time: a payment at 00:30 on 1 January in
# Amsterdam is received in the new year, whatever the server's clock or zone says.
BOOKS_TIMEZONE = ZoneInfo("Europe/Amsterdam")


@dataclass
class Applied:
    donation: Donation
    changes: list[str] = field(default_factory=list)


def _donation_for_update(provider: str, payment_id: str) -> Donation | None:
    # The row lock serialises the webhook, the return page and sync_payments, which
    # otherwise race to mark the same payment paid (and to send two receipts).
    # A function of its own so that tests/donations/test_concurrency.py can take the lock
    # away and show that the race then happens.
    return (
        Donation.objects.select_for_update()
        .filter(provider=provider, provider_payment_id=payment_id)
        .first()
    )


def payment_apply_status(
    *,
    provider: str,
    report: PaymentReport,
    source: str,
    event: PaymentEvent | None = None,
    reported_at: datetime | None = None,
) -> Applied | None:
    """Apply a provider's report to its donation; idempotent and safe to run concurrently.

    Dates come from the report (the provider's). `reported_at` (the provider's event time,
    else now) only dates what the provider gives no date for.
    Returns None when no donation has this payment id.
    """
    reported_at = reported_at or timezone.now()
    with transaction.atomic():
        donation = _donation_for_update(provider, report.payment_id)
        if donation is None:
            return None
        applied = Applied(donation=donation)
        old = donation.status

        if STATUS_RANK[report.status] > STATUS_RANK[old]:
            donation.status = report.status
            note = ""
            if report.status == Donation.Status.PAID:
                note = _record_payment(donation, report, reported_at)
            StatusChange.objects.create(
                donation=donation,
                from_status=old,
                to_status=report.status,
                source=source,
                event=event,
                note=note,
            )
            applied.changes.append(f"{old} → {report.status}" + (f" ({note})" if note else ""))

        if report.intent_id and not donation.provider_intent_id:
            donation.provider_intent_id = report.intent_id
        if donation.status == Donation.Status.PAID:
            if report.fee is not None and donation.fee != report.fee:
                donation.fee = report.fee
                applied.changes.append(f"fee {report.fee}")
            applied.changes += _record_refunds(donation, report, reported_at)

        donation.save()
        if old != Donation.Status.PAID and donation.status == Donation.Status.PAID:
            # After commit and once: the receipt; a sponsorship's first payment creates its
            # subscription, a later month may send a monthly receipt.
            transaction.on_commit(lambda: payment_paid.send(sender=None, donation=donation))
    return applied


def _record_payment(donation: Donation, report: PaymentReport, reported_at: datetime) -> str:
    donation.paid_at = report.paid_at or reported_at
    donation.received_on = donation.paid_at.astimezone(BOOKS_TIMEZONE).date()
    donation.amount_paid = report.amount_paid if report.amount_paid is not None else donation.amount
    donation.fee = report.fee
    wrong_currency = report.currency not in (None, "EUR")
    if donation.amount_paid != donation.amount or wrong_currency:
        # Never silently accepted: the money is counted as it arrived, and flagged.
        donation.amount_mismatch = True
        logger.warning(
            "Donation %s: paid %s %s, expected %s EUR",
            donation.pk,
            donation.amount_paid,
            report.currency,
            donation.amount,
        )
        return f"paid {donation.amount_paid} {report.currency or 'EUR'}, expected {donation.amount}"
    return ""


def _refund_rows(refund: RefundReport, reported_at: datetime) -> list[tuple]:
    kind = Refund.Kind.CHARGEBACK if refund.is_chargeback else Refund.Kind.REFUND
    rows = [(refund.refund_id, kind, refund.amount, refund.created_at or reported_at)]
    if refund.reversed:
        rows.append(
            (
                f"{refund.refund_id}:reversed",
                Refund.Kind.CHARGEBACK_REVERSED,
                refund.amount,
                refund.reversed_at or reported_at,
            )
        )
    return rows


def _record_refunds(donation: Donation, report: PaymentReport, reported_at: datetime) -> list[str]:
    """One row per refund or chargeback id, and one more when a chargeback is reversed.

    Each row is dated when the provider says it happened, so the reports count it there.
    """
    changes = []
    for refund in report.refunds:
        for refund_id, kind, amount, happened_at in _refund_rows(refund, reported_at):
            _row, created = Refund.objects.get_or_create(
                provider=donation.provider,
                provider_refund_id=refund_id,
                defaults={
                    "donation": donation,
                    "amount": amount,
                    "kind": kind,
                    "created_at": happened_at,
                },
            )
            if created:
                day = happened_at.astimezone(BOOKS_TIMEZONE).date()
                changes.append(f"{kind} {refund_id} {amount} on {day}")
    return changes


def payment_refresh(*, donation: Donation, source: str) -> Applied | None:
    """Ask the donation's provider for the current state and apply it.

    Raises ProviderUnavailable or LookupError from the provider.
    """
    report = get_provider(donation.provider).fetch_status(donation.provider_payment_id)
    return payment_apply_status(provider=donation.provider, report=report, source=source)


def _find(provider: str, reference: str) -> Donation | None:
    return (
        Donation.objects.filter(provider=provider)
        .filter(Q(provider_payment_id=reference) | Q(provider_intent_id=reference))
        .first()
    )


def payment_webhook(
    *,
    provider_name: str,
    body: bytes,
    headers: Mapping[str, str],
    form: Mapping[str, str],
) -> PaymentEvent:
    """Authenticate a webhook, record it, then fetch and apply what it points at.

    Returns the recorded event; its `outcome` tells the caller how to answer (`REJECTED`:
    the request was bad; `FAILED`: the provider could not be reached, ask for a retry).
    Only an authenticated body, or one that names a payment of ours, is stored: a forged
    request leaves a short note and nothing else.
    """
    provider = get_provider(provider_name)
    try:
        notice = provider.parse_webhook(body=body, headers=headers, form=form)
    except WebhookRejected as exc:
        return PaymentEvent.objects.create(
            provider=provider_name,
            payload="",
            outcome=PaymentEvent.Outcome.REJECTED,
            detail=_short(str(exc)),
        )
    event = PaymentEvent.objects.create(
        provider=provider_name,
        event_id=notice.event_id,
        event_type=notice.event_type,
        payload=_stored_body(body, form) if notice.authenticated else "",
    )
    if notice.ignored:
        return _finish(event, PaymentEvent.Outcome.IGNORED, "")
    if notice.event_id and _already_processed(provider_name, notice.event_id):
        return _finish(event, PaymentEvent.Outcome.DUPLICATE, "already processed")
    return _apply_notice(event, provider_name, notice, body, form)


def _already_processed(provider_name: str, event_id: str) -> bool:
    return PaymentEvent.objects.filter(
        provider=provider_name,
        event_id=event_id,
        outcome__in=[PaymentEvent.Outcome.APPLIED, PaymentEvent.Outcome.UNCHANGED],
    ).exists()


def _apply_notice(
    event: PaymentEvent, provider_name: str, notice: WebhookNotice, body: bytes, form: Mapping
) -> PaymentEvent:
    provider = get_provider(provider_name)
    changes: list[str] = []
    known = False
    # Unknown ids (a new month of a subscription, a subscription's change) and known months
    # of a sponsorship go to sponsorships, which finds or creates their Donation.
    sponsorship_references: list[str] = []
    for reference in notice.references:
        donation = _find(provider_name, reference)
        if donation is None or _claimed(donation):
            sponsorship_references.append(donation.provider_payment_id if donation else reference)
            continue
        if not known and not event.payload:
            # The id is one of ours, so the request is worth keeping for the audit trail.
            event.payload = _stored_body(body, form)
        known = True
        try:
            report = provider.fetch_status(donation.provider_payment_id)
        except ProviderUnavailable as exc:
            # 5xx makes the provider retry later; sync_payments is the net under that.
            return _finish(event, PaymentEvent.Outcome.FAILED, _short(str(exc)))
        except LookupError:
            continue
        applied = payment_apply_status(
            provider=provider_name,
            report=report,
            source=StatusChange.Source.WEBHOOK,
            event=event,
            reported_at=notice.occurred_at,
        )
        if applied:
            changes += [f"donation {donation.pk}: {c}" for c in applied.changes]

    if sponsorship_references:
        try:
            outcomes = [
                outcome
                for _receiver, outcome in subscription_notice.send(
                    sender=None,
                    provider_name=provider_name,
                    references=sponsorship_references,
                    event=event,
                    reported_at=notice.occurred_at,
                )
            ]
        except ProviderUnavailable as exc:
            return _finish(event, PaymentEvent.Outcome.FAILED, _short(str(exc)))
        for outcome in outcomes:
            if outcome.known and not known and not event.payload:
                event.payload = _stored_body(body, form)
            known |= outcome.known
            changes += outcome.changes

    if not known:
        # Answered 200, so the provider stops retrying an id that is not ours.
        return _finish(event, PaymentEvent.Outcome.UNKNOWN, _short(", ".join(notice.references)))
    if changes:
        return _finish(event, PaymentEvent.Outcome.APPLIED, "\n".join(changes))
    return _finish(event, PaymentEvent.Outcome.UNCHANGED, "")


def _claimed(donation: Donation) -> bool:
    """Whether an app above applies this gift's payments itself (payments.signals)."""
    return any(claimed for _receiver, claimed in payment_claimed.send(None, donation=donation))


def _stored_body(body: bytes, form: Mapping[str, str]) -> str:
    # An already parsed form (the demo checkout) comes without its raw body.
    raw = body or urlencode(form).encode()
    return raw[:MAX_STORED_BODY].decode("utf-8", errors="replace")


def _short(text: str) -> str:
    return text.encode()[:MAX_NOTE_BYTES].decode("utf-8", errors="ignore")


def _finish(event: PaymentEvent, outcome: str, detail: str) -> PaymentEvent:
    event.outcome = outcome
    event.detail = detail
    event.save(update_fields=["payload", "outcome", "detail"])
    return event
