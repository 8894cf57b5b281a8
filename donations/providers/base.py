"""The interface every payment provider implements.

A provider turns a donation into a hosted checkout, reports a payment's current state, and
turns a webhook request into the payment references it concerns. It never changes the
ledger itself: `donations.payments.payment_apply_status` does that, for every provider.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from donations.models import Donation


class ProviderUnavailable(Exception):
    """The provider could not be reached or answered with an error; try again later."""


class WebhookRejected(Exception):
    """The webhook request is not authentic or not readable; answer 400, change nothing."""


@dataclass(frozen=True)
class RefundReport:
    """One refund or chargeback as the provider reports it, identified by its own id.

    `refund_id` is the provider's id (Mollie `re_…`/`chb_…`, Stripe `re_…`/`dp_…`); the
    ledger records each id once. `amount` is in euros, always positive.

    `created_at` is when the provider says the money went back: Mollie's `createdAt` of the
    refund or chargeback, Stripe's `created` of the refund or dispute. It is timezone-aware,
    and the reports count the refund on that day, not on the day we heard of it. None only
    when the provider gives no date; the ledger then uses the moment it is recorded.

    `reversed_at` is set when a chargeback was reversed (the foundation won the dispute and
    the money came back): Mollie's `reversedAt`; for Stripe the `created` of the balance
    transaction that reinstated the funds. A reversal whose date the provider does not give
    is dated when it was reported (see `payment_apply_status`).
    """

    refund_id: str
    amount: Decimal
    is_chargeback: bool = False
    created_at: datetime | None = None
    #: A chargeback that was reversed (the dispute was won): the money came back.
    reversed: bool = False
    reversed_at: datetime | None = None


@dataclass(frozen=True)
class PaymentReport:
    """What the provider says about one payment right now.

    `status` is one of `Donation.Status`. `amount_paid`, `currency` and `fee` are set once
    the provider knows them; `intent_id` is a second reference that later events may use
    (Stripe's payment intent).

    `paid_at` is when the provider says the payment was paid (Mollie's `paidAt`, the Stripe
    charge's `created`), timezone-aware. The donation's `paid_at` and `received_on` (its day
    in Europe/Amsterdam) come from it, so a payment made on 31 December and reported on
    2 January counts in the old year. None until paid, or when the provider gives no date;
    the ledger then uses the moment it applies the report.

    `refunds` lists every refund and chargeback the payment has had so far, each with its
    own provider date.
    """

    payment_id: str
    status: str
    amount_paid: Decimal | None = None
    currency: str | None = None
    fee: Decimal | None = None
    intent_id: str | None = None
    paid_at: datetime | None = None
    refunds: tuple[RefundReport, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Checkout:
    """A started payment: its provider id, and where to send the donor to pay."""

    payment_id: str
    redirect_url: str


@dataclass(frozen=True)
class WebhookNotice:
    """What a webhook is about. The body is only a trigger: we re-fetch before acting.

    `references` are the payment ids (or Stripe payment intent ids) to re-fetch.
    `authenticated` is True when the provider proved the request is its own (Stripe's
    signature). An unauthenticated body (Mollie's, which is only an id) is stored only once
    a reference matches one of our donations, so strangers cannot fill the database.
    `occurred_at` is when the provider says the event happened (Stripe's `created`); it
    dates a change the re-fetched object carries no date for. `ignored` marks an authentic
    event of a type we do not act on.
    """

    references: tuple[str, ...]
    event_id: str | None = None
    event_type: str = ""
    ignored: bool = False
    authenticated: bool = False
    occurred_at: datetime | None = None


class PaymentProvider(ABC):
    #: Matches `Donation.Provider`.
    name: str

    @abstractmethod
    def is_enabled(self) -> bool:
        """True when the keys this provider needs are configured."""

    @abstractmethod
    def start_checkout(self, donation: Donation, *, return_url: str) -> Checkout:
        """Create the payment at the provider and return where the donor pays.

        Uses an idempotency key derived from the donation, so a retry or a double click
        returns the same payment instead of a second one. Moves no money.
        Raises `ProviderUnavailable` when the provider cannot be reached.
        """

    @abstractmethod
    def fetch_status(self, payment_id: str) -> PaymentReport:
        """Ask the provider for the payment's current state, refunds included.

        Raises `ProviderUnavailable` when the provider cannot be reached, and `LookupError`
        when the provider does not know the payment.
        """

    @abstractmethod
    def parse_webhook(
        self, *, body: bytes, headers: Mapping[str, str], form: Mapping[str, str]
    ) -> WebhookNotice:
        """Authenticate a webhook request and say which payments it concerns.

        `body` is the raw request body (what a signature covers), `headers` the request
        headers (case-insensitive lookup, as Django's `request.headers`), and `form` the
        body's form fields when it was posted as a form (Mollie posts `id=tr_…`).
        No HTTP request object: the caller may be a view, a test or a replay tool.

        Raises `WebhookRejected` for a forged, unsigned or unreadable request. Its message
        is stored as a short note, so it must not echo the (untrusted) body.
        """


def idempotency_key(donation: Donation) -> str:
    # Deterministic per donation: the same donation can never create two payments.
    return f"donation-{donation.public_id}"
