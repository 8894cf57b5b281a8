"""Mollie's customers, mandates and subscriptions, for FakeMollie (tests/fakes/mollie_api.py).

Answers are Mollie's published examples (tests/fixtures/mollie/customer.json,
subscription*.json, mandate.json, payment_first_*.json, payment_recurring*.json) with only
ids, amounts, statuses, dates and links replaced. As at Mollie, a subscription's payments
are ordinary payments (`tr_…`) that carry `customerId`, `mandateId` and `subscriptionId`.
"""

import json
import re
from datetime import datetime

from tests.fakes.fixtures import overlay, utc

EXAMPLE_IDS = {
    "customer": ("cst_kEn1PlbGa",),
    "subscription": ("sub_rVKGtNd6s3", "cst_stTC2WHAuS"),
    "payment_first": ("tr_7UhSN1zuXS", "cst_8wmqcHMN4U"),
    "payment_recurring": ("tr_DtKxVP2AgW", "cst_8wmqcHMN4U", "mdt_aGQNkteF6w", "sub_8JfGzs6v3K"),
    "mandate": ("mdt_h3gAaD5zP", "cst_4qqhO89gsT"),
}
# A card payment's details, with only the fields payments-api/get-payment.rst documents for
# credit card (the published examples are all iDEAL or SEPA).
CARD_DETAILS = {
    "cardHolder": "T. TEST",
    "cardNumber": "6787",
    "cardFingerprint": "ErBkcGOJcE3LQGDBMt9rs9wg",
    "cardAudience": "consumer",
    "cardLabel": "Mastercard",
    "cardCountryCode": "NL",
    "cardSecurity": "3dsecure",
    "feeRegion": "intra-eu",
}


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else utc(moment).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _relinked(data: dict, example_ids: tuple[str, ...], ids: tuple[str, ...], base: str) -> dict:
    text = json.dumps(data["_links"]).replace("https://api.mollie.com", base)
    for old, new in zip(example_ids, ids, strict=False):
        text = text.replace(old, new).replace(old[4:], new[4:] if len(new) > 4 else new)
    data["_links"] = json.loads(text)
    return data


