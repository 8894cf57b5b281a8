"""A donor: one person who gives, known by their email address; no account, no password."""

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# An anonymised donor's gifts keep one made-up address per address they used, so "number of
# donors" (distinct addresses) stays exactly what it was. Random, so it links to nobody, and
# in the reserved .invalid domain (RFC 2606), so no mail can ever be sent to it (retention).
ANONYMISED_DOMAIN = "anonymised.invalid"


def normalise_email(email: str) -> str:
    """One donor per mailbox: surrounding space and letter case never make a second donor."""
    return email.strip().lower()


class Donor(models.Model):
    """One person who gives, known by their email address; no account, no password."""

    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, default="es")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # What the donor wants by email, set on their own page. News is asked, never assumed.
    wants_monthly_receipts = models.BooleanField(_("monthly receipts"), default=True)
    wants_annual_statement = models.BooleanField(_("annual gift statement"), default=True)
    wants_news = models.BooleanField(_("news"), default=False)

    class Meta:
        db_table = "donations_donor"
        ordering = ["email"]
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        constraints = [
            # The column is stored normalised; this also refuses a raw write that is not.
            models.UniqueConstraint(Lower("email"), name="unique_donor_email_ci"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)
