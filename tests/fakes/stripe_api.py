"""Enough of Stripe's v1 API (Checkout Sessions, disputes) for the real stripe SDK."""

import hashlib
import hmac
import itertools
import json
import re
import time
from urllib.parse import parse_qs

from tests.fakes.server import FakeAPI


def _error(status: int, message: str):
    return status, {"error": {"type": "invalid_request_error", "message": message}}


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A real Stripe-Signature header for a payload, as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class FakeStripe(FakeAPI):
    down_body = {"error": {"type": "api_error", "message": "Stripe is temporarily unavailable"}}

    def __init__(self):
        self.sessions: dict[str, dict] = {}
        self.intents: dict[str, dict] = {}
        self.disputes: list[dict] = []
        self.by_key: dict[str, str] = {}
        self.created_params: list[dict] = []
        self._ids = itertools.count(1)
        super().__init__()

    def route(self, method, path, query, body, headers):
        if path.startswith("/_control/"):
            return self._control(path, json.loads(body or b"{}"))
        if not headers.get("Authorization", "").startswith("Bearer sk_"):
            return 401, {"error": {"type": "authentication_error", "message": "No API key"}}
        if method == "POST" and path == "/v1/checkout/sessions":
            params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            return self._create(params, headers.get("Idempotency-Key", ""))
        match = re.fullmatch(r"/v1/checkout/sessions/(cs_\w+)", path)
        if method == "GET" and match:
            session = self.sessions.get(match.group(1))
            if session is None:
                return _error(404, "No such checkout.session")
            expand = {v for k, vs in query.items() if k.startswith("expand") for v in vs}
            return 200, self._render(session, expand)
        if method == "GET" and path == "/v1/disputes":
            intent = query.get("payment_intent", [None])[0]
            data = [d for d in self.disputes if d["payment_intent"] == intent]
            return 200, {"object": "list", "data": data, "has_more": False, "url": path}
        return _error(404, f"Unrecognized request URL ({method}: {path})")

    def _create(self, params, key):
        if key and key in self.by_key:
            return 200, self._render(self.sessions[self.by_key[key]], set())
        if "{CHECKOUT_SESSION_ID}" not in params.get("success_url", ""):
            return _error(400, "success_url should contain {CHECKOUT_SESSION_ID}")
        self.created_params.append(params)
        session_id = f"cs_test_{next(self._ids)}"
        self.sessions[session_id] = {
            "id": session_id,
            "object": "checkout.session",
            "status": "open",
            "payment_status": "unpaid",
            "mode": params.get("mode"),
            "submit_type": params.get("submit_type"),
            "amount_total": int(params["line_items[0][price_data][unit_amount]"]),
            "currency": params["line_items[0][price_data][currency]"],
            "client_reference_id": params.get("client_reference_id"),
            "metadata": {"donation": params.get("metadata[donation]")},
            "payment_intent": None,
            "url": f"{self.url}/pay/{session_id}",
        }
        if key:
            self.by_key[key] = session_id
        return 200, self._render(self.sessions[session_id], set())

    def _render(self, session, expand):
        data = dict(session)
        intent_id = session["payment_intent"]
        if intent_id and "payment_intent.latest_charge.balance_transaction" in expand:
            intent = json.loads(json.dumps(self.intents[intent_id]))
            data["payment_intent"] = intent
        return data

    def _control(self, path, data):
        # POST /_control/sessions/<id>/<action>: the event Stripe would send (lock held).
        match = re.fullmatch(r"/_control/sessions/(cs_\w+)/(\w+)", path)
        actions = {
            "complete": lambda sid: self._complete(sid, data.get("fee_cents", 0), None),
            "expire": self._expire,
            "refund": lambda sid: self._refund(sid, int(data["cents"])),
        }
        if not match or match.group(1) not in self.sessions or match.group(2) not in actions:
            return _error(404, "unknown control route")
        return 200, actions[match.group(2)](match.group(1))

    # Control: what happens at Stripe's side. Each returns the event Stripe would send.
    def _event(self, event_type: str, obj: dict) -> dict:
        return {
            "id": f"evt_{next(self._ids)}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": obj},
        }

    def _intent(self, session_id: str, status: str) -> dict:
        session = self.sessions[session_id]
        intent_id = session["payment_intent"] or f"pi_{session_id[8:]}"
        session["payment_intent"] = intent_id
        intent = self.intents.setdefault(
            intent_id,
            {
                "id": intent_id,
                "object": "payment_intent",
                "status": status,
                "latest_charge": None,
            },
        )
        intent["status"] = status
        return intent

    def complete(self, session_id: str, *, fee_cents: int = 0, amount_cents=None) -> dict:
        """The donor paid by card: checkout.session.completed with payment_status=paid."""
        with self.lock:
            return self._complete(session_id, fee_cents, amount_cents)

    def _complete(self, session_id, fee_cents, amount_cents):
        session = self.sessions[session_id]
        if amount_cents is not None:
            session["amount_total"] = amount_cents
        session.update(status="complete", payment_status="paid")
        intent = self._intent(session_id, "succeeded")
        intent["latest_charge"] = {
            "id": f"ch_{session_id[8:]}",
            "object": "charge",
            "amount": session["amount_total"],
            "payment_intent": intent["id"],
            "balance_transaction": {
                "id": f"txn_{session_id[8:]}",
                "object": "balance_transaction",
                "fee": fee_cents,
            },
            "refunds": {"object": "list", "data": [], "has_more": False, "url": "/v1/refunds"},
        }
        return self._event("checkout.session.completed", dict(session))

    def complete_async(self, session_id: str) -> dict:
        """An asynchronous method: completed, but the money is still on its way."""
        with self.lock:
            session = self.sessions[session_id]
            session.update(status="complete", payment_status="unpaid")
            self._intent(session_id, "processing")
            return self._event("checkout.session.completed", dict(session))

    def async_succeeded(self, session_id: str) -> dict:
        event = self.complete(session_id)
        event["type"] = "checkout.session.async_payment_succeeded"
        return event

    def async_failed(self, session_id: str) -> dict:
        with self.lock:
            session = self.sessions[session_id]
            session.update(status="complete", payment_status="unpaid")
            self._intent(session_id, "requires_payment_method")
            return self._event("checkout.session.async_payment_failed", dict(session))

    def expire(self, session_id: str) -> dict:
        with self.lock:
            return self._expire(session_id)

    def _expire(self, session_id):
        session = self.sessions[session_id]
        session["status"] = "expired"
        return self._event("checkout.session.expired", dict(session))

    def refund(self, session_id: str, cents: int) -> dict:
        with self.lock:
            return self._refund(session_id, cents)

    def _refund(self, session_id, cents):
        charge = self.intents[self.sessions[session_id]["payment_intent"]]["latest_charge"]
        refund_id = f"re_{session_id[8:]}_{len(charge['refunds']['data']) + 1}"
        charge["refunds"]["data"].append(
            {"id": refund_id, "object": "refund", "amount": cents, "status": "succeeded"}
        )
        public = {k: v for k, v in charge.items() if k != "balance_transaction"}
        return self._event("charge.refunded", public)

    def win_dispute(self, dispute_id: str) -> dict:
        with self.lock:
            dispute = next(d for d in self.disputes if d["id"] == dispute_id)
            dispute["status"] = "won"
            return self._event("charge.dispute.closed", dict(dispute))

    def dispute(self, session_id: str, cents: int) -> dict:
        with self.lock:
            intent_id = self.sessions[session_id]["payment_intent"]
            dispute = {
                "id": f"dp_{session_id[8:]}_{len(self.disputes) + 1}",
                "object": "dispute",
                "amount": cents,
                "status": "needs_response",
                "payment_intent": intent_id,
                "charge": f"ch_{session_id[8:]}",
            }
            self.disputes.append(dispute)
            return self._event("charge.dispute.created", dict(dispute))
