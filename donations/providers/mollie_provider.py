"""Mollie: iDEAL | Wero, Bancontact and the other methods Mollie hosts.

The only module that imports the Mollie SDK.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils.dateparse import parse_datetime
from mollie.api.client import Client
from mollie.api.error import Error as MollieError
from mollie.api.error import NotFoundError

from donations.models import Donation
from donations.money import to_amount, to_api_string
from donations.providers.base import (
    Checkout,
    PaymentProvider,
    PaymentReport,
    ProviderUnavailable,
    RefundReport,
    WebhookNotice,
    WebhookRejected,
    idempotency_key,
)

STATUSES = {
    "open": Donation.Status.OPEN,
    "pending": Donation.Status.PENDING,
    "authorized": Donation.Status.PENDING,
    "paid": Donation.Status.PAID,
    "failed": Donation.Status.FAILED,
    "canceled": Donation.Status.CANCELED,
    "expired": Donation.Status.EXPIRED,
}
LOCALES = {"es": "es_ES", "nl": "nl_NL", "en": "en_US"}
PAYMENT_ID = re.compile(r"tr_[A-Za-z0-9]{1,64}")


def _money(value: dict | None) -> Decimal | None:
    return to_amount(value["value"]) if value else None


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


class MollieProvider(PaymentProvider):
    name = Donation.Provider.MOLLIE

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
        return PaymentReport(
            payment_id=payment.id,
            status=status,
            amount_paid=_money(amount) if paid else None,
            currency=amount.get("currency"),
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
