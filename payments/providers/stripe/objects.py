"""Reading Stripe's objects: ids, dates, nested fields, and the facts of a charge.

Fields come and go between API versions, and `StripeObject` has no `.get`, so every
optional field is read through `nested`. Nothing here moves money or writes the ledger.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from crowdfund.money import from_cents
from payments.providers.base import RefundReport
from payments.providers.stripe import sdk

# Disputes that the foundation won give the money back; the others took it.
DISPUTE_RETURNED = {"won", "warning_closed", "prevented"}
CHARGE_EXPAND = ["latest_charge.balance_transaction", "latest_charge.refunds"]


def object_id(value) -> str | None:
    """The id of an expandable field, whether Stripe sent the id or the object."""
    if value is None or isinstance(value, str):
        return value
    return value["id"]


def created_at(stripe_object) -> datetime | None:
    """Stripe's `created`: Unix seconds, in UTC."""
    return moment(getattr(stripe_object, "created", None))


def moment(seconds) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(int(seconds), tz=UTC)


def nested(stripe_object, *path):
    """A nested field, or None where any step is missing or null."""
    for name in path:
        if stripe_object is None:
            return None
        stripe_object = getattr(stripe_object, name, None)
    return stripe_object


def is_expanded(value) -> bool:
    return value is not None and not isinstance(value, str)


def _reinstated_at(dispute) -> datetime | None:
    """When a won dispute's money came back: the reinstating balance transaction's date.

    A dispute lists the balance transactions that withdrew (negative) and reinstated
    (positive) the funds; without the latter, the caller dates the reversal when reported.
    """
    transactions = getattr(dispute, "balance_transactions", None) or []
    dates = [created_at(t) for t in transactions if is_expanded(t) and t.amount > 0]
    return max((d for d in dates if d is not None), default=None)


def charge_facts(intent, disputes) -> tuple[Decimal | None, datetime | None, list[RefundReport]]:
    """The fee, the moment of charging, and the refunds and disputes of an expanded intent."""
    charge = intent.latest_charge if intent else None
    fee = None
    paid_at = None
    refunds: list[RefundReport] = []
    if is_expanded(charge):
        # The charge is the moment the money was taken, however late the session closed.
        paid_at = created_at(charge)
        if is_expanded(charge.balance_transaction):
            fee = from_cents(charge.balance_transaction.fee)
        if charge.refunds:
            refunds = [
                RefundReport(refund_id=r.id, amount=from_cents(r.amount), created_at=created_at(r))
                for r in charge.refunds.data
                if r.status in ("succeeded", "pending")
            ]
    refunds += [
        RefundReport(
            refund_id=d.id,
            amount=from_cents(d.amount),
            is_chargeback=True,
            created_at=created_at(d),
            reversed=d.status in DISPUTE_RETURNED,
            reversed_at=_reinstated_at(d) if d.status in DISPUTE_RETURNED else None,
        )
        for d in disputes
    ]
    return fee, paid_at, refunds


def subscription_details(invoice) -> tuple[str, object]:
    """Which subscription an invoice bills, and that subscription's metadata.

    Since API version 2025-03-31 under `parent.subscription_details`; older payloads carry
    `subscription` (and `subscription_details.metadata`) at the top.
    """
    details = nested(invoice, "parent", "subscription_details")
    if nested(details, "subscription"):
        return object_id(details.subscription), nested(details, "metadata")
    legacy = object_id(nested(invoice, "subscription")) or ""
    return legacy, nested(invoice, "subscription_details", "metadata")


def invoice_with_intent(client: sdk.StripeClient, invoice_id: str):
    """The invoice, and the payment intent that collects it (charge expanded) or None.

    Since API version 2025-03-31 an invoice names its payments in `payments` (an
    includable list of invoice payments), no longer in `payment_intent`.
    Raises the SDK's errors.
    """
    invoice = client.v1.invoices.retrieve(invoice_id, params={"expand": ["payments"]})
    payments = getattr(invoice, "payments", None)
    intent_ids = [
        object_id(nested(p, "payment", "payment_intent"))
        for p in (payments.data if payments else [])
        if nested(p, "payment", "type") == "payment_intent"
    ]
    intent_id = next((i for i in intent_ids if i), None) or object_id(
        nested(invoice, "payment_intent")
    )
    if intent_id is None:
        return invoice, None
    intent = client.v1.payment_intents.retrieve(intent_id, params={"expand": CHARGE_EXPAND})
    return invoice, intent


def disputes_of(client: sdk.StripeClient, intent) -> list:
    """Every dispute of the intent's charges (none without an intent). Raises SDK errors."""
    if intent is None:
        return []
    return client.v1.disputes.list(params={"payment_intent": intent.id}).data
