"""Messages of support: what donors wrote for a prisoner with their gift, as editors review
them.

A message is a row of its own beside its gift (`MessageOfSupport.donation`, which is also its
id), so the gift holds the money and the message its words, consent and review. Editors never
see donations or donors: their admin shows the message and nothing of the money or the
donor's email.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import Donation


class MessageQuerySet(models.QuerySet):
    def submitted(self):
        """Messages meant for a prisoner's page: on a paid gift to that prisoner, which the
        donor agreed to show.

        An unpaid gift's message never reaches an editor: card testers write messages too.
        A gift to the general fund has no page to show its message on.
        """
        return self.filter(
            donation__status=Donation.Status.PAID,
            donation__prisoner__isnull=False,
            is_public=True,
        ).exclude(text="")


class MessageOfSupport(models.Model):
    class Status(models.TextChoices):
        # A message of support is shown only once an editor approved it.
        WAITING = "waiting", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        HIDDEN = "hidden", _("Hidden")

    class Signature(models.TextChoices):
        FULL_NAME = "full_name", _("My full name")
        FIRST_NAME = "first_name", _("My first name only")
        NO_NAME = "no_name", _("No name")

    donation = models.OneToOneField(
        Donation, on_delete=models.CASCADE, primary_key=True, related_name="message"
    )
    text = models.TextField(_("message"), max_length=500, blank=True)
    is_public = models.BooleanField(
        _("message may be shown"), default=False, help_text=_("The donor agreed to show it.")
    )
    signed_with = models.CharField(
        _("message signed with"),
        max_length=10,
        choices=Signature,
        # Less than the donor may have wanted, never more: a message recorded without the
        # donor's choice shows no full name.
        default=Signature.FIRST_NAME,
    )
    status = models.CharField(
        _("message review"),
        max_length=10,
        choices=Status,
        default=Status.WAITING,
        db_index=True,
    )
    moderated_by = models.CharField(
        _("message reviewed by"), max_length=150, blank=True, editable=False
    )
    moderated_at = models.DateTimeField(
        _("message reviewed at"), null=True, blank=True, editable=False
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-donation__created_at"]
        verbose_name = _("message of support")
        verbose_name_plural = _("messages of support")
        # Messages are written by donors and never removed from their gift: review only.
        default_permissions = ("view", "change")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def signature(self) -> str:
        """The name under the message, as the public sees it; empty when unsigned."""
        gift = self.donation
        if gift.is_anonymous or self.signed_with == self.Signature.NO_NAME:
            return ""
        name = gift.donor_name.strip()
        if self.signed_with == self.Signature.FIRST_NAME:
            return name.split()[0] if name else ""
        return name


MessageStatus = MessageOfSupport.Status

# Each review decision and the states it may start from. A hidden message can be approved
# again (an editor hid it by mistake); nothing goes back to waiting.
MODERATION_FROM = {
    MessageStatus.APPROVED: {MessageStatus.WAITING, MessageStatus.HIDDEN},
    MessageStatus.HIDDEN: {MessageStatus.WAITING, MessageStatus.APPROVED},
}


class MessageModeration(models.Model):
    """Audit trail: every review decision on a message, who made it and when."""

    donation = models.ForeignKey(
        Donation, on_delete=models.PROTECT, related_name="message_moderations"
    )
    from_status = models.CharField(max_length=10, choices=MessageStatus)
    to_status = models.CharField(max_length=10, choices=MessageStatus)
    moderated_by = models.CharField(_("reviewed by"), max_length=150)
    moderated_at = models.DateTimeField(_("reviewed at"), default=timezone.now)

    class Meta:
        db_table = "donations_messagemoderation"
        ordering = ["moderated_at", "id"]
        verbose_name = _("message review")
        verbose_name_plural = _("message reviews")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} ({self.moderated_by})"
