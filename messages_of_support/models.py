"""Messages of support: what donors wrote for a prisoner, as editors review them.

The message lives on its gift. Editors never see donations or donors, so they review it
through a proxy whose admin shows the message and nothing of the money or the donor's email.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import Donation, DonationQuerySet

MessageStatus = Donation.MessageStatus

# Each review decision and the states it may start from. A hidden message can be approved
# again (an editor hid it by mistake); nothing goes back to waiting.
MODERATION_FROM = {
    MessageStatus.APPROVED: {MessageStatus.WAITING, MessageStatus.HIDDEN},
    MessageStatus.HIDDEN: {MessageStatus.WAITING, MessageStatus.APPROVED},
}


class MessageQuerySet(DonationQuerySet):
    def submitted(self):
        """Messages meant for a prisoner's page: on a paid gift to that prisoner, which the
        donor agreed to show.

        An unpaid gift's message never reaches an editor: card testers write messages too.
        A gift to the general fund has no page to show its message on.
        """
        return (
            self.paid()
            .filter(message_is_public=True, prisoner__isnull=False)
            .exclude(public_message="")
        )


class MessageOfSupport(Donation):
    objects = MessageQuerySet.as_manager()

    class Meta:
        proxy = True
        ordering = ["-created_at"]
        verbose_name = _("message of support")
        verbose_name_plural = _("messages of support")
        # Messages are written by donors and never removed from their gift: review only.
        default_permissions = ("view", "change")

    def __str__(self) -> str:
        return self.public_message[:60]

    @property
    def signature(self) -> str:
        """The name under the message, as the public sees it; empty when unsigned."""
        if self.is_anonymous or self.message_signature == Donation.Signature.NO_NAME:
            return ""
        name = self.donor_name.strip()
        if self.message_signature == Donation.Signature.FIRST_NAME:
            return name.split()[0] if name else ""
        return name


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
