"""Monthly giving: a donor, their sponsorships, and what happened to each sponsorship.

Each month's money is an ordinary `Donation` row (linked to its sponsorship and donor), so
every total, report, refund path and export counts it without knowing about sponsorships.
"""

import uuid
from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdfund.money import MAX_AMOUNT
from donors.models import Donor
from ledger.models import Donation, Purpose, fund_label
from payments.models import PaymentEvent, SubscriptionStatus
from prisoners.models import Prisoner


class Sponsorship(models.Model):
    """A monthly gift for a prisoner (or the general fund), charged by a provider."""

    # The subscription's status at the provider, in the providers' common words.
    Status = SubscriptionStatus

    class Interval(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")

    class CancelReason(models.TextChoices):
        DONOR = "donor", _("Stopped by the donor")
        TREASURER = "treasurer", _("Cancelled by a treasurer")
        PROVIDER = "provider", _("Ended at the provider")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="sponsorships", verbose_name=_("donor")
    )
    prisoner = models.ForeignKey(
        Prisoner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsorships",
        verbose_name=_("prisoner"),
        help_text=_("Empty for the general fund."),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose, blank=True)
    amount = models.DecimalField(
        _("amount per month (EUR)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )
    interval = models.CharField(
        _("interval"), max_length=10, choices=Interval, default=Interval.MONTHLY
    )
    provider = models.CharField(_("provider"), max_length=10, choices=Donation.Provider)
    method = models.CharField(_("first payment method"), max_length=20, choices=Donation.Method)
    language = models.CharField(_("language"), max_length=8, default="es")
    provider_customer_id = models.CharField(
        _("provider's customer"), max_length=255, blank=True, editable=False
    )
    provider_subscription_id = models.CharField(
        _("provider's subscription"), max_length=255, null=True, blank=True, editable=False
    )
    provider_mandate_id = models.CharField(
        _("provider's mandate"), max_length=255, blank=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    first_donation = models.OneToOneField(
        Donation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("first payment"),
    )
    # Set while (and once) the subscription is being created after the first payment.
    activation_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    started_on = models.DateField(_("started"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(
        _("cancel reason"), max_length=10, choices=CancelReason, blank=True, editable=False
    )
    # Months that failed since the last paid one: two in a row suspend the sponsorship.
    failure_count = models.PositiveIntegerField(
        _("failed months in a row"), default=0, editable=False
    )
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True, editable=False)
    # A SEPA reason (AM04) or a card network's decline code (insufficient_funds).
    last_failure_code = models.CharField(
        _("bank reason code"), max_length=40, blank=True, editable=False
    )
    last_failure_reason = models.CharField(
        _("failure reason"), max_length=255, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "donations_sponsorship"
        ordering = ["-created_at"]
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        permissions = [("cancel_sponsorship", _("Can cancel a sponsorship"))]
        constraints = [
            # One local sponsorship per provider subscription, however often it is reported.
            models.UniqueConstraint(
                fields=["provider", "provider_subscription_id"],
                condition=Q(provider_subscription_id__isnull=False),
                name="unique_provider_subscription",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="sponsorship_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} EUR / {self.get_interval_display()} · {self.fund_name}"

    @property
    def fund_name(self) -> str:
        return fund_label(self.prisoner if self.prisoner_id else None)

    @property
    def pays_by_card(self) -> bool:
        """Charged to a card (Stripe, or Mollie's creditcard), not debited from an account:
        a failed month is then a declined or expired card, and the emails say so."""
        return self.method == Donation.Method.CARD

    def pledge_change(self, amount: Decimal, *, on: date | None = None) -> "PledgeChange | None":
        """The sponsor now gives `amount` a month, from the day `on` (today) on; the provider
        already charges it. The one way the amount changes: the history keeps the old amount
        for the months before, the audit trail records the change, and the sponsor gets an
        email confirming it. Returns None when the amount is already `amount`.

        Call it on the row locked with select_for_update, in the transaction that holds the
        lock: a second change at the same moment would otherwise record an old amount that
        was no longer true.
        """
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("A pledge changes only under the sponsorship's row lock.")
        old = self.amount
        if old == amount:
            return None
        self.amount = amount
        self.save(update_fields=["amount", "updated_at"])
        event = SponsorshipEvent.objects.create(
            sponsorship=self,
            from_status=self.status,
            to_status=self.status,
            source=SponsorshipEvent.Source.DONOR,
            note=f"amount {old} → {amount}",
        )
        change = PledgeChange.objects.create(
            sponsorship=self,
            old_amount=old,
            new_amount=amount,
            applies_from=on or timezone.localdate(),
            source=PledgeChange.Source.DONOR,
            event=event,
        )
        SponsorshipMail.objects.create(
            sponsorship=self, kind=SponsorshipMail.Kind.AMOUNT, transition=event
        )
        return change


class SponsorshipEvent(models.Model):
    """Audit trail: every status a sponsorship took, and what told us."""

    class Source(models.TextChoices):
        CHECKOUT = "checkout", _("Checkout start")
        WEBHOOK = "webhook", _("Webhook")
        RETURN = "return", _("Donor's return")
        SYNC = "sync", _("Reconciliation")
        ADMIN = "admin", _("Admin")
        DONOR = "donor", _("Donor's cancel link")
        FAILURES = "failures", _("Failed payments")

    sponsorship = models.ForeignKey(Sponsorship, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=10, choices=Sponsorship.Status)
    to_status = models.CharField(max_length=10, choices=Sponsorship.Status)
    source = models.CharField(_("source"), max_length=10, choices=Source)
    event = models.ForeignKey(PaymentEvent, on_delete=models.SET_NULL, null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "donations_sponsorshipevent"
        ordering = ["created_at", "id"]
        verbose_name = _("sponsorship status change")
        verbose_name_plural = _("sponsorship status changes")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} ({self.source})"


class PledgeChangeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("The pledge history is append-only; record a new change instead.")

    def delete(self):
        raise ValueError("The pledge history is append-only; record a new change instead.")


class PledgeChange(models.Model):
    """A sponsorship's monthly amount changed: from `old_amount` to `new_amount` a month, from
    the day `applies_from` on. Append-only, so the treasurer's monthly table keeps what each
    month pledged: the amount on a day is the sponsorship's amount less every change that
    applies after that day."""

    class Source(models.TextChoices):
        DONOR = "donor", _("The donor's page")
        # Filled from the records kept before this history existed.
        RECORDS = "records", _("Earlier records")

    sponsorship = models.ForeignKey(
        Sponsorship,
        on_delete=models.PROTECT,
        related_name="pledge_changes",
        verbose_name=_("sponsorship"),
    )
    old_amount = models.DecimalField(_("was (EUR a month)"), max_digits=12, decimal_places=2)
    new_amount = models.DecimalField(_("now (EUR a month)"), max_digits=12, decimal_places=2)
    applies_from = models.DateField(_("applies from"))
    source = models.CharField(_("source"), max_length=10, choices=Source)
    event = models.OneToOneField(
        SponsorshipEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = PledgeChangeQuerySet.as_manager()

    class Meta:
        db_table = "donations_pledgechange"
        ordering = ["applies_from", "id"]
        verbose_name = _("change of the monthly amount")
        verbose_name_plural = _("changes of the monthly amount")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(old_amount__gt=0) & Q(new_amount__gt=0) & ~Q(old_amount=F("new_amount"))
                ),
                name="pledge_change_positive_and_real",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applies_from}: {self.old_amount} → {self.new_amount} EUR"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The pledge history is append-only; record a new change instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The pledge history is append-only; record a new change instead.")


class SponsorshipMail(models.Model):
    """An email to a sponsor, recorded with what caused it, then claimed once to send.

    Unique per cause (a status change, or a month's payment), so a repeated webhook never
    queues the same email twice; `sent_at` is claimed "update where unset" by the task, so
    a retried task never sends it twice.
    """

    class Kind(models.TextChoices):
        WELCOME = "welcome", _("Welcome")
        RECEIPT = "receipt", _("Monthly receipt")
        FAILURE = "failure", _("Failed payment")
        SUSPENDED = "suspended", _("Suspension")
        CANCELLED = "cancelled", _("Cancellation")
        AMOUNT = "amount", _("Amount change")

    sponsorship = models.ForeignKey(Sponsorship, on_delete=models.CASCADE, related_name="mails")
    kind = models.CharField(max_length=10, choices=Kind)
    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, null=True, blank=True)
    transition = models.ForeignKey(
        SponsorshipEvent, on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "donations_sponsorshipmail"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "donation"],
                condition=Q(donation__isnull=False),
                name="unique_sponsorship_mail_per_payment",
            ),
            models.UniqueConstraint(
                fields=["kind", "transition"],
                condition=Q(transition__isnull=False),
                name="unique_sponsorship_mail_per_transition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"


class AmountChange(models.Model):
    """A donor's change of a sponsorship's monthly amount, recorded before the provider is
    asked, so its id keys the provider's idempotency and the change is on record."""

    sponsorship = models.ForeignKey(Sponsorship, on_delete=models.PROTECT, related_name="+")
    old_amount = models.DecimalField(max_digits=12, decimal_places=2)
    new_amount = models.DecimalField(max_digits=12, decimal_places=2)
    requested_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "donors_amountchange"
        constraints = [
            models.CheckConstraint(condition=Q(new_amount__gt=0), name="amount_change_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.old_amount} → {self.new_amount}"
