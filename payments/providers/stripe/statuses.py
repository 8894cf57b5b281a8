"""Stripe's words for a payment or a subscription, in the ledger's words."""

from __future__ import annotations

from ledger.models import Donation
from payments.models import SubscriptionStatus
from payments.providers.base import ProviderUnavailable, SubscriptionReport
from payments.providers.stripe.objects import moment, nested, object_id

FAILED_INTENT = {"requires_payment_method", "canceled"}
# Stripe's subscription statuses in our words. past_due: a month failed and Stripe is
# retrying; unpaid: it has stopped retrying without cancelling (see GAVE_UP). Either may
# still become active again.
SUBSCRIPTION_STATUSES = {
    "incomplete": SubscriptionStatus.PENDING,
    "incomplete_expired": SubscriptionStatus.CANCELLED,
    "trialing": SubscriptionStatus.ACTIVE,
    "active": SubscriptionStatus.ACTIVE,
    "past_due": SubscriptionStatus.SUSPENDED,
    "unpaid": SubscriptionStatus.SUSPENDED,
    "paused": SubscriptionStatus.SUSPENDED,
    "canceled": SubscriptionStatus.CANCELLED,
}
# An invoice in the ledger's words. An open invoice whose collection failed stays pending:
# Stripe retries it, and a failed Donation could never become paid (FAILED is final).
INVOICE_STATUSES = {
    "draft": Donation.Status.OPEN,
    "paid": Donation.Status.PAID,
    "uncollectible": Donation.Status.FAILED,
    "void": Donation.Status.CANCELED,
}


def session_status(session, intent, invoice=None) -> str:
    """A Checkout Session's payment: open, expired, paid, failed, or pending (on its way).

    `invoice` is a subscription's first invoice. A delayed method (SEPA Direct Debit)
    completes the session `unpaid`; the month is paid once its invoice is, whichever of
    invoice.paid and checkout.session.async_payment_succeeded comes first.
    """
    if session.status == "expired":
        return Donation.Status.EXPIRED
    if session.status == "open":
        return Donation.Status.OPEN
    if session.payment_status == "paid" or nested(invoice, "status") == "paid":
        return Donation.Status.PAID
    if intent is not None and intent.status in FAILED_INTENT:
        return Donation.Status.FAILED
    return Donation.Status.PENDING


def invoice_status(invoice) -> str:
    """A month's invoice: paid, failed for good, voided, or not yet (pending once tried)."""
    status = INVOICE_STATUSES.get(invoice.status)
    if status is None:
        # open: not yet collected, or failed and being retried by Stripe.
        status = Donation.Status.PENDING if invoice.attempted else Donation.Status.OPEN
    return status


def gave_up(subscription) -> bool:
    """Stripe spent its retries of a failed month and stopped: the account's settings then
    leave the subscription `unpaid`, or cancel it with the reason `payment_failed`."""
    if subscription.status == "unpaid":
        return True
    reason = nested(subscription, "cancellation_details", "reason")
    return subscription.status == "canceled" and reason == "payment_failed"


def subscription_report(subscription) -> SubscriptionReport:
    status = SUBSCRIPTION_STATUSES.get(subscription.status)
    if status is None:
        raise ProviderUnavailable(f"Stripe: unknown subscription status {subscription.status!r}")
    return SubscriptionReport(
        subscription_id=subscription.id,
        status=status,
        customer_id=object_id(subscription.customer) or "",
        cancelled_at=moment(nested(subscription, "canceled_at"))
        if status == SubscriptionStatus.CANCELLED
        else None,
        gave_up=gave_up(subscription),
    )
