from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donations.models.counted import CountedInTotals
from donations.models.donation import Donation


class PaymentEvent(models.Model):
    """A provider's webhook, recorded before it is acted on.

    The body is kept only when it is authentic (a valid Stripe signature) or names one of
    our payments (Mollie); a rejected request leaves only its outcome and a short note.
    """

    class Outcome(models.TextChoices):
        RECEIVED = "received", _("Received")
        APPLIED = "applied", _("Applied")
        UNCHANGED = "unchanged", _("Nothing to change")
        DUPLICATE = "duplicate", _("Duplicate")
        UNKNOWN = "unknown", _("Unknown payment")
        IGNORED = "ignored", _("Ignored type")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Provider unreachable")

    provider = models.CharField(_("provider"), max_length=10, choices=Donation.Provider)
    event_id = models.CharField(_("event id"), max_length=255, null=True, blank=True)
    event_type = models.CharField(_("event type"), max_length=100, blank=True)
    payload = models.TextField(_("body"), blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome, default=Outcome.RECEIVED
    )
    detail = models.TextField(_("what it changed"), blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type or self.event_id or ''} {self.outcome}"


class StatusChange(models.Model):
    """Audit trail: every status a donation took, and what told us."""

    class Source(models.TextChoices):
        CHECKOUT = "checkout", _("Checkout start")
        WEBHOOK = "webhook", _("Webhook")
        RETURN = "return", _("Donor's return")
        SYNC = "sync", _("Reconciliation")
        ADMIN = "admin", _("Admin")
        IMPORT = "import", _("Statement import")

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Donation.Status)
    to_status = models.CharField(max_length=10, choices=Donation.Status)
    source = models.CharField(_("source"), max_length=10, choices=Source)
    event = models.ForeignKey(PaymentEvent, on_delete=models.SET_NULL, null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} ({self.source})"


class Refund(CountedInTotals):
    """Money that went back: a refund or a chargeback, counted once by its provider id."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("Refund")
        CHARGEBACK = "chargeback", _("Chargeback")
        # A chargeback the foundation won: the money came back. Counted as a negative refund
        # on the day the provider reversed it, so the chargeback's own row is never edited.
        CHARGEBACK_REVERSED = "reversed", _("Chargeback reversed")

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="refunds")
    provider = models.CharField(_("provider"), max_length=10, choices=Donation.Provider)
    provider_refund_id = models.CharField(_("provider's id"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    # The provider's date: the reports count the money on this day, not when we heard of it.
    created_at = models.DateTimeField(
        _("date"), default=timezone.now, help_text=_("When the provider says it happened.")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("refund or chargeback")
        verbose_name_plural = _("refunds and chargebacks")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_refund_id"], name="unique_provider_refund"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} EUR"

    TOTALS_FIELDS = frozenset({"donation", "donation_id", "kind", "amount", "created_at"})

    def totals_entries(self) -> list:
        """Money back from the gift's fund on the provider's day; a reversal brings it back."""
        from donations.totals import Entry, day_of, money, quarter_of

        amount = money(self.amount)
        return [
            Entry(
                fund=self.donation.prisoner_id,
                quarter=quarter_of(day_of(self.created_at)),
                refunded=-amount if self.kind == Refund.Kind.CHARGEBACK_REVERSED else amount,
                entries=1,
            )
        ]

    def books_entry(self):
        from donations.totals import BooksEntry, day_of, money

        shown = (self.donation.prisoner_id, self.kind, money(self.amount))
        return BooksEntry(day_of(self.created_at), shown)


class DemoPayment(models.Model):
    """The demo provider's own record of a simulated payment (local checkout only)."""

    payment_id = models.CharField(max_length=40, primary_key=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=10, choices=Donation.Status, default=Donation.Status.OPEN)

    def __str__(self) -> str:
        return f"{self.payment_id} {self.status}"
