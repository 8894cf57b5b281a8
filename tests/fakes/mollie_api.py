"""Enough of Mollie's v2 payments API for the real mollie-api-python SDK.

Every answer is one of Mollie's published examples (tests/fixtures/mollie/) with only ids,
amounts, statuses, dates and links replaced.
"""

import itertools
import json
import re
from datetime import datetime, timedelta
from decimal import Decimal

from tests.fakes.fixtures import overlay, utc
from tests.fakes.mollie_recurring import MollieRecurring
from tests.fakes.server import FakeAPI

AMOUNT = re.compile(r"\d+\.\d{2}")
# The ids in the published examples, replaced by ours in every link.
EXAMPLE_PAYMENT, EXAMPLE_REFUND, EXAMPLE_CHARGEBACK = "tr_WDqYK6vllg", "re_4qqhO89gsT", "chb_n9z0tp"


def _error(status: int, detail: str):
    return status, {"status": status, "title": "Error", "detail": detail}


def _payment_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")  # as in the payment example


def _row_time(moment: datetime | None) -> str | None:
    # The refund and chargeback examples write their times with ".0Z".
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S.0Z")


def _eur(value) -> dict:
    return {"currency": "EUR", "value": f"{Decimal(value):.2f}"}


def _relink(links: dict, replacements: dict) -> dict:
    text = json.dumps(links)
    for old, new in replacements.items():
        text = text.replace(old, new)
    return json.loads(text)


