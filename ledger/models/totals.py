"""Running totals: what the public pages read instead of summing the ledger on every view.

Each is kept in step with the ledger in the same transaction as the entry that moves the money
(`ledger.running_totals`). The ledger stays the truth: the treasurer's reports sum it, and
`manage.py verify_totals` recomputes these rows from it and reports any difference.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from prisoners.models import Prisoner

ZERO = Decimal("0.00")


def _money(label):
    # Sums of many 12-digit amounts need room to grow, as in ledger.selectors.
    return models.DecimalField(label, max_digits=14, decimal_places=2, default=ZERO)


class IncomeTotals(models.Model):
    """Money in, in the terms of `ledger.selectors.MoneyIn`."""

    received = _money(_("received"))
    refunded = _money(_("refunded"))
    corrected = _money(_("corrected"))
    # Gifts, refunds and corrections counted, as money_in's `entries`.
    entries = models.BigIntegerField(_("entries"), default=0)

    class Meta:
        abstract = True

    @property
    def raised(self) -> Decimal:
        return self.received - self.refunded + self.corrected

    @staticmethod
    def raised_sql():
        """`raised` in SQL, to read many rows without making a model of each."""
        return models.F("received") - models.F("refunded") + models.F("corrected")


class FundTotal(IncomeTotals):
    """One fund: a prisoner's, or the general fund's (no prisoner)."""

    prisoner = models.ForeignKey(
        Prisoner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prisoner"),
    )
    spent = _money(_("spent"))
    transferred_in = _money(_("transferred in"))
    transferred_out = _money(_("transferred out"))

    class Meta:
        db_table = "donations_fundtotal"
        verbose_name = _("fund total")
        verbose_name_plural = _("fund totals")
        constraints = [
            # One row per fund; the general fund's prisoner is NULL, which a plain unique
            # field would allow twice.
            models.UniqueConstraint(Coalesce("prisoner", Value(0)), name="one_total_per_fund"),
        ]

    def __str__(self) -> str:
        return f"{self.prisoner_id or 'general'}: {self.raised}"


class QuarterTotal(IncomeTotals):
    """Money in during one quarter (its first day), each entry on its own date."""

    quarter = models.DateField(_("quarter"), unique=True)

    class Meta:
        db_table = "donations_quartertotal"
        ordering = ["quarter"]
        verbose_name = _("quarter total")
        verbose_name_plural = _("quarter totals")

    def __str__(self) -> str:
        return f"{self.quarter}: {self.raised}"


class CampaignTotal(models.Model):
    """The campaign's counters that no sum of funds gives: the number of donors."""

    ROW = 1

    donors = models.BigIntegerField(_("donors"), default=0)

    class Meta:
        db_table = "donations_campaigntotal"
        verbose_name = _("campaign total")
        verbose_name_plural = _("campaign totals")

    def __str__(self) -> str:
        return f"{self.donors} donors"


class YearTotal(models.Model):
    """One year of the books, for its published financial statements.

    `entries` counts the ledger rows dated in the year (gifts, refunds and chargebacks,
    corrections, spending, transfers), so the first year of the books is one short query.
    `version` moves whenever a row dated in the year is written in a way its statements show:
    a correction, refund or fee booked after the year closed, spending moved to another
    category or date. A closed year's statements change with any year up to it (the opening
    balances), so they are kept under the sum of those years' versions.
    """

    year = models.PositiveIntegerField(_("year"), unique=True)
    entries = models.BigIntegerField(_("entries"), default=0)
    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        db_table = "donations_yeartotal"
        ordering = ["year"]
        verbose_name = _("year total")
        verbose_name_plural = _("year totals")

    def __str__(self) -> str:
        return f"{self.year}: {self.entries} entries"
