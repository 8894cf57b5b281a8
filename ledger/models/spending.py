"""Money out: spending with its receipt, and transfers between funds."""

import uuid
from decimal import Decimal
from pathlib import Path

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdfund.private_storage import private_storage_get
from ledger import journal
from ledger.entries import BooksEntry, day_of, money
from ledger.models.bank import StatementLine
from ledger.models.counted import CountedInTotals
from ledger.models.donation import Category
from ledger.receipts import STORED_SUFFIXES as RECEIPT_SUFFIXES
from prisoners.models import Prisoner


def _receipt_name(instance, filename: str) -> str:
    # A random name: the file name a treasurer uploads can carry personal data. Only a
    # receipt's own suffixes are kept; ExpenseForm has already matched it to the content.
    suffix = Path(filename).suffix.lower()
    return f"receipts/{uuid.uuid4().hex}{suffix if suffix in RECEIPT_SUFFIXES else ''}"


class Expense(CountedInTotals):
    date = models.DateField(_("date"), default=timezone.localdate)
    amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    prisoner = models.ForeignKey(
        Prisoner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("prisoner"),
        help_text=_("Leave empty for the general fund."),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("category")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("For the treasurer only; never published.")
    )
    receipt = models.FileField(
        _("receipt"), upload_to=_receipt_name, storage=private_storage_get, blank=True
    )
    statement_line = models.OneToOneField(
        StatementLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expense",
        verbose_name=_("paid from statement line"),
    )
    created_by = models.CharField(_("recorded by"), max_length=150, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        db_table = "donations_expense"
        ordering = ["-date", "-id"]
        verbose_name = _("expense")
        verbose_name_plural = _("spending")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_positive")]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} EUR {self.category}"

    # With what a year's published accounts read besides: the category and the date.
    TOTALS_FIELDS = frozenset(
        {"amount", "prisoner", "prisoner_id", "category", "category_id", "date"}
    )

    JOURNAL_SOURCE = "expense"

    def journal_lines(self) -> list:
        return journal.expense_lines(self)

    def books_entry(self):
        shown = (self.prisoner_id, self.category_id, money(self.amount))
        return BooksEntry(day_of(self.date), shown)


class FundTransfer(CountedInTotals):
    """Money moved between two funds, e.g. when a prisoner is released and the family agrees.

    Old donations are never edited to move money; a transfer records it instead.
    """

    date = models.DateField(_("date"), default=timezone.localdate)
    amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    from_prisoner = models.ForeignKey(
        Prisoner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_out",
        verbose_name=_("from"),
        help_text=_("Empty means the general fund."),
    )
    to_prisoner = models.ForeignKey(
        Prisoner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_in",
        verbose_name=_("to"),
        help_text=_("Empty means the general fund."),
    )
    reason = models.TextField(_("reason"))
    created_by = models.CharField(_("recorded by"), max_length=150, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        db_table = "donations_fundtransfer"
        ordering = ["-date", "-id"]
        verbose_name = _("fund transfer")
        verbose_name_plural = _("fund transfers")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_positive"),
            models.CheckConstraint(
                condition=~Q(from_prisoner=F("to_prisoner"))
                & ~(Q(from_prisoner__isnull=True) & Q(to_prisoner__isnull=True)),
                name="transfer_between_two_funds",
                violation_error_message=_("Choose two different funds."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} EUR"

    TOTALS_FIELDS = frozenset(
        {"amount", "from_prisoner", "from_prisoner_id", "to_prisoner", "to_prisoner_id", "date"}
    )

    JOURNAL_SOURCE = "fundtransfer"

    def journal_lines(self) -> list:
        return journal.transfer_lines(self)

    def books_entry(self):
        shown = (self.from_prisoner_id, self.to_prisoner_id, money(self.amount))
        return BooksEntry(day_of(self.date), shown)