class MollieRecurring:
    """Mixed into FakeMollie; its state lives next to the payments'."""

    def _init_recurring(self):
        self.customers: dict[str, dict] = {}
        self.mandates: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.subscription_bodies: list[dict] = []
        self.subscription_updates: list[dict] = []

    def route_recurring(self, method, path, query, body, headers):
        key = headers.get("Idempotency-Key", "")
        if method == "POST" and path == "/v2/customers":
            return self._create_customer(json.loads(body or b"{}"), key)
        match = re.fullmatch(r"/v2/customers/(cst_\w+)(/.*)?", path)
        if not match:
            return None
        customer_id, rest = match.group(1), match.group(2) or ""
        if customer_id not in self.customers:
            return 404, {"status": 404, "title": "Not Found", "detail": "No customer exists"}
        if method == "POST" and rest == "/payments":
            return self._create_first(customer_id, json.loads(body or b"{}"), key)
        if method == "POST" and rest == "/subscriptions":
            return self._create_subscription(customer_id, json.loads(body or b"{}"), key)
        found = re.fullmatch(r"/subscriptions/(sub_\w+)(/payments)?", rest)
        if found:
            subscription = self.subscriptions.get(found.group(1))
            if subscription is None or subscription["customerId"] != customer_id:
                return 404, {"status": 404, "title": "Not Found", "detail": "No subscription"}
            if method == "PATCH" and not found.group(2):
                return self._update_subscription(found.group(1), json.loads(body or b"{}"), key)
            if method == "DELETE":
                if subscription["status"] == "canceled":
                    return 422, {"status": 422, "title": "Unprocessable", "detail": "Canceled"}
                subscription.update(status="canceled", canceledAt=utc(None))
                return 200, self.render_subscription(found.group(1))
            if method == "GET" and found.group(2):
                return 200, self._subscription_payments(found.group(1))
            if method == "GET":
                return 200, self.render_subscription(found.group(1))
        found = re.fullmatch(r"/mandates/(mdt_\w+)", rest)
        if method == "GET" and found and found.group(1) in self.mandates:
            return 200, self.render_mandate(found.group(1))
        return 404, {"status": 404, "title": "Not Found", "detail": f"no route {path}"}

    def _create_customer(self, data, key):
        if key and key in self.by_key:
            return 201, self.render_customer(self.by_key[key])
        customer_id = f"cst_fake{next(self._ids)}"
        self.customers[customer_id] = {
            "id": customer_id,
            "name": data.get("name"),
            "email": data.get("email"),
            "locale": data.get("locale"),
            "metadata": data.get("metadata"),
            "createdAt": utc(None),
        }
        if key:
            self.by_key[key] = customer_id
        return 201, self.render_customer(customer_id)

    def _create_first(self, customer_id, data, key):
        if data.get("sequenceType") != "first":
            return 422, {"status": 422, "title": "Unprocessable", "detail": "sequenceType"}
        status, answer = self._create(data, key)
        payment = self.payments.get(answer.get("id", ""))
        if payment is not None and "sequenceType" not in payment:
            payment.update(sequenceType="first", customerId=customer_id, mandateId=None)
            payment["subscriptionId"] = None
            answer = self.render(payment["id"], set())
        return status, answer

    def _create_subscription(self, customer_id, data, key):
        if key and key in self.by_key:
            return 201, self.render_subscription(self.by_key[key])
        mandate = self.mandates.get(data.get("mandateId", ""))
        if mandate is None or mandate["customerId"] != customer_id:
            return 422, {"status": 422, "title": "Unprocessable", "detail": "No valid mandate"}
        descriptions = {
            s["description"] for s in self.subscriptions.values() if s["customerId"] == customer_id
        }
        if data.get("description") in descriptions:
            return 422, {"status": 422, "title": "Unprocessable", "detail": "Duplicate description"}
        self.subscription_bodies.append({**data, "Idempotency-Key": key})
        subscription_id = f"sub_fake{next(self._ids)}"
        self.subscriptions[subscription_id] = {
            "id": subscription_id,
            "customerId": customer_id,
            "status": "active",
            "amount": data["amount"],
            "interval": data["interval"],
            "startDate": data["startDate"],
            "description": data["description"],
            "mandateId": data["mandateId"],
            "webhookUrl": data.get("webhookUrl"),
            "metadata": data.get("metadata"),
            "createdAt": utc(None),
            "canceledAt": None,
        }
        if key:
            self.by_key[key] = subscription_id
        return 201, self.render_subscription(subscription_id)

    def _update_subscription(self, subscription_id, data, key):
        # As at Mollie: an idempotency key replays the first answer; a cancelled or
        # completed subscription cannot be updated.
        if key and key in self.by_key:
            return 200, self.render_subscription(self.by_key[key])
        subscription = self.subscriptions[subscription_id]
        if subscription["status"] in ("canceled", "completed"):
            return 422, {"status": 422, "title": "Unprocessable", "detail": "Not updatable"}
        if "amount" in data:
            subscription["amount"] = data["amount"]
        self.subscription_updates.append({"id": subscription_id, **data, "Idempotency-Key": key})
        if key:
            self.by_key[key] = subscription_id
        return 200, self.render_subscription(subscription_id)

    def _subscription_payments(self, subscription_id):
        rows = [
            self.render(p["id"], set())
            for p in self.payments.values()
            if p.get("subscriptionId") == subscription_id
        ]
        return {
            "_embedded": {"payments": rows},
            "count": len(rows),
            "_links": {
                "self": {"href": f"{self.url}/v2/…/payments", "type": "application/hal+json"},
                "previous": None,
                "next": None,
            },
        }

    # Rendering, from the published examples.
    def render_customer(self, customer_id):
        c = self.customers[customer_id]
        data = overlay(
            "mollie/customer",
            id=customer_id,
            mode="test",
            name=c["name"],
            email=c["email"],
            locale=c["locale"],
            metadata=c["metadata"],
            createdAt=_time(c["createdAt"]),
        )
        return _relinked(data, EXAMPLE_IDS["customer"], (customer_id,), self.url)

    def render_subscription(self, subscription_id):
        s = self.subscriptions[subscription_id]
        if s["status"] == "canceled":
            data = overlay(
                "mollie/subscription_canceled",
                canceledAt=_time(s["canceledAt"]),
                **self._subscription_values(s, nextPaymentDate=None),
            )
        else:
            data = overlay(
                "mollie/subscription",
                mandateId=s["mandateId"],
                metadata=s["metadata"],
                timesRemaining=None,
                **self._subscription_values(s, nextPaymentDate=s["startDate"]),
            )
        ids = (subscription_id, s["customerId"])
        return _relinked(data, EXAMPLE_IDS["subscription"], ids, self.url)

    def _subscription_values(self, s, **extra):
        return {
            "id": s["id"],
            "mode": "test",
            "status": s["status"],
            "amount": s["amount"],
            "times": None,
            "interval": s["interval"],
            "startDate": s["startDate"],
            "description": s["description"],
            "webhookUrl": s["webhookUrl"],
            "createdAt": _time(s["createdAt"]),
            **extra,
        }

    def render_mandate(self, mandate_id):
        m = self.mandates[mandate_id]
        data = overlay(
            "mollie/mandate",
            id=mandate_id,
            status=m["status"],
            createdAt=_time(m["createdAt"]),
        )
        if m.get("method") == "creditcard":
            # The fields mandates-api/get-mandate.rst documents for a credit card mandate.
            data.update(
                method="creditcard",
                details={
                    "cardHolder": "T. TEST",
                    "cardNumber": "6787",
                    "cardLabel": "Mastercard",
                    "cardFingerprint": "ErBkcGOJcE3LQGDBMt9rs9wg",
                    "cardExpiryDate": "2030-12-31",
                },
            )
        return _relinked(data, EXAMPLE_IDS["mandate"], (mandate_id, m["customerId"]), self.url)

    def render_sequence(self, payment: dict) -> dict:
        """A first or recurring payment: the customer-payment examples, by state."""
        first = payment["sequenceType"] == "first"
        values = {
            "id": payment["id"],
            "status": payment["status"],
            "amount": payment["amount"],
            "description": payment["description"],
            "metadata": payment["metadata"],
            "customerId": payment["customerId"],
            "createdAt": _time(payment["createdAt"]),
            "webhookUrl": payment["webhookUrl"],
            "mode": "test",
        }
        if first:
            values["redirectUrl"] = payment["redirectUrl"]
            if payment["status"] == "paid":
                values.update(paidAt=_time(payment["paidAt"]), mandateId=payment["mandateId"])
                if payment["method"] == "creditcard":
                    # The fields get-payment.rst documents for a card payment's details.
                    values.update(method="creditcard", details=CARD_DETAILS)
                name = "mollie/payment_first_paid"
            else:
                name = "mollie/payment_first_open"
            example = EXAMPLE_IDS["payment_first"]
            ids = (payment["id"], payment["customerId"])
        else:
            values.update(mandateId=payment["mandateId"], subscriptionId=payment["subscriptionId"])
            name = {
                "paid": "mollie/payment_recurring_paid",
                "failed": "mollie/payment_recurring_failed",
            }
            name = name.get(payment["status"], "mollie/payment_recurring")
            if payment["status"] == "paid":
                values["paidAt"] = _time(payment["paidAt"])
            if payment["method"] == "creditcard":
                values.update(method="creditcard", details=dict(CARD_DETAILS))
            example = EXAMPLE_IDS["payment_recurring"]
            ids = (
                payment["id"],
                payment["customerId"],
                payment["mandateId"],
                payment["subscriptionId"],
            )
        data = overlay(name, **values)
        if "settlementAmount" in data:
            settled = payment.get("settlement") or payment["amount"]["value"]
            data["settlementAmount"] = {"currency": "EUR", "value": settled}
        if payment["status"] == "failed" and payment.get("failure"):
            code, reason = payment["failure"]
            if payment["method"] == "creditcard":
                # A card's failure: details.failureReason and failureMessage, no bank code.
                data["details"].update(failureReason=code, failureMessage=reason)
            else:
                data["details"].update(bankReasonCode=code, bankReason=reason)
        if "checkout" in data["_links"]:
            data["_links"]["checkout"] = {
                "href": f"{self.url}/checkout/{payment['id']}",
                "type": "text/html",
            }
        return _relinked(data, example, ids, self.url)

    # Control: what happens at Mollie's side.
    def pay_first(self, payment_id: str, *, paid_at=None, method: str = "ideal") -> str:
        """The donor paid the first payment (by iDEAL, or `creditcard`); Mollie creates a
        valid mandate. Returns its id."""
        with self.lock:
            payment = self.payments[payment_id]
            payment["method"] = method
            mandate_id = f"mdt_fake{next(self._ids)}"
            self.mandates[mandate_id] = {
                "customerId": payment["customerId"],
                "status": "valid",
                # A card's first payment gives a creditcard mandate, iDEAL a SEPA one.
                "method": "creditcard" if method == "creditcard" else "directdebit",
                "createdAt": utc(paid_at),
            }
            payment["mandateId"] = mandate_id
            self._set_status(payment_id, "paid", paid_at=paid_at)
            return mandate_id

    def charge_month(self, subscription_id: str, *, status: str = "paid", at=None) -> str:
        """Mollie collects a month: a new recurring payment. Returns its id."""
        with self.lock:
            s = self.subscriptions[subscription_id]
            if s["status"] != "active":
                raise ValueError(f"{subscription_id} is {s['status']}; Mollie would not charge")
            payment_id = f"tr_fake{next(self._ids)}"
            self.payments[payment_id] = {
                "id": payment_id,
                "status": status,
                "amount": s["amount"],
                "description": s["description"],
                "method": self.mandates[s["mandateId"]].get("method", "directdebit"),
                "metadata": s["metadata"],
                "locale": None,
                "redirectUrl": None,
                "webhookUrl": s["webhookUrl"],
                "createdAt": utc(at),
                "paidAt": utc(at) if status == "paid" else None,
                "refunds": [],
                "chargebacks": [],
                "sequenceType": "recurring",
                "customerId": s["customerId"],
                "mandateId": s["mandateId"],
                "subscriptionId": subscription_id,
            }
            return payment_id

    def fail_month(self, payment_id: str, code: str = "AM04", reason: str = "Insufficient funds"):
        """A pending SEPA debit turns failed (up to 5 working days later), with its reason."""
        with self.lock:
            payment = self.payments[payment_id]
            payment["status"] = "failed"
            payment["failure"] = (code, reason)

    def cancel(self, subscription_id: str):
        """Cancelled at Mollie's side (the dashboard)."""
        with self.lock:
            self.subscriptions[subscription_id].update(status="canceled", canceledAt=utc(None))

    def invalidate_mandate(self, mandate_id: str):
        """The mandate became invalid: Mollie suspends the subscriptions that use it."""
        with self.lock:
            self.mandates[mandate_id]["status"] = "invalid"
            for s in self.subscriptions.values():
                if s["mandateId"] == mandate_id and s["status"] == "active":
                    s["status"] = "suspended"
