"""Mollie: iDEAL | Wero, Bancontact and the other methods Mollie hosts.

The only module that imports the Mollie SDK.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.dateparse import parse_datetime
from mollie.api.client import Client
from mollie.api.error import Error as MollieError
from mollie.api.error import NotFoundError, UnprocessableEntityError
from mollie.api.objects.customer import Customer

from crowdfund.money import to_amount, to_api_string
from ledger.models import Donation
from payments.models import SubscriptionStatus
from payments.providers.base import (
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

if TYPE_CHECKING:
    from sponsorships.models import Sponsorship

STATUSES = {
    "open": Donation.Status.OPEN,
    "pending": Donation.Status.PENDING,
    # A hold on the donor's card, not money received: it may still be voided or lapse. Mollie
    # reports the payment paid once the hold is captured (with what was captured).
    "authorized": Donation.Status.PENDING,
    "paid": Donation.Status.PAID,
    "failed": Donation.Status.FAILED,
    "canceled": Donation.Status.CANCELED,
    "expired": Donation.Status.EXPIRED,
}
LOCALES = {"es": "es_ES", "nl": "nl_NL", "en": "en_US"}
SUBSCRIPTION_STATUSES = {
    "pending": SubscriptionStatus.PENDING,
    "active": SubscriptionStatus.ACTIVE,
    "suspended": SubscriptionStatus.SUSPENDED,
    "canceled": SubscriptionStatus.CANCELLED,
    "completed": SubscriptionStatus.CANCELLED,
}
# Mollie schedules by calendar day; the foundation's day is Amsterdam's.
_BOOKS_TIMEZONE = ZoneInfo("Europe/Amsterdam")
PAYMENT_ID = re.compile(r"tr_[A-Za-z0-9]{1,64}")


def _money(value: dict | None) -> Decimal | None:
    return to_amount(value["value"]) if value else None


def _received(payment) -> Decimal | None:
    """What the donor paid: of an authorization captured in part, only what was captured."""
    captured = _money(payment.get("amountCaptured"))
    return captured if captured else _money(payment.amount)


def _fee(payment, received: Decimal | None, refunds: list[RefundReport]) -> Decimal | None:
    """Mollie's fee by its own figures: what it keeps of the payment, `amount` (or what was
    captured) less `settlementAmount`, both in euros.

    None when that difference says nothing about the fee, and a fee recorded before stays:
    no `settlementAmount` (a method Mollie does not settle, such as PayPal), another
    currency, a refund or chargeback (Mollie recalculates the settlement then, down to
    below zero), or a difference that is no fee (below zero, or more than was paid).
    """
    settlement = payment.get("settlementAmount")
    currencies = {(payment.amount or {}).get("currency"), (settlement or {}).get("currency")}
    if received is None or not settlement or currencies != {"EUR"} or refunds:
        return None
    fee = received - to_amount(settlement["value"])
    return fee if Decimal(0) <= fee <= received else None


def _date(value: str | None) -> datetime | None:
    """Mollie's ISO 8601 timestamps ("2018-03-20T13:28:37+00:00", "…17:09:02.0Z")."""
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        # A date we cannot place in time would put money in the wrong day or year.
        raise ProviderUnavailable(f"Mollie: unreadable timestamp {value!r}")
    return moment


