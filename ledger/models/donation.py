import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdfund.money import MAX_AMOUNT
from ledger import journal
from ledger.entries import BooksEntry, day_of, money
from ledger.models.counted import CountedInTotals, CountedQuerySet, LedgerWriteRefused
from ledger.models.references import gift_references_allocate
from ledger.running_totals import donors_link
from prisoners.models import Prisoner


def fund_label(prisoner) -> str:
    """A fund's name: the prisoner's, or the general fund's when there is no prisoner."""
    return prisoner.name if prisoner else str(_("General fund"))


class Purpose(models.TextChoices):
    LEGAL_DEFENSE = "legal_defense", _("Legal defense")
    BASIC_NEEDS = "basic_needs", _("Basic needs")


class Category(models.Model):
    """What the money is spent on, under one of the two purposes of the campaign."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        db_table = "donations_category"
        ordering = ["purpose", "order", "code"]
        verbose_name = _("spending category")
        verbose_name_plural = _("spending categories")

    def __str__(self) -> str:
        return self.name


def _assign_references(donations) -> None:
    by_year: dict[int, list] = {}
    for donation in donations:
        if not donation.reference:
            by_year.setdefault(timezone.localtime(donation.created_at).year, []).append(donation)
    for year, missing in by_year.items():
        references = gift_references_allocate(year=year, count=len(missing))
        for donation, reference in zip(missing, references, strict=True):
            donation.reference = reference


class DonationQuerySet(CountedQuerySet):
    def paid(self):
        return self.filter(status=Donation.Status.PAID)

    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(); the statement import creates its gifts this way.
        objs = list(objs)
        with transaction.atomic():
            _assign_references(objs)
            donors_link(objs)
            return super().bulk_create(objs, *args, **kwargs)


class Donation(CountedInTotals):
    """One gift. Only a paid donation counts in any total."""

    class Status(models.TextChoices):
        # NEW: recorded, no payment started yet (or the provider could not be reached).
        NEW = "new", _("Not started")
        OPEN = "open", _("Open at the provider")
        PENDING = "pending", _("Waiting for confirmation")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        IDEAL = "ideal", _("iDEAL | Wero")
        CARD = "card", _("Card")
        # Through Stripe, for monthly sponsorships (STRIPE_SEPA_DEBIT).
        SEPA_DEBIT = "sepa_debit", _("SEPA Direct Debit")
        OTHER_ONLINE = "other_online", _("Other online method")

    class Frequency(models.TextChoices):
        ONE_OFF = "one_off", _("One-off")
        MONTHLY = "monthly", _("Monthly")

    class Provider(models.TextChoices):
        # MANUAL: typed in by the treasurer; BANK: read from a bank statement.
        MANUAL = "manual", _("Entered by hand")
        BANK = "bank", _("Bank statement")
        DEMO = "demo", _("Demo checkout")
        MOLLIE = "mollie", "Mollie"
        STRIPE = "stripe", "Stripe"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What the donor and the treasurer quote to each other; assigned when the gift is created.
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR", editable=False)
    prisoner = models.ForeignKey(
        Prisoner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donations",
        verbose_name=_("prisoner"),
        help_text=_("Leave empty for the general fund."),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency, default=Frequency.ONE_OFF
    )
    # The person behind the gift, and the monthly sponsorship a month's payment belongs to.
    donor = models.ForeignKey(
        "donors.Donor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donations",
        verbose_name=_("donor"),
        editable=False,
    )
    sponsorship = models.ForeignKey(
        "sponsorships.Sponsorship",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donations",
        verbose_name=_("sponsorship"),
        editable=False,
    )
    method = models.CharField(_("method"), max_length=20, choices=Method)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.NEW, db_index=True
    )
    provider = models.CharField(
        _("recorded through"), max_length=10, choices=Provider, default=Provider.MANUAL
    )
    provider_payment_id = models.CharField(
        _("provider's payment id"), max_length=255, null=True, blank=True, editable=False
    )
    provider_intent_id = models.CharField(
        _("provider's payment intent"), max_length=255, null=True, blank=True, editable=False
    )
    amount_paid = models.DecimalField(
        _("amount paid (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    fee = models.DecimalField(
        _("provider fee (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_mismatch = models.BooleanField(
        _("paid amount differs"),
        default=False,
        help_text=_("The provider reported a different amount or currency; check it."),
    )
    donor_name = models.CharField(_("donor's name"), max_length=200, blank=True)
    donor_email = models.EmailField(_("donor's email"), blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("Never show this donor's name in public.")
    )
    language = models.CharField(_("language"), max_length=8, default="es")
    received_on = models.DateField(
        _("received on"),
        null=True,
        blank=True,
        help_text=_("The date the money reached the foundation's account."),
    )
    note = models.TextField(_("treasurer's note"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, editable=False)
    receipt_sent_at = models.DateTimeField(_("receipt sent"), null=True, blank=True, editable=False)
    # GDPR art. 9(2)(a): when the donor gave explicit consent on the donate form. Gifts read
    # from a bank statement carry none: the bank, not a form, brought their data.
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True, editable=False)

    objects = DonationQuerySet.as_manager()

    class Meta:
        db_table = "donations_donation"
        ordering = ["-created_at"]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        constraints = [
            # A provider's payment is recorded once, however often it is reported.
            models.UniqueConstraint(
                fields=["provider", "provider_payment_id"],
                condition=Q(provider_payment_id__isnull=False),
                name="unique_provider_payment",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_intent_id"],
                condition=Q(provider_intent_id__isnull=False),
                name="unique_provider_intent",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} EUR · {self.get_status_display()}"

    IS_GIFT = True
    # What moves money in the running totals (ledger/running_totals.py).
    TOTALS_FIELDS = frozenset(
        {
            "status",
            "amount",
            "amount_paid",
            "prisoner",
            "prisoner_id",
            "received_on",
            "paid_at",
            "created_at",
            # Not in the running totals, but in a year's published accounts.
            "fee",
        }
    )

    def save(self, *args, **kwargs) -> None:
        if self.reference:
            super().save(*args, **kwargs)
            return
        # One transaction: a gift that fails to insert gives its number back.
        with transaction.atomic():
            _assign_references([self])
            super().save(*args, **kwargs)

    JOURNAL_SOURCE = "donation"
    COUNTED = Q(status="paid")

    def check_change(self, before) -> None:
        # A status moves up only, and a final one (paid, failed, cancelled, expired) stays:
        # a late "open" never undoes "paid", and a paid gift is corrected, never failed.
        if before is None or before.status == self.status:
            return
        if STATUS_RANK[self.status] <= STATUS_RANK[before.status]:
            raise LedgerWriteRefused(
                f"Gift {self.pk}: its status cannot go from {before.status} to {self.status}."
            )

    def journal_lines(self) -> list:
        """A paid gift adds what arrived to its fund, on the day it arrived."""
        return journal.gift_lines(self)

    def books_entry(self):
        if self.status != Donation.Status.PAID:
            return None
        fee = money(self.fee) if self.fee is not None else None
        return BooksEntry(self._counted_on(), (self.prisoner_id, money(self._received()), fee))

    def _received(self):
        return self.amount_paid if self.amount_paid is not None else self.amount

    def _counted_on(self):
        # The same day as ledger.selectors.RECEIVED_ON.
        return day_of(self.received_on or self.paid_at or self.created_at)

    @property
    def fund_name(self) -> str:
        return fund_label(self.prisoner if self.prisoner_id else None)

    @property
    def public_name(self) -> str:
        return "" if self.is_anonymous else self.donor_name

    @property
    def is_paid(self) -> bool:
        return self.status == Donation.Status.PAID

    @property
    def is_settled(self) -> bool:
        return self.status in FINAL_STATUSES


# How far a payment has come. A status may only move to a higher rank, so a late "open"
# never undoes "paid"; the four final states never change again.
STATUS_RANK = {
    Donation.Status.NEW: 0,
    Donation.Status.OPEN: 1,
    Donation.Status.PENDING: 2,
    Donation.Status.PAID: 3,
    Donation.Status.FAILED: 3,
    Donation.Status.CANCELED: 3,
    Donation.Status.EXPIRED: 3,
}
FINAL_STATUSES = {s for s, rank in STATUS_RANK.items() if rank == 3}
