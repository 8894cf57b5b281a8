from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import Donation


class SubscriptionStatus(models.TextChoices):
    """A monthly subscription's status, in the providers' common words. It is the
    sponsorship's own status too (sponsorships.models.Sponsorship.Status)."""

    # PENDING: the first payment is not paid yet, or the subscription is not created yet.
    PENDING = "pending", _("Waiting for the first payment")
    ACTIVE = "active", _("Active")
    # SUSPENDED: charges stopped (mandate invalid, or months failed); the donor may restart.
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


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
        db_table = "donations_paymentevent"
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
        db_table = "donations_statuschange"
        ordering = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} ({self.source})"