def _one_month_later(day: date) -> date:
    """The same day next month, or that month's last day (31 January → 28/29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class MollieProvider(PaymentProvider):
    name = Donation.Provider.MOLLIE
    # A first payment by iDEAL gives a SEPA Direct Debit mandate; without a method, Mollie's
    # checkout offers only the methods that allow a first payment (Bancontact, card, …).
    monthly_methods = frozenset({Donation.Method.IDEAL, Donation.Method.OTHER_ONLINE})

    def is_enabled(self) -> bool:
        return bool(settings.MOLLIE_API_KEY)

    def _client(self) -> Client:
        # No retries here: a donor waiting at checkout gets a clear message instead.
        client = Client(
            api_endpoint=settings.MOLLIE_API_URL,
            timeout=(3, settings.PAYMENT_API_TIMEOUT),
            retry=0,
        )
        client.set_api_key(settings.MOLLIE_API_KEY)
        return client

    def start_checkout(self, donation: Donation, *, return_url: str) -> Checkout:
        # Only the gift's id, amount and language go to Mollie: no name, no billingEmail,
        # no prisoner, no message. A gift to this cause can reveal a political opinion.
        data = {
            "amount": {"currency": "EUR", "value": to_api_string(donation.amount)},
            # Neutral on purpose: this text shows on the donor's bank statement.
            "description": f"{settings.PAYMENT_DESCRIPTION} {str(donation.public_id)[:8]}",
            "redirectUrl": return_url,
            "webhookUrl": f"{settings.SITE_URL}/webhooks/mollie/",
            "metadata": {"donation": str(donation.public_id)},
            "locale": LOCALES.get(donation.language, "en_US"),
        }
        if donation.method == Donation.Method.IDEAL:
            data["method"] = "ideal"
        try:
            payment = self._client().payments.create(
                data, idempotency_key=idempotency_key(donation)
            )
        except MollieError as exc:
            raise ProviderUnavailable(f"Mollie: {exc}") from exc
        return Checkout(payment_id=payment.id, redirect_url=payment.checkout_url)

    def fetch_status(self, payment_id: str) -> PaymentReport:
        try:
            payment = self._client().payments.get(payment_id, embed="refunds,chargebacks")
        except NotFoundError as exc:
            raise LookupError(payment_id) from exc
        except MollieError as exc:
            raise ProviderUnavailable(f"Mollie: {exc}") from exc
        status = STATUSES.get(payment.status)
        if status is None:
            raise ProviderUnavailable(f"Mollie: unknown status {payment.status!r}")
        embedded = payment.get("_embedded", {})
        refunds = [
            RefundReport(
                refund_id=r["id"],
                amount=_money(r["amount"]),
                created_at=_date(r.get("createdAt")),
            )
            for r in embedded.get("refunds", [])
            if r.get("status") not in ("failed", "canceled")
        ]
        chargebacks = [
            RefundReport(
                refund_id=c["id"],
                amount=_money(c["amount"]),
                is_chargeback=True,
                created_at=_date(c.get("createdAt")),
                reversed=bool(c.get("reversedAt")),
                reversed_at=_date(c.get("reversedAt")),
            )
            for c in embedded.get("chargebacks", [])
        ]
        amount = payment.amount or {}
        paid = status == Donation.Status.PAID
        received = _received(payment) if paid else None
        return PaymentReport(
            payment_id=payment.id,
            status=status,
            amount_paid=received,
            currency=amount.get("currency"),
            fee=_fee(payment, received, refunds + chargebacks),
            paid_at=_date(payment.get("paidAt")) if paid else None,
            refunds=tuple(refunds + chargebacks),
        )

    def parse_webhook(
        self, *, body: bytes, headers: Mapping[str, str], form: Mapping[str, str]
    ) -> WebhookNotice:
        # Mollie signs nothing: the id is only a trigger to fetch the payment from the API.
        payment_id = form.get("id", "")
        if not PAYMENT_ID.fullmatch(payment_id):
            raise WebhookRejected("expected a Mollie payment id (tr_…)")
        return WebhookNotice(references=(payment_id,), event_type="payment")

    # Monthly giving: a customer, a first payment that creates the mandate, then a
    # subscription that Mollie charges every month (its payments arrive on the webhook).

    def _customer(self, client: Client, customer_id: str) -> Customer:
        # The SDK's own way to address a customer's sub-resources without fetching it first.
        return Customer({"id": customer_id}, client)

    def start_recurring_checkout(
        self, sponsorship: Sponsorship, donation: Donation, *, return_url: str
    ) -> RecurringCheckout:
        client = self._client()
        try:
            customer_id = sponsorship.provider_customer_id
            if not customer_id:
                # No name or email: the donor's identity stays with us, not at Mollie.
                customer = client.customers.create(
                    {
                        "locale": LOCALES.get(sponsorship.language, "en_US"),
                        "metadata": {"sponsorship": str(sponsorship.public_id)},
                    },
                    idempotency_key=subscription_idempotency_key(sponsorship, "customer"),
                )
                customer_id = customer.id
            data = {
                "amount": {"currency": "EUR", "value": to_api_string(donation.amount)},
                "description": f"{settings.PAYMENT_DESCRIPTION} {str(donation.public_id)[:8]}",
                "redirectUrl": return_url,
                "webhookUrl": f"{settings.SITE_URL}/webhooks/mollie/",
                "metadata": {"sponsorship": str(sponsorship.public_id)},
                "locale": LOCALES.get(donation.language, "en_US"),
                "sequenceType": "first",
            }
            if donation.method == Donation.Method.IDEAL:
                data["method"] = "ideal"
            payment = self._customer(client, customer_id).payments.create(
                data, idempotency_key=idempotency_key(donation)
            )
        except MollieError as exc:
            raise ProviderUnavailable(f"Mollie: {exc}") from exc
        return RecurringCheckout(
            payment_id=payment.id, redirect_url=payment.checkout_url, customer_id=customer_id
        )

    def activate_subscription(
        self, sponsorship: Sponsorship, *, first_payment_id: str
    ) -> SubscriptionReport:
        client = self._client()
        try:
            first = client.payments.get(first_payment_id)
            paid_at = _date(first.get("paidAt"))
            if first.status != "paid" or paid_at is None or not first.mandate_id:
                raise ProviderUnavailable(f"Mollie: {first_payment_id} is not paid with a mandate")
            start = _one_month_later(paid_at.astimezone(_BOOKS_TIMEZONE).date())
            subscription = self._customer(client, first.customer_id).subscriptions.create(
                {
                    "amount": {"currency": "EUR", "value": to_api_string(sponsorship.amount)},
                    "interval": "1 month",
                    "startDate": start.isoformat(),
                    # Unique per customer (Mollie requires it); one customer per sponsorship.
                    "description": (
                        f"{settings.PAYMENT_DESCRIPTION} {str(sponsorship.public_id)[:8]}"
                    ),
                    "webhookUrl": f"{settings.SITE_URL}/webhooks/mollie/",
                    "metadata": {"sponsorship": str(sponsorship.public_id)},
                    "mandateId": first.mandate_id,
                },
                idempotency_key=subscription_idempotency_key(sponsorship, "subscription"),
            )
        except MollieError as exc:
            raise ProviderUnavailable(f"Mollie: {exc}") from exc
        # A first payment by card gives a card mandate: later months are charged to the card.
        method = Donation.Method.CARD if first.method == "creditcard" else ""
        return self._subscription_report(subscription, first.customer_id, method=method)

    def cancel_subscription(self, sponsorship: Sponsorship) -> SubscriptionReport:
        subscriptions = self._customer(
            self._client(), sponsorship.provider_customer_id
        ).subscriptions
        try:
            try:
                subscription = subscriptions.delete(
                    sponsorship.provider_subscription_id,
                    idempotency_key=subscription_idempotency_key(sponsorship, "cancel"),
                )
            except (NotFoundError, UnprocessableEntityError):
                # Already cancelled (or ended): read what Mollie says now.
                subscription = subscriptions.get(sponsorship.provider_subscription_id)
        except NotFoundError as exc:
            raise LookupError(sponsorship.provider_subscription_id) from exc
        except MollieError as exc:
            raise ProviderUnavailable(f"Mollie: {exc}") from exc
        return self._subscription_report(subscription, sponsorship.provider_customer_id)

    def subscription_update_amount(
        self, sponsorship: Sponsorship, amount: Decimal, *, change_id: str
    ) -> SubscriptionReport:
        try:
            subscription = self._customer(
                self._client(), sponsorship.provider_customer_id
            ).subscriptions.update(
                sponsorship.provider_subscription_id,
                {"amount": {"currency": "EUR", "value": to_api_string(amount)}},
                idempotency_key=subscription_idempotency_key(sponsorship, f"amount-{change_id}"),
            )
        except MollieError as exc:
            raise ProviderUnavailable(f"Mollie: {exc}") from exc
        return self._subscription_report(subscription, sponsorship.provider_customer_id)

    def fetch_subscription(self, sponsorship: Sponsorship) -> SubscriptionReport:
        try:
            subscription = self._customer(
                self._client(), sponsorship.provider_customer_id
            ).subscriptions.get(sponsorship.provider_subscription_id)
        except NotFoundError as exc:
            raise LookupError(sponsorship.provider_subscription_id) from exc
        except MollieError as exc:
            raise ProviderUnavailable(f"Mollie: {exc}") from exc
        return self._subscription_report(subscription, sponsorship.provider_customer_id)

    def list_subscription_payments(
        self, sponsorship: Sponsorship, *, since: datetime | None
    ) -> list[RecurringPayment]:
        try:
            subscription = self._customer(
                self._client(), sponsorship.provider_customer_id
            ).subscriptions.get(sponsorship.provider_subscription_id)
            page = subscription.payments.list(limit=250)
            payments = list(page)
            while page.has_next():
                page = page.get_next()
                payments += list(page)
        except NotFoundError as exc:
            raise LookupError(sponsorship.provider_subscription_id) from exc
        except MollieError as exc:
            raise ProviderUnavailable(f"Mollie: {exc}") from exc
        found = [self._recurring(p) for p in payments]
        if since is not None:
            found = [p for p in found if p.created_at is None or p.created_at >= since]
        return sorted(found, key=lambda p: (p.created_at is None, p.created_at))

    def fetch_recurring_payment(self, payment_id: str) -> RecurringPayment:
        try:
            payment = self._client().payments.get(payment_id)
        except NotFoundError as exc:
            raise LookupError(payment_id) from exc
        except MollieError as exc:
            raise ProviderUnavailable(f"Mollie: {exc}") from exc
        return self._recurring(payment)

    def _recurring(self, payment) -> RecurringPayment:
        details = payment.get("details") or {}
        metadata = payment.get("metadata") or {}
        return RecurringPayment(
            payment_id=payment.id,
            amount=_money(payment.amount),
            subscription_id=payment.get("subscriptionId") or "",
            sponsorship_public_id=str(metadata.get("sponsorship", "")),
            is_first=payment.get("sequenceType") == "first",
            failed=payment.status == "failed",
            # A SEPA debit's bank reason, or a card payment's failureReason (card_expired…).
            failure_code=str(details.get("bankReasonCode") or details.get("failureReason") or ""),
            failure_reason=str(details.get("bankReason") or details.get("failureMessage") or ""),
            created_at=_date(payment.get("createdAt")),
        )

    def _subscription_report(
        self, subscription, customer_id: str, method: str = ""
    ) -> SubscriptionReport:
        status = SUBSCRIPTION_STATUSES.get(subscription.status)
        if status is None:
            raise ProviderUnavailable(
                f"Mollie: unknown subscription status {subscription.status!r}"
            )
        return SubscriptionReport(
            subscription_id=subscription.id,
            status=status,
            customer_id=customer_id,
            mandate_id=subscription.get("mandateId") or "",
            cancelled_at=_date(subscription.get("canceledAt")),
            method=method,
        )
