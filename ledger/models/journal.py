"""The journal: every movement of money, one row each, never changed and never deleted.

Written by the same save that writes the ledger row, in its transaction
(ledger.running_totals), from what the row says it moves (ledger.journal). A row that changes
is answered with reversals of its earlier lines and its new lines, so the journal's sum is
always the ledger's, and its history says when each figure changed. The running totals add
what the journal adds; `verify_totals` and a GROUP BY over it give every fund's figures.

The database itself refuses an UPDATE or DELETE of a journal row (a trigger, see the
migration). The journal names no person: a fund, a day, an amount, a category and the id
of the ledger row, so retention never touches it.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger import journal
from prisoners.models import Prisoner


class JournalIsAppendOnly(Exception):
    """A journal row may only be added."""


class LedgerEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalIsAppendOnly("The journal is append-only: correct with a new entry.")

    def delete(self):
        raise JournalIsAppendOnly("The journal is append-only: correct with a new entry.")

    def live(self):
        """The entries no later entry reversed (nor that reverse one)."""
        return self.filter(reverses__isnull=True, reversed_by__isnull=True)


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        RECEIVED = journal.RECEIVED, _("received")
        FEE = journal.FEE, _("provider fee")
        REFUNDED = journal.REFUNDED, _("refunded")
        CORRECTED = journal.CORRECTED, _("corrected")
        SPENT = journal.SPENT, _("spent")
        TRANSFERRED_IN = journal.TRANSFERRED_IN, _("transferred in")
        TRANSFERRED_OUT = journal.TRANSFERRED_OUT, _("transferred out")

    # None: the general fund.
    fund = models.ForeignKey(
        Prisoner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    day = models.DateField(_("day"), db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    category = models.ForeignKey(
        "ledger.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The ledger row that moved the money: its model's name (ledger.journal.SOURCES) and id.
    source = models.CharField(_("source"), max_length=16)
    source_id = models.PositiveBigIntegerField(_("source id"))
    # Set on a reversal: the entry it undoes (once), with the same values and the amount
    # negated, so that a plain SUM over the journal is the ledger as it stands.
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal")
        indexes = [models.Index(fields=["source", "source_id"], name="ledger_journal_source")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.amount} ({self.source} {self.source_id})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise JournalIsAppendOnly("The journal is append-only: correct with a new entry.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalIsAppendOnly("The journal is append-only: correct with a new entry.")

    def line(self) -> journal.Line:
        return journal.Line(self.kind, self.fund_id, self.day, self.amount, self.category_id)

    def reversal(self) -> "LedgerEntry":
        return LedgerEntry(
            fund_id=self.fund_id,
            day=self.day,
            kind=self.kind,
            amount=-self.amount,
            category_id=self.category_id,
            source=self.source,
            source_id=self.source_id,
            reverses=self,
        )
