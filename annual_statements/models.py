"""What a donor's own page records: issued annual statements, their mailing, amount changes
and erasure requests. The gifts themselves stay in the ledger (`donations`)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donors.models import Donor


class AnnualStatement(models.Model):
    """An annual gift statement as issued: the exact PDF, its figures and its fingerprint.

    Issued documents are never changed. When a figure changes after issue (a refund, a
    chargeback, a correction), the next request issues a new version that supersedes this
    one and says so. Only an erasure request empties `pdf` (the donor's name is in it);
    the number, total and fingerprint stay.
    """

    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="annual_statements", verbose_name=_("donor")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    number = models.CharField(_("number"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    language = models.CharField(_("language"), max_length=8)
    total = models.DecimalField(_("total (EUR)"), max_digits=14, decimal_places=2)
    gift_count = models.PositiveIntegerField(_("gifts"))
    # The figures it states (see DonorYear.digest): a new version is issued when they change.
    figures_digest = models.CharField(max_length=64, editable=False)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    pdf = models.BinaryField(editable=False)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("replaces"),
    )

    class Meta:
        db_table = "donors_annualstatement"
        ordering = ["-year", "-version"]
        verbose_name = _("annual gift statement")
        verbose_name_plural = _("annual gift statements")
        constraints = [
            models.UniqueConstraint(
                fields=["donor", "year", "version"], name="unique_statement_version"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("An issued statement is never changed; issue a corrected one.")
        super().save(*args, **kwargs)


class AnnualStatementMailing(models.Model):
    """`send_annual_statements`' claim: one row per donor and year, so a rerun (or two runs
    at once) never sends a donor the same year twice."""

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    statement = models.ForeignKey(
        AnnualStatement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "donors_annualstatementmailing"
        constraints = [
            models.UniqueConstraint(fields=["donor", "year"], name="unique_statement_mailing"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.donor_id}"