class FakeMollie(MollieRecurring, FakeAPI):
    down_body = {"status": 503, "title": "Service Unavailable", "detail": "Try again later"}

    def __init__(self):
        self.payments: dict[str, dict] = {}
        self.by_key: dict[str, str] = {}
        self.created_bodies: list[dict] = []
        self._ids = itertools.count(1)
        self._init_recurring()
        super().__init__()

    def route(self, method, path, query, body, headers):
        if path.startswith("/_control/"):
            return self._control(path, json.loads(body or b"{}"))
        if not re.fullmatch(r"Bearer (test|live)_\w+", headers.get("Authorization", "")):
            return _error(401, "Missing authentication")
        recurring = self.route_recurring(method, path, query, body, headers)
        if recurring is not None:
            return recurring
        if method == "POST" and path == "/v2/payments":
            return self._create(json.loads(body), headers.get("Idempotency-Key", ""))
        match = re.fullmatch(r"/v2/payments/(tr_\w+)", path)
        if method == "GET" and match:
            payment = self.payments.get(match.group(1))
            if payment is None:
                return _error(404, "No payment exists with token")
            embed = set(",".join(query.get("embed", [])).split(","))
            return 200, self.render(payment["id"], embed)
        return _error(404, f"no route {method} {path}")

    def _create(self, data, key):
        if key and key in self.by_key:
            return 201, self.render(self.by_key[key], set())
        amount = data.get("amount", {})
        if amount.get("currency") != "EUR" or not AMOUNT.fullmatch(amount.get("value", "")):
            return _error(422, "The amount is invalid")
        for required in ("description", "redirectUrl", "webhookUrl"):
            if not data.get(required):
                return _error(422, f"The {required} is missing")
        self.created_bodies.append(data)
        payment_id = f"tr_fake{next(self._ids)}"
        self.payments[payment_id] = {
            "id": payment_id,
            "status": "open",
            "amount": amount,
            "description": data["description"],
            "method": data.get("method"),
            "metadata": data.get("metadata"),
            "locale": data.get("locale"),
            "redirectUrl": data["redirectUrl"],
            "webhookUrl": data["webhookUrl"],
            "createdAt": utc(None),
            "paidAt": None,
            "authorizedAt": None,
            # What Mollie says it settles (default: the whole amount, as its examples show),
            # and what was captured of an authorization (None: captured by itself).
            "settlement": None,
            "captured": None,
            "refunds": [],
            "chargebacks": [],
        }
        if key:
            self.by_key[key] = payment_id
        return 201, self.render(payment_id, set())

    # What Mollie answers, built on its published examples.
    def render(self, payment_id: str, embed: set[str]) -> dict:
        payment = self.payments[payment_id]
        if payment.get("sequenceType"):
            return self._embed(payment_id, self.render_sequence(payment), embed)
        ids = {EXAMPLE_PAYMENT: payment_id, EXAMPLE_PAYMENT[3:]: payment_id[3:]}
        values = {
            "id": payment_id,
            "status": payment["status"],
            "amount": payment["amount"],
            "description": payment["description"],
            "method": payment["method"],
            "metadata": payment["metadata"],
            "locale": payment["locale"],
            "redirectUrl": payment["redirectUrl"],
            "webhookUrl": payment["webhookUrl"],
            "createdAt": _payment_time(payment["createdAt"]),
        }
        if payment["status"] == "paid":
            value = Decimal(payment["captured"] or payment["amount"]["value"])
            refunded = sum((Decimal(r["value"]) for r in payment["refunds"]), Decimal(0))
            paid = {
                "paidAt": _payment_time(payment["paidAt"]),
                "amountRefunded": _eur(refunded),
                "amountRemaining": _eur(value - refunded),
                "settlementAmount": _eur(payment["settlement"] or value),
            }
            if payment["captured"] is None:
                data = overlay("mollie/payment_paid", **values, **paid)
            else:
                # An authorization, captured: the card example with what was captured.
                data = overlay(
                    "mollie/payment_captured",
                    **values,
                    **paid,
                    authorizedAt=_payment_time(payment["authorizedAt"]),
                    amountCaptured=_eur(value),
                )
        elif payment["status"] == "authorized":
            authorized_at = payment["authorizedAt"]
            data = overlay(
                "mollie/payment_authorized",
                **values,
                authorizedAt=_payment_time(authorized_at),
                captureBefore=_payment_time(authorized_at + timedelta(days=7)),
            )
        else:
            data = overlay(
                "mollie/payment_open",
                **values,
                expiresAt=_payment_time(payment["createdAt"] + timedelta(minutes=15)),
            )
            if payment["status"] != "open":
                del data["_links"]["checkout"]  # only an open payment can still be paid
        data["_links"] = _relink(data["_links"], ids)
        if "checkout" in data["_links"]:
            data["_links"]["checkout"]["href"] = f"{self.url}/checkout/{payment_id}"
        return self._embed(payment_id, data, embed)

    def _embed(self, payment_id: str, data: dict, embed: set[str]) -> dict:
        payment = self.payments[payment_id]
        embedded = {}
        if "refunds" in embed:
            embedded["refunds"] = [self._refund(payment_id, r) for r in payment["refunds"]]
        if "chargebacks" in embed:
            embedded["chargebacks"] = [
                self._chargeback(payment_id, c) for c in payment["chargebacks"]
            ]
        if embedded:
            data["_embedded"] = embedded
        return data

    def _refund(self, payment_id, row):
        data = overlay(
            "mollie/refund",
            id=row["id"],
            amount=_eur(row["value"]),
            status=row["status"],
            createdAt=_row_time(row["createdAt"]),
            paymentId=payment_id,
        )
        data["_links"] = _relink(
            data["_links"], {EXAMPLE_PAYMENT: payment_id, EXAMPLE_REFUND: row["id"]}
        )
        return data

    def _chargeback(self, payment_id, row):
        reversed_at = row["reversedAt"]
        data = overlay(
            "mollie/chargeback_reversed" if reversed_at else "mollie/chargeback",
            id=row["id"],
            amount=_eur(row["value"]),
            settlementAmount=_eur(-Decimal(row["value"])),
            createdAt=_row_time(row["createdAt"]),
            reversedAt=_row_time(reversed_at),
            paymentId=payment_id,
        )
        data["_links"] = _relink(
            data["_links"], {EXAMPLE_PAYMENT: payment_id, EXAMPLE_CHARGEBACK: row["id"]}
        )
        return data

    # Control: what happens at Mollie's side (the donor pays, the treasurer refunds...).
    # Dates default to now, as at Mollie; pass aware datetimes to place them elsewhere.
    def set_status(
        self,
        payment_id: str,
        status: str,
        *,
        amount: str | None = None,
        paid_at=None,
        settlement: str | None = None,
    ):
        """`settlement`: the payment's settlementAmount from now on (Mollie's fee is what
        it keeps of the amount); without it, the whole amount, as in Mollie's examples."""
        with self.lock:
            self._set_status(payment_id, status, amount, paid_at)
            if settlement is not None:
                self.payments[payment_id]["settlement"] = settlement

    def authorize(self, payment_id: str, *, authorized_at=None):
        """The donor authorized a card payment that waits to be captured (captureMode manual)."""
        with self.lock:
            payment = self.payments[payment_id]
            payment.update(status="authorized", method="creditcard")
            payment["authorizedAt"] = utc(authorized_at)

    def capture(self, payment_id: str, value: str | None = None, *, paid_at=None):
        """The authorization is captured (all of it, or `value`): Mollie marks it paid."""
        with self.lock:
            payment = self.payments[payment_id]
            payment["captured"] = value or payment["amount"]["value"]
            self._set_status(payment_id, "paid", paid_at=paid_at)

    def refund(
        self, payment_id: str, value: str, *, status: str = "refunded", created_at=None
    ) -> str:
        with self.lock:
            return self._add(payment_id, "refunds", "re", value, created_at, status=status)

    def chargeback(self, payment_id: str, value: str, *, created_at=None) -> str:
        with self.lock:
            return self._add(payment_id, "chargebacks", "chb", value, created_at, reversedAt=None)

    def reverse_chargeback(self, payment_id: str, chargeback_id: str, *, reversed_at=None):
        with self.lock:
            row = next(
                c for c in self.payments[payment_id]["chargebacks"] if c["id"] == chargeback_id
            )
            row["reversedAt"] = utc(reversed_at)

    def _set_status(self, payment_id, status, amount=None, paid_at=None):
        payment = self.payments[payment_id]
        payment["status"] = status
        if status == "paid" and (paid_at or not payment["paidAt"]):
            payment["paidAt"] = utc(paid_at)
        if amount:
            payment["amount"] = {"currency": "EUR", "value": amount}

    def _add(self, payment_id, kind, prefix, value, created_at, **extra):
        rows = self.payments[payment_id][kind]
        row_id = f"{prefix}_fake{payment_id[7:]}_{len(rows) + 1}"
        rows.append({"id": row_id, "value": value, "createdAt": utc(created_at), **extra})
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
            self._add(payment_id, "refunds", "re", data["value"], None, status="refunded")
        else:
            self._add(payment_id, "chargebacks", "chb", data["value"], None, reversedAt=None)
        return 200, self.render(payment_id, {"refunds", "chargebacks"})
