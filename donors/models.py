"""What a donor's own page records: issued annual statements, their mailing, amount changes
and erasure requests. The gifts themselves stay in the ledger (`donations`)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donations.models import Donor, Sponsorship


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
        constraints = [
            models.UniqueConstraint(fields=["donor", "year"], name="unique_statement_mailing"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.donor_id}"


class AmountChange(models.Model):
    """A donor's change of a sponsorship's monthly amount, recorded before the provider is
    asked, so its id keys the provider's idempotency and the change is on record."""

    sponsorship = models.ForeignKey(Sponsorship, on_delete=models.PROTECT, related_name="+")
    old_amount = models.DecimalField(max_digits=12, decimal_places=2)
    new_amount = models.DecimalField(max_digits=12, decimal_places=2)
    requested_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(new_amount__gt=0), name="amount_change_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.old_amount} → {self.new_amount}"


class ErasureRequest(models.Model):
    """A donor asked to erase their data. Granted as anonymisation: Dutch law (AWR art. 52)
    has the foundation keep its books for 7 years, so amounts and dates stay; the person
    behind them goes. Holds no personal data itself."""

    class Outcome(models.TextChoices):
        ANONYMISED = "anonymised", _("Granted as anonymisation")

    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="erasure_requests", verbose_name=_("donor")
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome, blank=True)
    gifts_anonymised = models.PositiveIntegerField(_("gifts anonymised"), default=0)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d} {self.get_outcome_display()}"
