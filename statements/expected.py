"""A bank transfer a donor announced (giving.transfers) found on the statement."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ledger.models import Donation
from payments.signals import payment_paid
from statements.models import ExpectedTransfer


def expected_transfer_receive(*, expected: ExpectedTransfer, donation: Donation) -> None:
    """Link the gift from the statement to its donor, then thank them (once)."""
    # "Update where still expected": a second transfer with the same reference is recorded
    # as a gift of its own but leaves the first link alone.
    ExpectedTransfer.objects.filter(pk=expected.pk, status=ExpectedTransfer.Status.EXPECTED).update(
        status=ExpectedTransfer.Status.RECEIVED, donation=donation, received_at=timezone.now()
    )
    # Paid, as far as the donor is concerned: the receipt goes (giving.receivers).
    transaction.on_commit(lambda: payment_paid.send(sender=None, donation=donation))
