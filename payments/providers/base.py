"""The interface every payment provider implements.

A provider turns a donation into a hosted checkout, reports a payment's current state, and
turns a webhook request into the payment references it concerns. It never changes the
ledger itself: `payments.services.payment_apply_status` does that, for every provider.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ledger.models import Donation
    from sponsorships.models import Sponsorship


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


@dataclass(frozen=True)
class RecurringCheckout:
    """A started first payment of a sponsorship.

    `payment_id` is the first payment's id (Mollie `tr_…`, Stripe's Checkout Session
    `cs_…`), recorded on the sponsorship's first `Donation`; `redirect_url` is where the
    donor pays; `customer_id` the provider's customer, when it exists already (Mollie).
    """

    payment_id: str
    redirect_url: str
    customer_id: str = ""


@dataclass(frozen=True)
class SubscriptionReport:
    """What the provider says about a sponsorship's subscription right now.

    `status` is one of `SubscriptionStatus` (payments.models), in the provider's words (Mollie
    `pending`/`active`/`suspended`/`canceled`/`completed`; Stripe `incomplete`/`active`/
    `past_due`/`unpaid`/`canceled`…). `subscription_id`, `customer_id` and `mandate_id` are
    the provider's ids, empty when it has none (Stripe has no mandate id for cards).
    `cancelled_at` is the provider's date of cancellation, timezone-aware, when cancelled.
    `method` is how the months are charged, as a `Donation.Method`, when the provider tells
    more than the donor's choice on our form did (Mollie: a first payment by `creditcard`
    among "other methods" → card); empty otherwise.
    """

    subscription_id: str
    status: str
    customer_id: str = ""
    mandate_id: str = ""
    cancelled_at: datetime | None = None
    method: str = ""
    #: The provider stopped collecting after failed payments, by itself: Stripe's `unpaid`,
    #: or `canceled` with `cancellation_details.reason: payment_failed`, once its retries
    #: are spent. Not set while it still retries (`past_due`).
    gave_up: bool = False


@dataclass(frozen=True)
class RecurringPayment:
    """A payment the provider made on its own for a subscription, as the provider tells it.

    `payment_id` is the id the ledger records the month under (Mollie `tr_…`, Stripe's
    invoice `in_…`): one `Donation` per id, ever. `subscription_id` and
    `sponsorship_public_id` (our id, from the metadata we set) say whose month it is; both
    may be empty for a payment that is not a subscription's. `is_first` marks the payment
    that started the subscription (Mollie's `sequenceType: first`, Stripe's invoice with
    `billing_reason: subscription_create`): it is already recorded through its checkout.

    `failed` is True once an attempt to collect it failed (Mollie `failed`; a Stripe invoice
    whose payment attempt failed, which Stripe may still retry). `failure_code` is the
    bank's reason (SEPA `AM04`, `MD06`, `MD07`, `AC04`, `MS02`…; Mollie's
    `details.bankReasonCode`) or the card network's decline code; `failure_reason` its text.
    `created_at` is the provider's creation date of the payment, timezone-aware.
    """

    payment_id: str
    amount: Decimal
    subscription_id: str = ""
    sponsorship_public_id: str = ""
    is_first: bool = False
    failed: bool = False
    failure_code: str = ""
    failure_reason: str = ""
    created_at: datetime | None = None


class PaymentProvider(ABC):
    #: Matches `Donation.Provider`.
    name: str
    #: True when the provider retries a failed month and suspends the subscription itself
    #: (Stripe's smart retries, `past_due`). Otherwise the site suspends after failed months.
    retries_failed_months: bool = False
    #: True when the recurring checkout creates the subscription itself (Stripe), so that a
    #: sponsorship cancelled before its first payment settled still has one to stop.
    #: Otherwise `activate_subscription` creates it (Mollie).
    subscribes_at_checkout: bool = False
    #: The ledger's methods (`Donation.Method`) whose first payment gives this provider the
    #: right to charge every month, so that a sponsorship can be started with them. Empty
    #: for a provider without monthly giving; the donate form offers monthly giving only
    #: with these.
    monthly_methods: frozenset[str] = frozenset()

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

    # Monthly giving. A provider that does not offer it leaves these unimplemented.

    def start_recurring_checkout(
        self, sponsorship: Sponsorship, donation: Donation, *, return_url: str
    ) -> RecurringCheckout:
        """Create the first payment of a sponsorship and return where the donor pays.

        `donation` is the sponsorship's first month, already recorded. The first payment is
        what gives the provider the right to charge later months (Mollie: a payment with
        `sequenceType: first` that creates a SEPA Direct Debit or card mandate; Stripe: a
        Checkout Session in `subscription` mode, which creates the subscription itself).
        Uses idempotency keys derived from the sponsorship and the donation, so a retry
        returns the same customer and payment. Moves no money.
        Raises `ProviderUnavailable` when the provider cannot be reached.
        """
        raise NotImplementedError

    def activate_subscription(
        self, sponsorship: Sponsorship, *, first_payment_id: str
    ) -> SubscriptionReport:
        """After the first payment is paid: make sure the subscription exists, and report it.

        Mollie creates the subscription now (start date one month after the first payment,
        pinned to the first payment's mandate), with an idempotency key derived from the
        sponsorship so that a repeated call can never create a second subscription. Stripe
        created it at checkout, so this only reads the session's customer and subscription.
        Callers still claim the activation once (a provider's idempotency window is finite).
        Raises `ProviderUnavailable` when the provider cannot be reached.
        """
        raise NotImplementedError

    def cancel_subscription(self, sponsorship: Sponsorship) -> SubscriptionReport:
        """Stop all future charges of the sponsorship's subscription, and report it.

        Cancelling a subscription that is already cancelled is not an error. Money already
        collected is not refunded. Raises `ProviderUnavailable` when the provider cannot be
        reached; then nothing has been cancelled as far as the caller knows.
        """
        raise NotImplementedError

    def fetch_subscription(self, sponsorship: Sponsorship) -> SubscriptionReport:
        """Ask the provider for the subscription's current state.

        Raises `ProviderUnavailable` when the provider cannot be reached, and `LookupError`
        when the provider does not know the subscription.
        """
        raise NotImplementedError

    def list_subscription_payments(
        self, sponsorship: Sponsorship, *, since: datetime | None
    ) -> list[RecurringPayment]:
        """The subscription's payments (Stripe: invoices) created at or after `since`.

        The reconciliation's view of what webhooks may have missed; oldest first. The first
        payment may be included (`is_first`). Raises `ProviderUnavailable` when the provider
        cannot be reached.
        """
        raise NotImplementedError

    def subscription_update_amount(
        self, sponsorship: Sponsorship, amount: Decimal, *, change_id: str
    ) -> SubscriptionReport:
        """Charge `amount` (euros) a month from the next collection on; nothing is prorated
        and no payment is made now.

        `change_id` names this one change (the caller records it first): the idempotency
        key derives from it, so a retried request changes the amount once, and a later
        change back to an earlier amount is a change of its own. Mollie updates the
        subscription's amount; Stripe gives the subscription item a new monthly price.
        Raises `ProviderUnavailable` when the provider cannot be reached or refuses (e.g.
        the subscription was cancelled there meanwhile); then nothing changed here.
        """
        raise NotImplementedError

    def payment_method_update_url(self, sponsorship: Sponsorship, *, return_url: str) -> str | None:
        """Where the donor replaces the card or account the sponsorship is charged to, or
        None when the provider has no such page (Mollie: a mandate only comes from a new
        first payment, so the donor starts the sponsorship again).

        Stripe: a Billing Portal session for the customer that opens straight on updating
        the payment method, returning to `return_url`. Moves no money.
        Raises `ProviderUnavailable` when the provider cannot be reached.
        """
        return None

    def fetch_recurring_payment(self, payment_id: str) -> RecurringPayment:
        """Which subscription a payment belongs to, and whether collecting it failed.

        Used for the ids a webhook names that no `Donation` has yet (a new month), and for
        a month whose state changed. The ledger still takes the payment's state from
        `fetch_status`. Raises `ProviderUnavailable` when the provider cannot be reached,
        and `LookupError` when it does not know the payment.
        """
        raise NotImplementedError


def idempotency_key(donation: Donation) -> str:
    # Deterministic per donation: the same donation can never create two payments.
    return f"donation-{donation.public_id}"


def subscription_idempotency_key(sponsorship: Sponsorship, step: str) -> str:
    # Deterministic per sponsorship and step: a retry can never create a second customer
    # or, worse, a second subscription that would charge the donor twice for years.
    return f"sponsorship-{sponsorship.public_id}-{step}"
