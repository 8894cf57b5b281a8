"""Money in and out through the bank: statements, their lines, spending and fund transfers."""

import uuid
from decimal import Decimal
from pathlib import Path

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from donations.models.counted import CountedInTotals
from donations.models.donation import Category, Donation
from donations.receipts import STORED_SUFFIXES as RECEIPT_SUFFIXES
from prisoners.models import Prisoner


class BankStatement(models.Model):
    """One statement as read from a file; the file's lines are `StatementLine`s."""

    class Format(models.TextChoices):
        CAMT053 = "camt053", "CAMT.053"
        MT940 = "mt940", "MT940"

    file_name = models.CharField(_("file"), max_length=255)
    format = models.CharField(_("format"), max_length=10, choices=Format)
    account_iban = models.CharField(_("account"), max_length=34)
    statement_id = models.CharField(_("statement id"), max_length=140, blank=True)
    opening_balance = models.DecimalField(
        _("opening balance"), max_digits=14, decimal_places=2, null=True
    )
    closing_balance = models.DecimalField(
        _("closing balance"), max_digits=14, decimal_places=2, null=True
    )
    balance_ok = models.BooleanField(_("balances agree"), default=True)
    balance_note = models.CharField(_("balance check"), max_length=255, blank=True)
    lines_read = models.PositiveIntegerField(_("lines read"), default=0)
    lines_new = models.PositiveIntegerField(_("new lines"), default=0)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    imported_by = models.CharField(_("imported by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.statement_id or self.account_iban})"


class StatementLine(models.Model):
    """One movement on the foundation's account, kept once however often it is imported."""

    class Status(models.TextChoices):
        MATCHED = "matched", _("Donation recorded")
        REVIEW = "review", _("Needs review")
        NOT_DONATION = "not_donation", _("Not a donation")
        SPENDING = "spending", _("Recorded as spending")

    statement = models.ForeignKey(
        BankStatement, on_delete=models.PROTECT, related_name="lines", verbose_name=_("statement")
    )
    # The bank's own entry reference where it gives one, else a fingerprint of the line.
    dedupe_key = models.CharField(max_length=200, unique=True, editable=False)
    account_iban = models.CharField(_("account"), max_length=34)
    booking_date = models.DateField(_("booking date"), db_index=True)
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    is_credit = models.BooleanField(_("money in"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    original_amount = models.CharField(_("original amount"), max_length=40, blank=True)
    is_reversal = models.BooleanField(_("reversal"), default=False)
    counterparty_name = models.CharField(_("counterparty"), max_length=200, blank=True)
    counterparty_iban = models.CharField(_("counterparty account"), max_length=34, blank=True)
    remittance = models.TextField(_("description"), blank=True)
    end_to_end_id = models.CharField(_("end-to-end reference"), max_length=140, blank=True)
    entry_reference = models.CharField(_("bank reference"), max_length=140, blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=Status, default=Status.REVIEW, db_index=True
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    donation = models.OneToOneField(
        Donation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statement_line",
        verbose_name=_("donation"),
    )

    class Meta:
        ordering = ["-booking_date", "-id"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="statement_line_positive"),
        ]

    def __str__(self) -> str:
        sign = "+" if self.is_credit else "-"
        return f"{self.booking_date} {sign}{self.amount} {self.counterparty_name}"


def _receipt_name(instance, filename: str) -> str:
    # A random name: the file name a treasurer uploads can carry personal data. Only a
    # receipt's own suffixes are kept; ExpenseForm has already matched it to the content.
    suffix = Path(filename).suffix.lower()
    return f"receipts/{uuid.uuid4().hex}{suffix if suffix in RECEIPT_SUFFIXES else ''}"


class PrivateStorage(LazyObject):
    """Receipts are never public: only a treasurer-only view serves them (settings.STORAGES's
    "private": PRIVATE_MEDIA_ROOT, or the bucket's private/ path)."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = PrivateStorage()


@receiver(setting_changed)
def _private_storage_follows_the_setting(*, setting, **kwargs):
    # As Django does for default_storage: a test that swaps STORAGES gets the new one.
    if setting == "STORAGES":
        private_storage._wrapped = empty


def private_storage_get():
    # A callable, so that migrations record this function rather than the storage's absolute
    # path on the machine that made them (which made every other checkout see a change).
    return private_storage


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

    def totals_entries(self) -> list:
        from donations.totals import Entry, money

        return [Entry(fund=self.prisoner_id, spent=money(self.amount))]

    def books_entry(self):
        from donations.totals import BooksEntry, day_of, money

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

    def totals_entries(self) -> list:
        from donations.totals import Entry, money

        amount = money(self.amount)
        return [
            Entry(fund=self.from_prisoner_id, transferred_out=amount),
            Entry(fund=self.to_prisoner_id, transferred_in=amount),
        ]

    def books_entry(self):
        from donations.totals import BooksEntry, day_of, money

        shown = (self.from_prisoner_id, self.to_prisoner_id, money(self.amount))
        return BooksEntry(day_of(self.date), shown)


class FundOverview(Prisoner):
    """The admin's funds overview (a read-only view; no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("fund balance")
        verbose_name_plural = _("fund balances")
