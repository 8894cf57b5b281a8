from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdfund.money import MAX_AMOUNT
from ledger import journal
from ledger.entries import BooksEntry, day_of, money
from ledger.models.counted import CountedInTotals
from ledger.models.donation import Donation


class Correction(CountedInTotals):
    """A correcting entry on a gift. The books are append-only: a gift recorded wrongly is
    never edited; a correction adds or takes away money, dated, with who and why."""

    donation = models.ForeignKey(
        Donation, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("donation")
    )
    amount = models.DecimalField(
        _("correction (EUR)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Negative to take money off the gift, positive to add to it."),
    )
    date = models.DateField(
        _("booked on"),
        default=timezone.localdate,
        help_text=_("The day the correction counts in the books and the reports."),
    )
    reason = models.TextField(_("reason"))
    created_by = models.CharField(_("recorded by"), max_length=150, editable=False)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        db_table = "donations_correction"
        ordering = ["date", "id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0) & Q(amount__lte=MAX_AMOUNT) & Q(amount__gte=-MAX_AMOUNT),
                name="correction_amount_nonzero_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount:+} EUR"

    TOTALS_FIELDS = frozenset({"donation", "donation_id", "amount", "date"})

    JOURNAL_SOURCE = "correction"

    def journal_lines(self) -> list:
        return journal.correction_lines(self)

    def books_entry(self):
        return BooksEntry(day_of(self.date), (self.donation.prisoner_id, money(self.amount)))
