"""Stripe Checkout: cards, Apple Pay and Google Pay.

The only module that imports the Stripe SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal

import stripe
from django.conf import settings

from donations.models import Donation, Sponsorship
from donations.money import from_cents, to_cents
from donations.providers.base import (
    Checkout,
    PaymentProvider,
    PaymentReport,
    ProviderUnavailable,
    RecurringCheckout,
    RecurringPayment,
    RefundReport,
    SubscriptionReport,
    WebhookNotice,
    WebhookRejected,
    idempotency_key,
    subscription_idempotency_key,
)

# Which object of each handled event names the payment we must re-fetch.
_REFERENCE_FIELD = {
    "checkout.session.completed": "id",
    "checkout.session.async_payment_succeeded": "id",
    "checkout.session.async_payment_failed": "id",
    "checkout.session.expired": "id",
    "charge.refunded": "payment_intent",
    "charge.dispute.created": "payment_intent",
    # Not asked for, but without them a won dispute would stay counted as lost money.
    "charge.dispute.closed": "payment_intent",
    "charge.dispute.funds_reinstated": "payment_intent",
    # Monthly giving: a month's invoice, or the subscription itself (re-fetched either way).
    "invoice.paid": "id",
    "invoice.payment_failed": "id",
    "customer.subscription.updated": "id",
    "customer.subscription.deleted": "id",
}
_EXPAND = [
    "payment_intent.latest_charge.balance_transaction",
    "payment_intent.latest_charge.refunds",
]
_FAILED_INTENT = {"requires_payment_method", "canceled"}
# Disputes that the foundation won give the money back; the others took it.
_DISPUTE_RETURNED = {"won", "warning_closed", "prevented"}
_CHARGE_EXPAND = ["latest_charge.balance_transaction", "latest_charge.refunds"]
# Stripe's subscription statuses in our words. past_due/unpaid: a month failed and Stripe is
# retrying (or has stopped retrying without cancelling); it may still become active again.
SUBSCRIPTION_STATUSES = {
    "incomplete": Sponsorship.Status.PENDING,
    "incomplete_expired": Sponsorship.Status.CANCELLED,
    "trialing": Sponsorship.Status.ACTIVE,
    "active": Sponsorship.Status.ACTIVE,
    "past_due": Sponsorship.Status.SUSPENDED,
    "unpaid": Sponsorship.Status.SUSPENDED,
    "paused": Sponsorship.Status.SUSPENDED,
    "canceled": Sponsorship.Status.CANCELLED,
}
# An invoice in the ledger's words. An open invoice whose collection failed stays pending:
# Stripe retries it, and a failed Donation could never become paid (FAILED is final).
_INVOICE_STATUSES = {
    "draft": Donation.Status.OPEN,
    "paid": Donation.Status.PAID,
    "uncollectible": Donation.Status.FAILED,
    "void": Donation.Status.CANCELED,
}


def _id(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value["id"]


def _when(stripe_object) -> datetime | None:
    """Stripe's `created`: Unix seconds, in UTC."""
    created = getattr(stripe_object, "created", None)
    return None if created is None else datetime.fromtimestamp(int(created), tz=UTC)


def _field(stripe_object, *path):
    """A nested field, or None where any step is missing or null (fields come and go
    between API versions; StripeObject has no `.get`)."""
    for name in path:
        if stripe_object is None:
            return None
        stripe_object = getattr(stripe_object, name, None)
    return stripe_object


def _moment(seconds) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(int(seconds), tz=UTC)


def _reinstated_at(dispute) -> datetime | None:
    """When a won dispute's money came back: the reinstating balance transaction's date.

    A dispute lists the balance transactions that withdrew (negative) and reinstated
    (positive) the funds; without the latter, the caller dates the reversal when reported.
    """
    transactions = getattr(dispute, "balance_transactions", None) or []
    dates = [_when(t) for t in transactions if not isinstance(t, str) and t.amount > 0]
    return max((d for d in dates if d is not None), default=None)


