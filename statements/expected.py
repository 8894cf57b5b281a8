"""Bank transfers a donor announced by leaving an email on the bank-transfer page."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from giving.tasks import send_receipt, send_transfer_details
from ledger.models import Donation
from prisoners.models import Prisoner
from statements.models import ExpectedTransfer

# A fresh reference collides with an existing one about once in 244 million tries.
REFERENCE_TRIES = 5


def expected_transfer_create(
    *,
    email: str,
    language: str,
    amount: Decimal,
    prisoner: Prisoner | None,
    purpose: str = "",
    donor_name: str = "",
    notify: bool = True,
) -> ExpectedTransfer:
    """Give the donor a reference of their own and email them the bank details (unless the
    caller's own email gives them, `notify=False`)."""
    for attempt in range(REFERENCE_TRIES):
        try:
            with transaction.atomic():
                expected = ExpectedTransfer.objects.create(
                    email=email,
                    language=language,
                    amount=amount,
                    prisoner=prisoner,
                    purpose=purpose,
                    donor_name=donor_name,
                )
            break
        except IntegrityError:
            if attempt == REFERENCE_TRIES - 1:
                raise
    if notify:
        transaction.on_commit(lambda: send_transfer_details.enqueue(expected.pk))
    return expected


def expected_transfer_receive(*, expected: ExpectedTransfer, donation: Donation) -> None:
    """Link the gift from the statement to its donor, then thank them (once)."""
    # "Update where still expected": a second transfer with the same reference is recorded
    # as a gift of its own but leaves the first link alone.
    ExpectedTransfer.objects.filter(pk=expected.pk, status=ExpectedTransfer.Status.EXPECTED).update(
        status=ExpectedTransfer.Status.RECEIVED, donation=donation, received_at=timezone.now()
    )
    transaction.on_commit(lambda: send_receipt.enqueue(donation.pk))
