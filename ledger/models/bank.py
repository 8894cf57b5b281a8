"""Money in and out through the bank: statements, their lines, spending and fund transfers."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models.donation import Donation


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
        db_table = "donations_bankstatement"
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
        db_table = "donations_statementline"
        ordering = ["-booking_date", "-id"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="statement_line_positive"),
        ]

    def __str__(self) -> str:
        sign = "+" if self.is_credit else "-"
        return f"{self.booking_date} {sign}{self.amount} {self.counterparty_name}"
