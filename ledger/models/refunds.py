"""Money that went back to a donor: refunds and chargebacks."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger import journal
from ledger.entries import BooksEntry, day_of, money
from ledger.models.counted import CountedInTotals
from ledger.models.donation import Donation


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
        db_table = "donations_refund"
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

    JOURNAL_SOURCE = "refund"

    def journal_lines(self) -> list:
        return journal.refund_lines(self)

    def books_entry(self):
        shown = (self.donation.prisoner_id, self.kind, money(self.amount))
        return BooksEntry(day_of(self.created_at), shown)
