"""The interface every payment provider implements.

A provider turns a donation into a hosted checkout, reports a payment's current state, and
turns a webhook request into the payment references it concerns. It never changes the
ledger itself: `donations.payments.payment_apply_status` does that, for every provider.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

    from donations.models import Donation


class ProviderUnavailable(Exception):
    """The provider could not be reached or answered with an error; try again later."""


class WebhookRejected(Exception):
    """The webhook request is not authentic or not readable; answer 400, change nothing."""


@dataclass(frozen=True)
class RefundReport:
    """One refund or chargeback as the provider reports it, identified by its own id."""

    refund_id: str
    amount: Decimal
    is_chargeback: bool = False
    #: A chargeback that was reversed (the dispute was won): the money came back.
    reversed: bool = False


@dataclass(frozen=True)
class PaymentReport:
    """What the provider says about one payment right now.

    `status` is one of `Donation.Status`. `amount_paid`, `currency` and `fee` are set once
    the provider knows them; `intent_id` is a second reference that later events may use
    (Stripe's payment intent).
    """

    payment_id: str
    status: str
    amount_paid: Decimal | None = None
    currency: str | None = None
    fee: Decimal | None = None
    intent_id: str | None = None
    refunds: tuple[RefundReport, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Checkout:
    """A started payment: its provider id, and where to send the donor to pay."""

    payment_id: str
    redirect_url: str


@dataclass(frozen=True)
class WebhookNotice:
    """What a webhook is about. The body is only a trigger: we re-fetch before acting."""

    references: tuple[str, ...]
    event_id: str | None = None
    event_type: str = ""
    ignored: bool = False


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
    def parse_webhook(self, request: HttpRequest) -> WebhookNotice:
        """Authenticate a webhook request and say which payments it concerns.

        Raises `WebhookRejected` for a forged, unsigned or unreadable request.
        """


def idempotency_key(donation: Donation) -> str:
    # Deterministic per donation: the same donation can never create two payments.
    return f"donation-{donation.public_id}"
