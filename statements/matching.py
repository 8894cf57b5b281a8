"""Which fund a new statement line is for, and the gift a matched credit becomes."""

from __future__ import annotations

import re
from datetime import datetime, time

from django.utils import timezone

from donors.services import donor_get_or_create
from ledger.models import Donation, StatementLine
from prisoners.models import Campaign, Prisoner
from statements.models import ExpectedTransfer
from statements.parsing import ParsedLine
from statements.references import find_reference

# Payouts of online gifts: already counted from the providers' webhooks, never twice.
PAYOUT_NAMES = re.compile(r"\b(mollie|stripe)\b", re.IGNORECASE)

# (status, note, prisoner, the donor's expected transfer when the reference is theirs)
Classified = tuple[str, str, Prisoner | None, ExpectedTransfer | None]


class LineMatcher:
    """The campaign's IBAN and references, read once for a whole file."""

    def __init__(self):
        campaign = Campaign.objects.first()
        self.iban = campaign.iban.replace(" ", "").upper() if campaign else ""
        self.general = campaign.general_reference.upper() if campaign else None
        self.prisoners = {p.payment_reference.upper(): p for p in Prisoner.objects.all()}
        # A donor's own reference from the bank-transfer page: the gift is theirs.
        self.expected = {
            e.reference.upper(): e for e in ExpectedTransfer.objects.select_related("prisoner")
        }
        self.references = (
            set(self.prisoners) | set(self.expected) | ({self.general} if self.general else set())
        )

    def classify(self, line: ParsedLine) -> Classified:
        """(status, note, prisoner, expected transfer) for a new line."""
        if line.is_reversal:
            return StatementLine.Status.REVIEW, "reversal of an earlier entry", None, None
        if not line.is_credit:
            return StatementLine.Status.REVIEW, "money out: possible spending", None, None
        if PAYOUT_NAMES.search(line.counterparty_name):
            return (
                StatementLine.Status.NOT_DONATION,
                "payout of online gifts, counted already",
                None,
                None,
            )
        if line.currency != "EUR":
            return StatementLine.Status.REVIEW, f"booked in {line.currency}", None, None
        found = find_reference(f"{line.remittance} {line.end_to_end_id}", self.references)
        if len(found) == 1:
            (reference,) = found
            expected = self.expected.get(reference)
            if expected is not None:
                note = f"reference {reference} (expected transfer)"
                return StatementLine.Status.MATCHED, note, expected.prisoner, expected
            return (
                StatementLine.Status.MATCHED,
                f"reference {reference}",
                self.prisoners.get(reference),
                None,
            )
        if found:
            return (
                StatementLine.Status.REVIEW,
                "several references: " + ", ".join(sorted(found)),
                None,
                None,
            )
        return StatementLine.Status.REVIEW, "no payment reference found", None, None


def donation_from_line(
    line: StatementLine, prisoner: Prisoner | None, expected: ExpectedTransfer | None = None
) -> Donation:
    booked = timezone.make_aware(datetime.combine(line.booking_date, time(12)))
    donor = (
        {
            "donor_name": expected.donor_name or line.counterparty_name,
            "donor_email": expected.email,
            "language": expected.language,
            "purpose": expected.purpose,
            # The donor who left this email: one donor record holds all their gifts.
            "donor": donor_get_or_create(
                email=expected.email, name=expected.donor_name, language=expected.language
            ),
        }
        if expected
        else {"donor_name": line.counterparty_name}
    )
    return Donation(
        amount=line.amount,
        amount_paid=line.amount,
        prisoner=prisoner,
        method=Donation.Method.BANK_TRANSFER,
        provider=Donation.Provider.BANK,
        provider_payment_id=line.dedupe_key,
        status=Donation.Status.PAID,
        **donor,
        # Bank donors never chose to be named in public.
        is_anonymous=True,
        received_on=line.booking_date,
        paid_at=booked,
        created_at=booked,
    )