def _charge_facts(intent, disputes) -> tuple[Decimal | None, datetime | None, list[RefundReport]]:
    """The fee, the moment of charging, and the refunds and disputes of an expanded intent."""
    charge = intent.latest_charge if intent else None
    fee = None
    paid_at = None
    refunds: list[RefundReport] = []
    if charge is not None and not isinstance(charge, str):
        # The charge is the moment the card was charged, however late the session closed.
        paid_at = _when(charge)
        transaction = charge.balance_transaction
        if transaction is not None and not isinstance(transaction, str):
            fee = from_cents(transaction.fee)
        if charge.refunds:
            refunds = [
                RefundReport(refund_id=r.id, amount=from_cents(r.amount), created_at=_when(r))
                for r in charge.refunds.data
                if r.status in ("succeeded", "pending")
            ]
    refunds += [
        RefundReport(
            refund_id=d.id,
            amount=from_cents(d.amount),
            is_chargeback=True,
            created_at=_when(d),
            reversed=d.status in _DISPUTE_RETURNED,
            reversed_at=_reinstated_at(d) if d.status in _DISPUTE_RETURNED else None,
        )
        for d in disputes
    ]
    return fee, paid_at, refunds


class StripeProvider(PaymentProvider):
    name = Donation.Provider.STRIPE
    # Stripe retries a failed month itself (smart retries) and reports past_due meanwhile.
    retries_failed_months = True

    def is_enabled(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def _client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=settings.PAYMENT_API_TIMEOUT),
        )

    def start_checkout(self, donation: Donation, *, return_url: str) -> Checkout:
        # Only the gift's id, amount and language go to Stripe: no name, no email (Checkout
        # asks the donor itself for what a card payment needs), no prisoner, no message.
        reference = str(donation.public_id)
        params = {
            "mode": "payment",
            "submit_type": "donate",
            "allowed_payment_method_types": ["card"],
            "client_reference_id": reference,
            "metadata": {"donation": reference},
            "payment_intent_data": {"metadata": {"donation": reference}},
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": to_cents(donation.amount),
                        # Neutral on purpose: this text shows on the donor's card statement.
                        "product_data": {"name": settings.PAYMENT_DESCRIPTION},
                    },
                }
            ],
            "success_url": f"{return_url}?session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": return_url,
            "locale": donation.language if donation.language in ("es", "nl", "en") else "auto",
        }
        try:
            session = self._client().v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key(donation)}
            )
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"Stripe: {exc}") from exc
        return Checkout(payment_id=session.id, redirect_url=session.url)

    def fetch_status(self, payment_id: str) -> PaymentReport:
        client = self._client()
        if payment_id.startswith("in_"):
            return self._invoice_status(client, payment_id)
        try:
            session = client.v1.checkout.sessions.retrieve(payment_id, params={"expand": _EXPAND})
            intent = session.payment_intent
            if intent is None and session.mode == "subscription" and session.invoice:
                # A subscription's first month: the money is on the session's first invoice.
                intent = self._invoice_intent(client, _id(session.invoice))
            disputes = (
                client.v1.disputes.list(params={"payment_intent": intent.id}).data if intent else []
            )
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                raise LookupError(payment_id) from exc
            raise ProviderUnavailable(f"Stripe: {exc}") from exc
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"Stripe: {exc}") from exc

        if session.status == "expired":
            status = Donation.Status.EXPIRED
        elif session.status == "open":
            status = Donation.Status.OPEN
        elif session.payment_status == "paid":
            status = Donation.Status.PAID
        elif intent is not None and intent.status in _FAILED_INTENT:
            status = Donation.Status.FAILED
        else:
            status = Donation.Status.PENDING

        fee, paid_at, refunds = _charge_facts(intent, disputes)
        paid = status == Donation.Status.PAID
        return PaymentReport(
            payment_id=session.id,
            status=status,
            amount_paid=from_cents(session.amount_total) if paid else None,
            currency=(session.currency or "").upper() or None,
            fee=fee,
            intent_id=_id(intent),
            paid_at=paid_at if paid else None,
            refunds=tuple(refunds),
        )

    def parse_webhook(
        self, *, body: bytes, headers: Mapping[str, str], form: Mapping[str, str]
    ) -> WebhookNotice:
        try:
            event = stripe.Webhook.construct_event(
                body, headers.get("Stripe-Signature"), settings.STRIPE_WEBHOOK_SECRET
            )
        except stripe.SignatureVerificationError as exc:
            raise WebhookRejected(f"Stripe signature: {exc}") from exc
        except (ValueError, AttributeError, TypeError) as exc:
            # Not UTF-8 (checked before the signature), or signed but not a JSON object.
            raise WebhookRejected("Stripe event: not a JSON event object") from exc
        # Signed, so Stripe sent it; still, a body without the expected shape must not 500.
        try:
            event_id, event_type = str(event.id), str(event.type)
            field = _REFERENCE_FIELD.get(event_type)
            if field is None:
                return WebhookNotice(
                    references=(),
                    event_id=event_id,
                    event_type=event_type,
                    ignored=True,
                    authenticated=True,
                )
            subject = event.data.object
            if not isinstance(subject, stripe.StripeObject):
                raise TypeError("data.object is not an object")
            reference = _id(getattr(subject, field, None))
            occurred_at = _when(event)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise WebhookRejected("Stripe event: no id, type or data.object") from exc
        return WebhookNotice(
            references=(reference,) if reference else (),
            event_id=event_id,
            event_type=event_type,
            authenticated=True,
            occurred_at=occurred_at,
        )

    # Monthly giving: a Checkout Session in subscription mode creates the customer and the
    # subscription; Stripe then invoices and charges every month (invoice.paid).

    def start_recurring_checkout(
        self, sponsorship: Sponsorship, donation: Donation, *, return_url: str
    ) -> RecurringCheckout:
        reference = str(sponsorship.public_id)
        # Only our id goes to Stripe: no name, email, prisoner or message in its records.
        metadata = {"sponsorship": reference}
        params = {
            "mode": "subscription",
            "allowed_payment_method_types": ["card"],
            "client_reference_id": reference,
            "metadata": metadata,
            # Copied onto every invoice (parent.subscription_details.metadata): a month
            # finds its sponsorship even before checkout.session.completed is processed.
            "subscription_data": {"metadata": metadata},
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": to_cents(donation.amount),
                        "recurring": {"interval": "month"},
                        "product_data": {"name": settings.PAYMENT_DESCRIPTION},
                    },
                }
            ],
            "success_url": f"{return_url}?session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": return_url,
            "locale": donation.language if donation.language in ("es", "nl", "en") else "auto",
        }
        try:
            session = self._client().v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key(donation)}
            )
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"Stripe: {exc}") from exc
        return RecurringCheckout(payment_id=session.id, redirect_url=session.url)

    def activate_subscription(
        self, sponsorship: Sponsorship, *, first_payment_id: str
    ) -> SubscriptionReport:
        # Checkout created the subscription; only read which one it is.
        try:
            session = self._client().v1.checkout.sessions.retrieve(
                first_payment_id, params={"expand": ["subscription"]}
            )
        except stripe.StripeError as exc:
            raise _unavailable_or_missing(exc, first_payment_id) from exc
        if session.subscription is None or isinstance(session.subscription, str):
            raise ProviderUnavailable(f"Stripe: {first_payment_id} has no subscription yet")
        return _subscription_report(session.subscription)

    def cancel_subscription(self, sponsorship: Sponsorship) -> SubscriptionReport:
        client = self._client()
        subscription_id = sponsorship.provider_subscription_id
        try:
            subscription = client.v1.subscriptions.cancel(
                subscription_id,
                options={"idempotency_key": subscription_idempotency_key(sponsorship, "cancel")},
            )
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                raise LookupError(subscription_id) from exc
            # Stripe refuses to cancel what is already cancelled: read it instead.
            report = self.fetch_subscription(sponsorship)
            if report.status != Sponsorship.Status.CANCELLED:
                raise ProviderUnavailable(f"Stripe: {exc}") from exc
            return report
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"Stripe: {exc}") from exc
        return _subscription_report(subscription)

    def subscription_update_amount(
        self, sponsorship: Sponsorship, amount: Decimal, *, change_id: str
    ) -> SubscriptionReport:
        # The item's new price: the same product and interval, only the amount changes.
        # No proration: the donor gives the new amount from the next month, nothing now.
        client = self._client()
        subscription_id = sponsorship.provider_subscription_id
        try:
            item = client.v1.subscriptions.retrieve(subscription_id)["items"].data[0]
            subscription = client.v1.subscriptions.update(
                subscription_id,
                params={
                    "items": [
                        {
                            "id": item.id,
                            "price_data": {
                                "currency": "eur",
                                "product": _id(item.price.product),
                                "unit_amount": to_cents(amount),
                                "recurring": {"interval": "month"},
                            },
                        }
                    ],
                    "proration_behavior": "none",
                },
                options={
                    "idempotency_key": subscription_idempotency_key(
                        sponsorship, f"amount-{change_id}"
                    )
                },
            )
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"Stripe: {exc}") from exc
        return _subscription_report(subscription)

    def payment_method_update_url(self, sponsorship: Sponsorship, *, return_url: str) -> str | None:
        # A Billing Portal session opened on the one flow the donor needs: a new card.
        try:
            session = self._client().v1.billing_portal.sessions.create(
                params={
                    "customer": sponsorship.provider_customer_id,
                    "return_url": return_url,
                    "flow_data": {"type": "payment_method_update"},
                    "locale": sponsorship.language
                    if sponsorship.language in ("es", "nl", "en")
                    else "auto",
                }
            )
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"Stripe: {exc}") from exc
        return session.url

    def fetch_subscription(self, sponsorship: Sponsorship) -> SubscriptionReport:
        subscription_id = sponsorship.provider_subscription_id
        try:
            subscription = self._client().v1.subscriptions.retrieve(subscription_id)
        except stripe.StripeError as exc:
            raise _unavailable_or_missing(exc, subscription_id) from exc
        return _subscription_report(subscription)

    def list_subscription_payments(
        self, sponsorship: Sponsorship, *, since: datetime | None
    ) -> list[RecurringPayment]:
        client = self._client()
        params: dict = {"subscription": sponsorship.provider_subscription_id, "limit": 100}
        if since is not None:
            params["created"] = {"gte": int(since.timestamp())}
        try:
            invoices = list(client.v1.invoices.list(params=params).auto_paging_iter())
            found = [self._recurring(client, invoice) for invoice in invoices]
        except stripe.StripeError as exc:
            raise _unavailable_or_missing(exc, sponsorship.provider_subscription_id) from exc
        return sorted(found, key=lambda p: (p.created_at is None, p.created_at))

    def fetch_recurring_payment(self, payment_id: str) -> RecurringPayment:
        if not payment_id.startswith("in_"):
            # A subscription's or a session's id is not a month (and costs no request).
            raise LookupError(payment_id)
        client = self._client()
        try:
            invoice = client.v1.invoices.retrieve(payment_id)
            return self._recurring(client, invoice)
        except stripe.StripeError as exc:
            raise _unavailable_or_missing(exc, payment_id) from exc

    def _recurring(self, client: stripe.StripeClient, invoice) -> RecurringPayment:
        subscription_id, metadata = _subscription_details(invoice)
        # Collection failed (Stripe may still retry): open after an attempt, or given up.
        failed = invoice.status == "uncollectible" or (
            invoice.status == "open" and bool(invoice.attempted)
        )
        code = reason = ""
        if failed:
            intent = self._invoice_intent(client, invoice.id)
            error = getattr(intent, "last_payment_error", None) if intent else None
            if error:
                code = str(_field(error, "decline_code") or _field(error, "code") or "")
                reason = str(_field(error, "message") or "")
        return RecurringPayment(
            payment_id=invoice.id,
            amount=from_cents(invoice.amount_due),
            subscription_id=subscription_id,
            sponsorship_public_id=str(_field(metadata, "sponsorship") or ""),
            is_first=invoice.billing_reason == "subscription_create",
            failed=failed,
            failure_code=code,
            failure_reason=reason,
            created_at=_when(invoice),
        )

    def _invoice_intent(self, client: stripe.StripeClient, invoice_id: str):
        """The payment intent that collects an invoice, its charge expanded; None if none.

        Since API version 2025-03-31 an invoice names its payments in `payments` (an
        includable list of invoice payments), no longer in `payment_intent`.
        """
        invoice = client.v1.invoices.retrieve(invoice_id, params={"expand": ["payments"]})
        payments = getattr(invoice, "payments", None)
        intent_ids = [
            _id(_field(p, "payment", "payment_intent"))
            for p in (payments.data if payments else [])
            if _field(p, "payment", "type") == "payment_intent"
        ]
        intent_id = next((i for i in intent_ids if i), None) or _id(
            _field(invoice, "payment_intent")
        )
        if intent_id is None:
            return None
        return client.v1.payment_intents.retrieve(intent_id, params={"expand": _CHARGE_EXPAND})

    def _invoice_status(self, client: stripe.StripeClient, invoice_id: str) -> PaymentReport:
        try:
            invoice = client.v1.invoices.retrieve(invoice_id)
            intent = self._invoice_intent(client, invoice_id)
            disputes = (
                client.v1.disputes.list(params={"payment_intent": intent.id}).data if intent else []
            )
        except stripe.StripeError as exc:
            raise _unavailable_or_missing(exc, invoice_id) from exc
        status = _INVOICE_STATUSES.get(invoice.status)
        if status is None:
            # open: not yet collected, or failed and being retried by Stripe.
            status = Donation.Status.PENDING if invoice.attempted else Donation.Status.OPEN
        fee, paid_at, refunds = _charge_facts(intent, disputes)
        paid = status == Donation.Status.PAID
        if paid and paid_at is None:
            paid_at = _moment(_field(invoice, "status_transitions", "paid_at"))
        return PaymentReport(
            payment_id=invoice.id,
            status=status,
            amount_paid=from_cents(invoice.amount_paid) if paid else None,
            currency=(invoice.currency or "").upper() or None,
            fee=fee,
            intent_id=_id(intent),
            paid_at=paid_at if paid else None,
            refunds=tuple(refunds),
        )


