"""Applying what a payment provider says to the ledger.

`payment_apply_status` is the one function that changes a donation's payment state. The
webhooks, the donor's return page, the demo checkout and `sync_payments` all go through it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.http.request import RawPostDataException
from django.utils import timezone

from donations.models import STATUS_RANK, Donation, PaymentEvent, Refund, StatusChange
from donations.providers import get_provider
from donations.providers.base import PaymentReport, ProviderUnavailable, WebhookRejected
from donations.tasks import send_receipt

logger = logging.getLogger(__name__)
MAX_STORED_BODY = 64 * 1024


@dataclass
class Applied:
    donation: Donation
    changes: list[str] = field(default_factory=list)


def payment_apply_status(
    *,
    provider: str,
    report: PaymentReport,
    source: str,
    event: PaymentEvent | None = None,
) -> Applied | None:
    """Apply a provider's report to its donation; idempotent and safe to run concurrently.

    Returns None when no donation has this payment id.
    """
    with transaction.atomic():
        # The row lock serialises the webhook, the return page and sync_payments, which
        # otherwise race to mark the same payment paid (and to send two receipts).
        donation = (
            Donation.objects.select_for_update()
            .filter(provider=provider, provider_payment_id=report.payment_id)
            .first()
        )
        if donation is None:
            return None
        applied = Applied(donation=donation)
        old = donation.status

        if STATUS_RANK[report.status] > STATUS_RANK[old]:
            donation.status = report.status
            note = ""
            if report.status == Donation.Status.PAID:
                note = _record_payment(donation, report)
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
            applied.changes += _record_refunds(donation, report)

        donation.save()
        if old != Donation.Status.PAID and donation.status == Donation.Status.PAID:
            transaction.on_commit(lambda: send_receipt.enqueue(donation.pk))
    return applied


def _record_payment(donation: Donation, report: PaymentReport) -> str:
    donation.paid_at = timezone.now()
    donation.received_on = timezone.localdate()
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


def _record_refunds(donation: Donation, report: PaymentReport) -> list[str]:
    """One row per refund or chargeback id, and one more when a chargeback is reversed."""
    rows = []
    for refund in report.refunds:
        kind = Refund.Kind.CHARGEBACK if refund.is_chargeback else Refund.Kind.REFUND
        rows.append((refund.refund_id, kind, refund.amount))
        if refund.reversed:
            rows.append(
                (f"{refund.refund_id}:reversed", Refund.Kind.CHARGEBACK_REVERSED, refund.amount)
            )
    changes = []
    for refund_id, kind, amount in rows:
        _row, created = Refund.objects.get_or_create(
            provider=donation.provider,
            provider_refund_id=refund_id,
            defaults={"donation": donation, "amount": amount, "kind": kind},
        )
        if created:
            changes.append(f"{kind} {refund_id} {amount}")
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


def payment_webhook(*, provider_name: str, request: HttpRequest) -> int:
    """Store a webhook, then fetch and apply what it points at. Returns the HTTP status."""
    provider = get_provider(provider_name)
    event = PaymentEvent.objects.create(provider=provider_name, payload=_raw_body(request))
    try:
        notice = provider.parse_webhook(request)
    except WebhookRejected as exc:
        _finish(event, PaymentEvent.Outcome.REJECTED, str(exc))
        return 400
    event.event_id, event.event_type = notice.event_id, notice.event_type
    if notice.ignored:
        _finish(event, PaymentEvent.Outcome.IGNORED, "")
        return 200
    if (
        notice.event_id
        and PaymentEvent.objects.filter(
            provider=provider_name,
            event_id=notice.event_id,
            outcome__in=[PaymentEvent.Outcome.APPLIED, PaymentEvent.Outcome.UNCHANGED],
        ).exists()
    ):
        _finish(event, PaymentEvent.Outcome.DUPLICATE, "already processed")
        return 200

    changes: list[str] = []
    known = False
    for reference in notice.references:
        donation = _find(provider_name, reference)
        if donation is None:
            continue
        known = True
        try:
            report = provider.fetch_status(donation.provider_payment_id)
        except ProviderUnavailable as exc:
            # 5xx makes the provider retry later; sync_payments is the net under that.
            _finish(event, PaymentEvent.Outcome.FAILED, str(exc))
            return 503
        except LookupError:
            continue
        applied = payment_apply_status(
            provider=provider_name, report=report, source=StatusChange.Source.WEBHOOK, event=event
        )
        if applied:
            changes += [f"donation {donation.pk}: {c}" for c in applied.changes]

    if not known:
        # 200, so the provider stops retrying an id that is not ours.
        _finish(event, PaymentEvent.Outcome.UNKNOWN, ", ".join(notice.references))
    elif changes:
        _finish(event, PaymentEvent.Outcome.APPLIED, "\n".join(changes))
    else:
        _finish(event, PaymentEvent.Outcome.UNCHANGED, "")
    return 200


def _raw_body(request: HttpRequest) -> str:
    try:
        raw = request.body
    except RawPostDataException:
        # The form was already parsed (the demo checkout); store its fields instead.
        raw = request.POST.urlencode().encode()
    return raw[:MAX_STORED_BODY].decode("utf-8", errors="replace")


def _finish(event: PaymentEvent, outcome: str, detail: str) -> None:
    event.outcome = outcome
    event.detail = detail
    event.save(update_fields=["event_id", "event_type", "outcome", "detail"])
