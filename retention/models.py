"""A donor's request to erase their data, as granted."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donors.models import Donor


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
        db_table = "donors_erasurerequest"
        ordering = ["-requested_at"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d} {self.get_outcome_display()}"
