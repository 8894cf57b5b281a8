"""A bank transfer a donor told us about, so the gift can be linked to them when it arrives."""

import secrets
import uuid
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdfund.money import MAX_AMOUNT
from ledger.models import Donation, Purpose, fund_label
from prisoners.models import REFERENCE_ALPHABET, Prisoner

# "DT", unlike the prisoners' "DS" references, so the two can never be mistaken.
EXPECTED_PREFIX = "DT"
# Transfers usually arrive within days; after this the treasurer looks into it.
OVERDUE_AFTER = timedelta(days=30)


def new_expected_reference() -> str:
    # Drawn again when taken: a clash is rare, but it would fail the donor's form on the
    # unique constraint.
    while True:
        reference = EXPECTED_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if not ExpectedTransfer.objects.filter(reference=reference).exists():
            return reference


class ExpectedTransferQuerySet(models.QuerySet):
    def overdue(self, now=None):
        cutoff = (now or timezone.now()) - OVERDUE_AFTER
        return self.filter(status=ExpectedTransfer.Status.EXPECTED, created_at__lt=cutoff)


class ExpectedTransfer(models.Model):
    class Status(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        RECEIVED = "received", _("Received")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(
        _("payment reference"), max_length=12, unique=True, default=new_expected_reference
    )
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    prisoner = models.ForeignKey(
        Prisoner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expected_transfers",
        verbose_name=_("prisoner"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose, blank=True)
    donor_name = models.CharField(_("donor's name"), max_length=200, blank=True)
    email = models.EmailField(_("donor's email"))
    language = models.CharField(_("language"), max_length=8, default="es")
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.EXPECTED, db_index=True
    )
    donation = models.ForeignKey(
        Donation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expected_transfers",
        verbose_name=_("donation"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    received_at = models.DateTimeField(_("received"), null=True, blank=True, editable=False)

    objects = ExpectedTransferQuerySet.as_manager()

    class Meta:
        db_table = "donations_expectedtransfer"
        ordering = ["-created_at"]
        verbose_name = _("expected transfer")
        verbose_name_plural = _("expected transfers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, amount__lte=MAX_AMOUNT),
                name="expected_transfer_amount_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def fund_name(self) -> str:
        return fund_label(self.prisoner if self.prisoner_id else None)