def _subscription_details(invoice) -> tuple[str, object]:
    """Which subscription an invoice bills, and that subscription's metadata.

    Since API version 2025-03-31 under `parent.subscription_details`; older payloads carry
    `subscription` (and `subscription_details.metadata`) at the top.
    """
    subscription = _field(invoice, "parent", "subscription_details", "subscription")
    if subscription:
        return _id(subscription), _field(invoice, "parent", "subscription_details", "metadata")
    legacy = _id(_field(invoice, "subscription")) or ""
    return legacy, _field(invoice, "subscription_details", "metadata")


def _subscription_report(subscription) -> SubscriptionReport:
    status = SUBSCRIPTION_STATUSES.get(subscription.status)
    if status is None:
        raise ProviderUnavailable(f"Stripe: unknown subscription status {subscription.status!r}")
    return SubscriptionReport(
        subscription_id=subscription.id,
        status=status,
        customer_id=_id(subscription.customer) or "",
        cancelled_at=_moment(_field(subscription, "canceled_at"))
        if status == "cancelled"
        else None,
    )


def _unavailable_or_missing(exc: stripe.StripeError, reference: str) -> Exception:
    if isinstance(exc, stripe.InvalidRequestError) and exc.http_status == 404:
        return LookupError(reference)
    return ProviderUnavailable(f"Stripe: {exc}")
