"""Bank transfers a donor announces by leaving an email on the bank-transfer page (or by
choosing a transfer for a periodic-gift agreement): a reference of their own, and the bank
details by email. statements.expected links the transfer when it arrives."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from giving.tasks import send_transfer_details
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
