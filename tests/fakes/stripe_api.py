"""Enough of Stripe's v1 API (Checkout Sessions, disputes, subscriptions) for the real SDK.

Every object is Stripe's published example (tests/fixtures/stripe/) with only ids, amounts,
statuses, dates and links replaced. Expansion follows Stripe's rules: a nested object is an
id unless asked for with `expand[]`.
"""

import hashlib
import hmac
import itertools
import json
import re
import time
from datetime import datetime
from urllib.parse import parse_qs

from tests.fakes.fixtures import overlay, utc
from tests.fakes.server import FakeAPI
from tests.fakes.stripe_billing import StripeBillingControl
from tests.fakes.stripe_recurring import StripeRecurring


def _error(status: int, message: str):
    return status, {"error": {"type": "invalid_request_error", "message": message}}


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A real Stripe-Signature header for a payload, as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _unix(moment: datetime | None) -> int:
    return int(utc(moment).timestamp())


def _wants(expand: set[str], path: str) -> bool:
    return any(e == path or e.startswith(path + ".") for e in expand)


# Kept on the fake's session, but rendered apart (expanded) or not at all.
_NOT_RENDERED = ("payment_intent", "subscription", "subscription_data")


class FakeStripe(StripeRecurring, StripeBillingControl, FakeAPI):
    down_body = {"error": {"type": "api_error", "message": "Stripe is temporarily unavailable"}}

    def __init__(self):
        self.sessions: dict[str, dict] = {}
        self.intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.disputes: list[dict] = []
        self.by_key: dict[str, str] = {}
        self.created_params: list[dict] = []
        self._ids = itertools.count(1)
        self._init_recurring()
        super().__init__()

    def route(self, method, path, query, body, headers):
        if path.startswith("/_control/"):
            return self._control(path, json.loads(body or b"{}"))
        if not headers.get("Authorization", "").startswith("Bearer sk_"):
            return 401, {"error": {"type": "authentication_error", "message": "No API key"}}
        if method == "POST" and path == "/v1/checkout/sessions":
            params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            return self._create(params, headers.get("Idempotency-Key", ""), body)
        match = re.fullmatch(r"/v1/checkout/sessions/(cs_\w+)", path)
        if method == "GET" and match:
            if match.group(1) not in self.sessions:
                return _error(404, "No such checkout.session")
            expand = {v for k, vs in query.items() if k.startswith("expand") for v in vs}
            return 200, self.render_session(match.group(1), expand)
        answer = self.route_recurring(method, path, query, body, headers)
        if answer is not None:
            return answer
        if method == "GET" and path == "/v1/disputes":
            intent = query.get("payment_intent", [None])[0]
            data = [self.render_dispute(d) for d in self.disputes if d["payment_intent"] == intent]
            return 200, {"object": "list", "data": data, "has_more": False, "url": path}
        return _error(404, f"Unrecognized request URL ({method}: {path})")

    def _create(self, params, key, body=b""):
        if key and key in self.by_key:
            return 200, self.render_session(self.by_key[key], set())
        if "{CHECKOUT_SESSION_ID}" not in params.get("success_url", ""):
            return _error(400, "success_url should contain {CHECKOUT_SESSION_ID}")
        if params.get("mode") == "subscription" and not params.get(
            "line_items[0][price_data][recurring][interval]"
        ):
            return _error(400, "subscription mode needs a recurring price")
        if any(k.startswith("payment_method_types[") for k in params):
            # Removed from Checkout Session creation in API version 2026-09-30 (the SDK's
            # pinned version is later): allowed_payment_method_types replaces it.
            return _error(400, "Received unknown parameter: payment_method_types")
        allowed = [v for k, v in sorted(params.items()) if k.startswith("allowed_payment_method")]
        self.created_params.append(params)
        session_id = f"cs_test_{next(self._ids)}"
        created = _unix(None)
        self.sessions[session_id] = {
            "id": session_id,
            "status": "open",
            "payment_status": "unpaid",
            "mode": params.get("mode"),
            "submit_type": params.get("submit_type"),
            "amount_total": int(params["line_items[0][price_data][unit_amount]"]),
            "currency": params["line_items[0][price_data][currency]"],
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")},
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "locale": params.get("locale"),
            # The session lists the methods it offers: those allowed (the fake offers all).
            "payment_method_types": allowed or ["card"],
            "payment_intent": None,
            "customer": None,
            "subscription": None,
            "invoice": None,
            "subscription_data": self.subscription_params(body)
            if params.get("mode") == "subscription"
            else None,
            "created": created,
            "expires_at": created + 24 * 3600,
        }
        if key:
            self.by_key[key] = session_id
        return 200, self.render_session(session_id, set())

    # What Stripe answers, built on its published examples.
    def render_session(self, session_id: str, expand: set[str]) -> dict:
        session = self.sessions[session_id]
        intent_id = session["payment_intent"]
        intent = intent_id
        if intent_id and _wants(expand, "payment_intent"):
            intent = self.render_intent(intent_id, expand)
        amount = session["amount_total"]
        subscription = session["subscription"]
        if subscription and _wants(expand, "subscription"):
            subscription = self.render_subscription(subscription)
        return overlay(
            "stripe/checkout_session",
            **{k: v for k, v in session.items() if k not in _NOT_RENDERED},
            payment_intent=intent,
            subscription=subscription,
            amount_subtotal=amount,
            livemode=False,
            # Stripe clears the URL once the session is complete or expired.
            url=f"{self.url}/pay/{session_id}" if session["status"] == "open" else None,
        )

    def render_intent(self, intent_id: str, expand: set[str]) -> dict:
        intent = self.intents[intent_id]
        charge = intent["latest_charge"]
        if charge and _wants(expand, "payment_intent.latest_charge"):
            charge = self.render_charge(charge, expand, prefix="payment_intent.latest_charge")
        succeeded = intent["status"] == "succeeded"
        return overlay(
            "stripe/payment_intent",
            id=intent_id,
            status=intent["status"],
            amount=intent["amount"],
            amount_received=intent["amount"] if succeeded else 0,
            currency=intent["currency"],
            created=intent["created"],
            latest_charge=charge,
            client_secret=f"{intent_id}_secret_fake",
            livemode=False,
            # The example is a canceled, failed intent; these belong to that state only.
            canceled_at=None,
            last_payment_error=intent.get("last_payment_error"),
            next_action=None,
            payment_method_types=intent.get("payment_method_types", ["card"]),
        )

    def render_charge(self, charge_id: str, expand: set[str], prefix: str = "") -> dict:
        charge = self.charges[charge_id]
        path = f"{prefix}." if prefix else ""
        refunded = sum(r["amount"] for r in charge["refunds"])
        transaction = f"txn_{charge_id[3:]}"
        if _wants(expand, f"{path}balance_transaction"):
            transaction = overlay(
                "stripe/balance_transaction",
                id=transaction,
                amount=charge["amount"],
                fee=charge["fee"],
                net=charge["amount"] - charge["fee"],
                currency=charge["currency"],
                created=charge["created"],
                available_on=charge["created"] + 7 * 24 * 3600,
                source=charge_id,
            )
        data = overlay(
            "stripe/charge",
            id=charge_id,
            amount=charge["amount"],
            amount_captured=charge["amount"],
            amount_refunded=refunded,
            refunded=refunded >= charge["amount"],
            captured=True,
            currency=charge["currency"],
            created=charge["created"],
            payment_intent=charge["payment_intent"],
            balance_transaction=transaction,
            livemode=False,
            disputed=any(d["charge"] == charge_id for d in self.disputes),
        )
        if _wants(expand, f"{path}refunds"):
            data["refunds"] = {
                "object": "list",
                "data": [self.render_refund(charge, r) for r in charge["refunds"]],
                "has_more": False,
                "url": f"/v1/charges/{charge_id}/refunds",
            }
        else:
            # Since API version 2022-11-15 a charge lists its refunds only when expanded.
            del data["refunds"]
        return data

    def render_refund(self, charge: dict, refund: dict) -> dict:
        return overlay(
            "stripe/refund",
            id=refund["id"],
            amount=refund["amount"],
            status=refund["status"],
            created=refund["created"],
            currency=charge["currency"],
            charge=charge["id"],
            payment_intent=charge["payment_intent"],
        )

    def render_dispute(self, dispute: dict) -> dict:
        charge = self.charges[dispute["charge"]]
        moves = [(-dispute["amount"], dispute["created"], "dispute")]
        if dispute["reinstated"] is not None:
            moves.append((dispute["amount"], dispute["reinstated"], "dispute_reversal"))
        transactions = [
            overlay(
                "stripe/balance_transaction",
                id=f"txn_{dispute['id'][3:]}_{n}",
                amount=amount,
                fee=0,
                net=amount,
                currency=charge["currency"],
                created=created,
                available_on=created,
                source=dispute["id"],
                type="adjustment",
                reporting_category=category,
            )
            for n, (amount, created, category) in enumerate(moves, start=1)
        ]
        return overlay(
            "stripe/dispute",
            id=dispute["id"],
            amount=dispute["amount"],
            status=dispute["status"],
            created=dispute["created"],
            currency=charge["currency"],
            charge=dispute["charge"],
            payment_intent=dispute["payment_intent"],
            balance_transactions=transactions,
            is_charge_refundable=False,
            livemode=False,
        )

    def _control(self, path, data):
        # POST /_control/sessions/<id>/<action>: the event Stripe would send (lock held).
        match = re.fullmatch(r"/_control/sessions/(cs_\w+)/(\w+)", path)
        actions = {
            "complete": lambda sid: self._complete(sid, data.get("fee_cents", 0), None, None),
            "expire": self._expire,
            "refund": lambda sid: self._refund(sid, int(data["cents"]), None),
        }
        if not match or match.group(1) not in self.sessions or match.group(2) not in actions:
            return _error(404, "unknown control route")
        return 200, actions[match.group(2)](match.group(1))

    # Control: what happens at Stripe's side. Each returns the event Stripe would send.
    # Dates default to now, as at Stripe; pass aware datetimes to place them elsewhere.
    def _event(self, event_type: str, obj: dict, created: int | None = None) -> dict:
        return overlay(
            "stripe/event",
            id=f"evt_{next(self._ids)}",
            type=event_type,
            created=int(time.time()) if created is None else created,
            data={"object": obj},
            livemode=False,
        )

    def _intent(self, session_id: str, status: str) -> dict:
        session = self.sessions[session_id]
        intent_id = session["payment_intent"] or f"pi_{session_id[8:]}"
        session["payment_intent"] = intent_id
        intent = self.intents.setdefault(
            intent_id,
            {
                "id": intent_id,
                "amount": session["amount_total"],
                "currency": session["currency"],
                "created": session["created"],
                "latest_charge": None,
            },
        )
        intent["status"] = status
        return intent

    def complete(
        self, session_id: str, *, fee_cents: int = 0, amount_cents=None, paid_at=None
    ) -> dict:
        """The donor paid by card: checkout.session.completed with payment_status=paid."""
        with self.lock:
            return self._complete(session_id, fee_cents, amount_cents, paid_at)

    def _complete(self, session_id, fee_cents, amount_cents, paid_at):
        session = self.sessions[session_id]
        if amount_cents is not None:
            session["amount_total"] = amount_cents
        session.update(status="complete", payment_status="paid")
        intent = self._intent(session_id, "succeeded")
        charge_id = f"ch_{session_id[8:]}"
        self.charges[charge_id] = {
            "id": charge_id,
            "amount": session["amount_total"],
            "currency": session["currency"],
            "fee": fee_cents,
            "payment_intent": intent["id"],
            "created": _unix(paid_at),
            "refunds": [],
        }
        intent["latest_charge"] = charge_id
        return self._event("checkout.session.completed", self.render_session(session_id, set()))

    def complete_async(self, session_id: str) -> dict:
        """An asynchronous method: completed, but the money is still on its way."""
        with self.lock:
            session = self.sessions[session_id]
            session.update(status="complete", payment_status="unpaid")
            self._intent(session_id, "processing")
            return self._event("checkout.session.completed", self.render_session(session_id, set()))

    def async_succeeded(self, session_id: str) -> dict:
        event = self.complete(session_id)
        event["type"] = "checkout.session.async_payment_succeeded"
        return event

    def async_failed(self, session_id: str) -> dict:
        with self.lock:
            session = self.sessions[session_id]
            session.update(status="complete", payment_status="unpaid")
            self._intent(session_id, "requires_payment_method")
            return self._event(
                "checkout.session.async_payment_failed", self.render_session(session_id, set())
            )

    def expire(self, session_id: str) -> dict:
        with self.lock:
            return self._expire(session_id)

    def _expire(self, session_id):
        self.sessions[session_id]["status"] = "expired"
        return self._event("checkout.session.expired", self.render_session(session_id, set()))

    def refund(self, session_id: str, cents: int, *, created_at=None) -> dict:
        with self.lock:
            return self._refund(session_id, cents, created_at)

    def _refund(self, session_id, cents, created_at):
        charge_id = self.intents[self.sessions[session_id]["payment_intent"]]["latest_charge"]
        charge = self.charges[charge_id]
        charge["refunds"].append(
            {
                "id": f"re_{session_id[8:]}_{len(charge['refunds']) + 1}",
                "amount": cents,
                "status": "succeeded",
                "created": _unix(created_at),
            }
        )
        return self._event("charge.refunded", self.render_charge(charge_id, set()))

    def dispute(self, session_id: str, cents: int, *, created_at=None) -> dict:
        with self.lock:
            return self._dispute(self.sessions[session_id]["payment_intent"], cents, created_at)

    def _dispute(self, intent_id: str, cents: int, created_at) -> dict:
        dispute = {
            "id": f"dp_{intent_id[3:]}_{len(self.disputes) + 1}",
            "amount": cents,
            "status": "needs_response",
            "payment_intent": intent_id,
            "charge": self.intents[intent_id]["latest_charge"],
            "created": _unix(created_at),
            "reinstated": None,
        }
        self.disputes.append(dispute)
        return self._event("charge.dispute.created", self.render_dispute(dispute))

    def win_dispute(
        self, dispute_id: str, *, won_at=None, reinstated: bool = True, event_at=None
    ) -> dict:
        """The foundation won: Stripe reinstates the funds (a balance transaction at `won_at`).

        `reinstated=False` leaves the reinstating transaction out, as for a dispute whose
        money was never withdrawn; `event_at` dates the event (default `won_at`).
        """
        with self.lock:
            dispute = next(d for d in self.disputes if d["id"] == dispute_id)
            dispute["status"] = "won"
            if reinstated:
                dispute["reinstated"] = _unix(won_at)
            created = _unix(event_at if event_at is not None else won_at)
            return self._event("charge.dispute.closed", self.render_dispute(dispute), created)
