"""What happens at Stripe's side of monthly giving, for FakeStripe (tests/fakes/stripe_api.py).

Each control method changes the fake's subscriptions and invoices as Stripe would, and
returns the event Stripe would send; the state and its rendering live in stripe_recurring.py.
"""

import time

from tests.fakes.fixtures import utc

# Stripe's messages for some decline codes (docs.stripe.com/declines/codes).
CARD_DECLINES = {
    "insufficient_funds": "Your card has insufficient funds.",
    "expired_card": "Your card has expired.",
}


class StripeBillingControl:
    """Mixed into FakeStripe next to StripeRecurring."""

    def now(self) -> int:
        return int(time.time())

    def complete_subscription(self, session_id: str, *, paid_at=None, fee_cents: int = 0) -> dict:
        """The donor paid the first month by card: Stripe made a customer, a subscription and
        its first invoice. Returns checkout.session.completed."""
        with self.lock:
            self._subscribe(session_id, paid=True, paid_at=paid_at, fee_cents=fee_cents)
            return self._event("checkout.session.completed", self.render_session(session_id, set()))

    def complete_subscription_delayed(self, session_id: str) -> dict:
        """The donor signed a SEPA Direct Debit mandate. Stripe made the customer and the
        subscription, which stays `incomplete` while the first invoice's debit is processing
        (it settles days later); the session is complete but `unpaid`.
        Returns checkout.session.completed."""
        with self.lock:
            self._subscribe(session_id, paid=False, paid_at=None, fee_cents=0)
            return self._event("checkout.session.completed", self.render_session(session_id, set()))

    def settle_first_invoice(self, session_id: str, *, at=None, fee_cents: int = 0) -> dict:
        """The first SEPA debit arrived: the invoice is paid, the subscription active and the
        session paid (Stripe also sends checkout.session.async_payment_succeeded, see
        `session_event`). Returns invoice.paid."""
        with self.lock:
            session = self.sessions[session_id]
            invoice = self.invoices[session["invoice"]]
            self._pay(invoice, at, fee_cents)
            self._set_subscription(self.subscriptions[session["subscription"]], "active")
            session["payment_status"] = "paid"
            return self._event("invoice.paid", self.render_invoice(invoice["id"], set()))

    def fail_first_invoice(self, session_id: str, *, code: str = "insufficient_funds") -> dict:
        """The first SEPA debit came back: the payment failed, the invoice stays open and the
        subscription incomplete (Stripe does not retry a first invoice). Returns
        invoice.payment_failed (and checkout.session.async_payment_failed follows)."""
        with self.lock:
            session = self.sessions[session_id]
            invoice = self.invoices[session["invoice"]]
            self._decline(invoice, code)
            return self._event("invoice.payment_failed", self.render_invoice(invoice["id"], set()))

    def session_event(self, session_id: str, event_type: str) -> dict:
        """An event about the session as it is now, e.g. checkout.session.async_payment_…"""
        with self.lock:
            return self._event(event_type, self.render_session(session_id, set()))

    def _subscribe(self, session_id: str, *, paid: bool, paid_at, fee_cents: int):
        session = self.sessions[session_id]
        n = session_id[8:]
        customer_id, subscription_id = f"cus_fake{n}", f"sub_fake{n}"
        self.customers[customer_id] = {"id": customer_id, "created": self.now()}
        self.subscriptions[subscription_id] = {
            "id": subscription_id,
            "customer": customer_id,
            "status": "active" if paid else "incomplete",
            "amount": session["amount_total"],
            "currency": session["currency"],
            "metadata": session["subscription_data"]["metadata"],
            "interval": session["subscription_data"]["interval"],
            "payment_method_types": session["payment_method_types"],
            "created": self.now(),
            "canceled_at": None,
            "cancellation_reason": None,
            "latest_invoice": None,
        }
        invoice_id = self._invoice(
            subscription_id, "subscription_create", paid_at, fee_cents, paid=paid
        )
        session.update(
            status="complete",
            payment_status="paid" if paid else "unpaid",
            customer=customer_id,
            subscription=subscription_id,
            invoice=invoice_id,
        )

    def charge_month(self, subscription_id: str, *, at=None, fee_cents: int = 0) -> dict:
        """Stripe invoiced a month and charged the card. Returns invoice.paid."""
        with self.lock:
            self._chargeable(subscription_id)
            invoice_id = self._invoice(subscription_id, "subscription_cycle", at, fee_cents, True)
            return self._event("invoice.paid", self.render_invoice(invoice_id, set()))

    def fail_month(self, subscription_id: str, *, code: str = "insufficient_funds") -> dict:
        """The card was declined: the invoice stays open (Stripe retries) and the
        subscription goes past_due. Returns invoice.payment_failed."""
        with self.lock:
            self._chargeable(subscription_id)
            invoice_id = self._invoice(subscription_id, "subscription_cycle", None, 0, False)
            self._decline(self.invoices[invoice_id], code)
            self._set_subscription(self.subscriptions[subscription_id], "past_due")
            return self._event("invoice.payment_failed", self.render_invoice(invoice_id, set()))

    def retry_paid(self, invoice_id: str, *, at=None) -> dict:
        """Stripe's retry succeeded: the same invoice paid, the subscription active again."""
        with self.lock:
            invoice = self.invoices[invoice_id]
            self._pay(invoice, at, 0)
            self._set_subscription(self.subscriptions[invoice["subscription"]], "active")
            return self._event("invoice.paid", self.render_invoice(invoice_id, set()))

    def subscription_event(self, subscription_id: str) -> dict:
        """customer.subscription.updated, with the subscription as it is now."""
        with self.lock:
            subscription = self.render_subscription(subscription_id)
            return self._event("customer.subscription.updated", subscription)

    def cancel(self, subscription_id: str) -> dict:
        """Cancelled at Stripe's side (the dashboard). Returns customer.subscription.deleted."""
        with self.lock:
            subscription = self.subscriptions[subscription_id]
            self._set_subscription(
                subscription, "canceled", canceled_at=self.now(), reason="cancellation_requested"
            )
            return self._event(
                "customer.subscription.deleted", self.render_subscription(subscription_id)
            )

    def give_up(self, subscription_id: str, *, then: str = "canceled") -> dict:
        """Every retry of a past_due month failed and Stripe stops, as the account's settings
        say: `canceled` (customer.subscription.deleted, cancellation reason
        payment_failed) or `unpaid` (customer.subscription.updated). Returns the event."""
        with self.lock:
            subscription = self.subscriptions[subscription_id]
            if then == "canceled":
                self._set_subscription(
                    subscription, "canceled", canceled_at=self.now(), reason="payment_failed"
                )
                event_type = "customer.subscription.deleted"
            else:
                self._set_subscription(subscription, "unpaid")
                event_type = "customer.subscription.updated"
            return self._event(event_type, self.render_subscription(subscription_id))

    def dispute_invoice(self, invoice_id: str, cents: int, *, created_at=None) -> dict:
        """The donor disputed a month's charge. Returns charge.dispute.created."""
        with self.lock:
            return self._dispute(self.invoices[invoice_id]["payment_intent"], cents, created_at)

    def refund_invoice(self, invoice_id: str, cents: int) -> dict:
        """The foundation refunded (part of) a month's charge in Stripe's dashboard.
        Returns charge.refunded."""
        with self.lock:
            charge_id = self.intents[self.invoices[invoice_id]["payment_intent"]]["latest_charge"]
            charge = self.charges[charge_id]
            charge["refunds"].append(
                {
                    "id": f"re_{invoice_id[3:]}_{len(charge['refunds']) + 1}",
                    "amount": cents,
                    "status": "succeeded",
                    "created": self.now(),
                }
            )
            return self._event("charge.refunded", self.render_charge(charge_id, set()))

    def _chargeable(self, subscription_id: str):
        status = self.subscriptions[subscription_id]["status"]
        if status not in ("active", "past_due"):
            raise ValueError(f"{subscription_id} is {status}; Stripe would not invoice it")

    def _set_subscription(self, subscription: dict, status: str, canceled_at=None, reason=None):
        subscription["status"] = status
        if canceled_at is not None:
            subscription["canceled_at"] = canceled_at
            subscription["cancellation_reason"] = reason

    def _decline(self, invoice: dict, code: str):
        """The attempt to collect the invoice failed, as the card network or the bank says."""
        intent = self.intents[invoice["payment_intent"]]
        if intent["payment_method_types"] == ["sepa_debit"]:
            # A bank debit has no decline_code: the error's code is the reason.
            error = {
                "type": "invalid_request_error",
                "code": code,
                "message": "The customer's account has insufficient funds to cover this payment.",
            }
        else:
            error = {
                "type": "card_error",
                "code": "card_declined",
                "decline_code": code,
                "message": CARD_DECLINES.get(code, "Your card was declined."),
            }
        intent.update(status="requires_payment_method", last_payment_error=error)

    def _invoice(self, subscription_id, reason, at, fee_cents, paid) -> str:
        subscription = self.subscriptions[subscription_id]
        invoice_id = f"in_fake{next(self._ids)}"
        created = self.now() if at is None else int(utc(at).timestamp())
        intent_id = f"pi_{invoice_id[3:]}"
        self.intents[intent_id] = {
            "id": intent_id,
            "amount": subscription["amount"],
            "currency": subscription["currency"],
            "created": created,
            "latest_charge": None,
            "status": "processing",
            "payment_method_types": subscription["payment_method_types"],
        }
        self.invoices[invoice_id] = {
            "id": invoice_id,
            "subscription": subscription_id,
            "amount": subscription["amount"],
            "billing_reason": reason,
            "status": "open",
            "attempt_count": 1,
            "created": created,
            "paid_at": None,
            "payment_intent": intent_id,
        }
        subscription["latest_invoice"] = invoice_id
        if paid:
            self._pay(self.invoices[invoice_id], at, fee_cents)
        return invoice_id

    def _pay(self, invoice: dict, at, fee_cents: int):
        paid_at = self.now() if at is None else int(utc(at).timestamp())
        intent = self.intents[invoice["payment_intent"]]
        charge_id = f"ch_{invoice['id'][3:]}_{invoice['attempt_count']}"
        self.charges[charge_id] = {
            "id": charge_id,
            "amount": invoice["amount"],
            "currency": intent["currency"],
            "fee": fee_cents,
            "payment_intent": intent["id"],
            "created": paid_at,
            "refunds": [],
        }
        intent.update(status="succeeded", latest_charge=charge_id, last_payment_error=None)
        invoice.update(status="paid", paid_at=paid_at)
