"""Enough of Mollie's v2 payments API for the real mollie-api-python SDK."""

import itertools
import json
import re

from tests.fakes.server import FakeAPI

AMOUNT = re.compile(r"\d+\.\d{2}")


def _error(status: int, detail: str):
    return status, {"status": status, "title": "Error", "detail": detail}


class FakeMollie(FakeAPI):
    down_body = {"status": 503, "title": "Service Unavailable", "detail": "Try again later"}

    def __init__(self):
        self.payments: dict[str, dict] = {}
        self.by_key: dict[str, str] = {}
        self.created_bodies: list[dict] = []
        self._ids = itertools.count(1)
        super().__init__()

    def route(self, method, path, query, body, headers):
        if path.startswith("/_control/"):
            return self._control(path, json.loads(body or b"{}"))
        if not re.fullmatch(r"Bearer (test|live)_\w+", headers.get("Authorization", "")):
            return _error(401, "Missing authentication")
        if method == "POST" and path == "/v2/payments":
            return self._create(json.loads(body), headers.get("Idempotency-Key", ""))
        match = re.fullmatch(r"/v2/payments/(tr_\w+)", path)
        if method == "GET" and match:
            payment = self.payments.get(match.group(1))
            if payment is None:
                return _error(404, "No payment exists with token")
            embed = set(",".join(query.get("embed", [])).split(","))
            return 200, self._render(payment, embed)
        return _error(404, f"no route {method} {path}")

    def _create(self, data, key):
        if key and key in self.by_key:
            return 201, self._render(self.payments[self.by_key[key]], set())
        amount = data.get("amount", {})
        if amount.get("currency") != "EUR" or not AMOUNT.fullmatch(amount.get("value", "")):
            return _error(422, "The amount is invalid")
        for required in ("description", "redirectUrl", "webhookUrl"):
            if not data.get(required):
                return _error(422, f"The {required} is missing")
        self.created_bodies.append(data)
        payment_id = f"tr_fake{next(self._ids)}"
        self.payments[payment_id] = {
            "resource": "payment",
            "id": payment_id,
            "mode": "test",
            "status": "open",
            "amount": amount,
            "description": data["description"],
            "method": data.get("method"),
            "metadata": data.get("metadata"),
            "redirectUrl": data["redirectUrl"],
            "webhookUrl": data["webhookUrl"],
            "refunds": [],
            "chargebacks": [],
            "_links": {"checkout": {"href": f"{self.url}/checkout/{payment_id}"}},
        }
        if key:
            self.by_key[key] = payment_id
        return 201, self._render(self.payments[payment_id], set())

    def _render(self, payment, embed):
        data = {k: v for k, v in payment.items() if k not in ("refunds", "chargebacks")}
        embedded = {name: payment[name] for name in ("refunds", "chargebacks") if name in embed}
        if embedded:
            data["_embedded"] = embedded
        return data

    # Control: what happens at Mollie's side (the donor pays, the treasurer refunds...).
    def set_status(self, payment_id: str, status: str, *, amount: str | None = None):
        with self.lock:
            self._set_status(payment_id, status, amount)

    def refund(self, payment_id: str, value: str, *, status: str = "refunded") -> str:
        with self.lock:
            return self._add(payment_id, "refunds", "re", value, status=status)

    def chargeback(self, payment_id: str, value: str) -> str:
        with self.lock:
            return self._add(payment_id, "chargebacks", "chb", value)

    def reverse_chargeback(self, payment_id: str, chargeback_id: str) -> None:
        with self.lock:
            row = next(
                c for c in self.payments[payment_id]["chargebacks"] if c["id"] == chargeback_id
            )
            row["reversedAt"] = "2026-01-05T10:00:00+00:00"

    def _set_status(self, payment_id, status, amount=None):
        self.payments[payment_id]["status"] = status
        if amount:
            self.payments[payment_id]["amount"] = {"currency": "EUR", "value": amount}

    def _add(self, payment_id, kind, prefix, value, **extra):
        rows = self.payments[payment_id][kind]
        row_id = f"{prefix}_fake{payment_id[7:]}_{len(rows) + 1}"
        rows.append({"id": row_id, "amount": {"currency": "EUR", "value": value}, **extra})
        return row_id

    def _control(self, path, data):
        # Called with the lock held, by the route dispatcher.
        match = re.fullmatch(r"/_control/payments/(tr_\w+)/(status|refund|chargeback)", path)
        if not match or match.group(1) not in self.payments:
            return _error(404, "unknown control route")
        payment_id, action = match.groups()
        if action == "status":
            self._set_status(payment_id, data["status"])
        elif action == "refund":
            self._add(payment_id, "refunds", "re", data["value"], status="refunded")
        else:
            self._add(payment_id, "chargebacks", "chb", data["value"])
        return 200, self._render(self.payments[payment_id], {"refunds", "chargebacks"})
