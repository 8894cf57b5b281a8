"""Stripe's customers, subscriptions and invoices, for FakeStripe (tests/fakes/stripe_api.py).

Answers are Stripe's published examples (tests/fixtures/stripe/subscription.json,
invoice.json, invoice_payment.json) with only ids, amounts, statuses, dates and links
replaced. As at Stripe since API version 2025-03-31, an invoice names its subscription under
`parent.subscription_details` and its payment intents in `payments` (when expanded).
"""

import re
from urllib.parse import parse_qs

from tests.fakes.fixtures import overlay

_PERIOD = 30 * 24 * 3600


def _error(status: int, message: str, code: str = ""):
    error = {"type": "invalid_request_error", "message": message}
    if code:
        error["code"] = code
    return status, {"error": error}


class StripeRecurring:
    """Mixed into FakeStripe; its state lives next to the sessions'."""

    def _init_recurring(self):
        self.customers: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.invoices: dict[str, dict] = {}
        self.subscription_updates: list[dict] = []
        self.portal_sessions: list[dict] = []
        # True: invoices as accounts pinned before API version 2025-03-31 receive them.
        self.legacy_invoices = False

    def route_recurring(self, method, path, query, body, headers):
        expand = {v for k, vs in query.items() if k.startswith("expand") for v in vs}
        match = re.fullmatch(r"/v1/subscriptions/(sub_\w+)", path)
        if match:
            subscription = self.subscriptions.get(match.group(1))
            if subscription is None:
                return _error(404, "No such subscription", "resource_missing")
            if method == "DELETE":
                if subscription["status"] == "canceled":
                    # What Stripe answers for a second cancel.
                    return _error(400, "This subscription has already been canceled")
                self._set_subscription(
                    subscription,
                    "canceled",
                    canceled_at=self.now(),
                    reason="cancellation_requested",
                )
            if method == "POST":
                return self._update_subscription(subscription, body, headers)
            return 200, self.render_subscription(subscription["id"])
        if method == "POST" and path == "/v1/billing_portal/sessions":
            return self._portal_session({k: v[0] for k, v in parse_qs(body.decode()).items()})
        match = re.fullmatch(r"/v1/invoices/(in_\w+)", path)
        if method == "GET" and match:
            if match.group(1) not in self.invoices:
                return _error(404, "No such invoice", "resource_missing")
            return 200, self.render_invoice(match.group(1), expand)
        if method == "GET" and path == "/v1/invoices":
            subscription = query.get("subscription", [None])[0]
            since = int(query.get("created[gte]", ["0"])[0])
            rows = [
                self.render_invoice(i["id"], set())
                for i in sorted(self.invoices.values(), key=lambda i: i["created"], reverse=True)
                if i["subscription"] == subscription and i["created"] >= since
            ]
            return 200, {"object": "list", "data": rows, "has_more": False, "url": path}
        match = re.fullmatch(r"/v1/payment_intents/(pi_\w+)", path)
        if method == "GET" and match:
            if match.group(1) not in self.intents:
                return _error(404, "No such payment_intent", "resource_missing")
            prefixed = {f"payment_intent.{e}" for e in expand}
            return 200, self.render_intent(match.group(1), prefixed)
        return None

    def _update_subscription(self, subscription: dict, body: bytes, headers):
        """A new price for the subscription's one item, as Stripe takes it: the item's id and
        inline price_data with an existing product."""
        key = headers.get("Idempotency-Key", "")
        if key and key in self.by_key:
            return 200, self.render_subscription(self.by_key[key])
        if subscription["status"] == "canceled":
            return _error(400, "A canceled subscription can only update its cancellation_details")
        params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        price = "items[0][price_data]"
        if params.get("items[0][id]") != f"si_{subscription['id'][4:]}":
            return _error(400, "No such subscription item", "resource_missing")
        if not params.get(f"{price}[product]") or not params.get(f"{price}[recurring][interval]"):
            return _error(400, "Missing required param: items[0][price_data][product].")
        subscription["amount"] = int(params[f"{price}[unit_amount]"])
        self.subscription_updates.append({"id": subscription["id"], **params, "key": key})
        if key:
            self.by_key[key] = subscription["id"]
        return 200, self.render_subscription(subscription["id"])

    def _portal_session(self, params: dict):
        if params.get("customer") not in self.customers:
            return _error(400, "No such customer", "resource_missing")
        session_id = f"bps_fake{next(self._ids)}"
        self.portal_sessions.append(params)
        return 200, overlay(
            "stripe/billing_portal_session",
            id=session_id,
            customer=params["customer"],
            return_url=params.get("return_url"),
            locale=params.get("locale"),
            created=self.now(),
            livemode=False,
            url=f"{self.url}/portal/{session_id}",
        )

    @staticmethod
    def subscription_params(body: bytes) -> dict:
        params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        return {
            "interval": params.get("line_items[0][price_data][recurring][interval]"),
            "metadata": {"sponsorship": params.get("subscription_data[metadata][sponsorship]")},
        }

    # Rendering, from the published examples.
    def render_subscription(self, subscription_id: str) -> dict:
        s = self.subscriptions[subscription_id]
        item = overlay("stripe/subscription")["items"]["data"][0]
        price = dict(
            item["price"],
            currency=s["currency"],
            unit_amount=s["amount"],
            unit_amount_decimal=str(s["amount"]),
            livemode=False,
        )
        item.update(
            id=f"si_{subscription_id[4:]}",
            subscription=subscription_id,
            price=price,
            current_period_start=s["created"],
            current_period_end=s["created"] + _PERIOD,
        )
        return overlay(
            "stripe/subscription",
            id=subscription_id,
            status=s["status"],
            customer=s["customer"],
            currency=s["currency"],
            metadata=s["metadata"],
            created=s["created"],
            start_date=s["created"],
            billing_cycle_anchor=s["created"],
            canceled_at=s["canceled_at"],
            ended_at=s["canceled_at"],
            cancellation_details={
                "comment": None,
                "feedback": None,
                "reason": s.get("cancellation_reason"),
            },
            cancel_at=None,
            cancel_at_period_end=False,
            latest_invoice=s["latest_invoice"],
            livemode=False,
            items={
                "object": "list",
                "data": [item],
                "has_more": False,
                "url": f"/v1/subscription_items?subscription={subscription_id}",
            },
        )

    def render_invoice(self, invoice_id: str, expand: set[str]) -> dict:
        i = self.invoices[invoice_id]
        s = self.subscriptions[i["subscription"]]
        paid = i["status"] == "paid"
        line = overlay("stripe/invoice")["lines"]["data"][0]
        line.update(
            id=f"il_{invoice_id[3:]}",
            invoice=invoice_id,
            amount=i["amount"],
            subtotal=i["amount"],
            currency=s["currency"],
            description=f"1 × {s['currency']}",
            period={"start": i["created"], "end": i["created"] + _PERIOD},
            parent={
                "type": "subscription_item_details",
                "invoice_item_details": None,
                "subscription_item_details": {
                    "invoice_item": None,
                    "proration": False,
                    "proration_details": {"credited_items": None},
                    "subscription": i["subscription"],
                    "subscription_item": f"si_{i['subscription'][4:]}",
                },
            },
        )
        data = overlay(
            "stripe/invoice",
            id=invoice_id,
            status=i["status"],
            customer=s["customer"],
            currency=s["currency"],
            amount_due=i["amount"],
            amount_paid=i["amount"] if paid else 0,
            amount_remaining=0 if paid else i["amount"],
            amount_overpaid=0,
            amount_shipping=0,
            subtotal=i["amount"],
            subtotal_excluding_tax=i["amount"],
            total=i["amount"],
            total_excluding_tax=i["amount"],
            attempted=i["attempt_count"] > 0,
            attempt_count=i["attempt_count"],
            auto_advance=not paid,
            billing_reason=i["billing_reason"],
            created=i["created"],
            period_start=i["created"],
            period_end=i["created"],
            effective_at=i["created"],
            due_date=None,
            from_invoice=None,
            last_finalization_error=None,
            shipping_cost=None,
            next_payment_attempt=None if paid else i["created"] + 3 * 24 * 3600,
            status_transitions={
                "finalized_at": i["created"],
                "marked_uncollectible_at": None,
                "paid_at": i["paid_at"] if paid else None,
                "voided_at": None,
            },
            lines={
                "object": "list",
                "data": [line],
                "has_more": False,
                "url": f"/v1/invoices/{invoice_id}/lines",
            },
            # The pre-2025-03-31 field, null under the pinned API version.
            subscription=None,
            parent={
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {
                    "metadata": s["metadata"],
                    "subscription": i["subscription"],
                },
            },
            livemode=False,
        )
        if self.legacy_invoices:
            data.update(subscription=i["subscription"], parent=None)
        if "payments" in expand:
            payment = overlay(
                "stripe/invoice_payment",
                id=f"inpay_{invoice_id[3:]}",
                invoice=invoice_id,
                amount_paid=i["amount"] if paid else None,
                amount_requested=i["amount"],
                currency=s["currency"],
                created=i["created"],
                livemode=False,
                status="paid" if paid else "open",
                payment={"type": "payment_intent", "payment_intent": i["payment_intent"]},
                status_transitions={
                    "canceled_at": None,
                    "paid_at": i["paid_at"] if paid else None,
                },
            )
            data["payments"] = {
                "object": "list",
                "data": [payment],
                "has_more": False,
                "url": f"/v1/invoices/{invoice_id}/payments",
            }
        return data
