"""Each January: every donor who gave in the past year gets their statement by email, once.

`send_annual_statements` drives this; each donor and year is claimed by inserting one
`AnnualStatementMailing` row (unique), so a rerun, or two runs at once, never send twice.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from annual_statements.documents import NothingToState, statement_issue
from annual_statements.models import AnnualStatement, AnnualStatementMailing
from donors.models import ANONYMISED_DOMAIN, Donor
from ledger.gift_donors import donor_adopt_gifts, donor_for_email
from ledger.models import Donation
from ledger.selectors import RECEIVED_ON
from prisoners.models import Campaign

SENT = "sent"
WOULD_SEND = "would send"
ALREADY_SENT = "already sent"
OPTED_OUT = "opted out"
NO_ADDRESS = "no address (erased)"
NOTHING = "nothing to state"
FAILED = "failed"


@dataclass
class MailingResult:
    year: int
    dry_run: bool
    outcomes: dict[str, int] = field(default_factory=dict)
    # Gifts with an email that no donor held yet (made donors now, or counted in a dry run).
    new_donors: int = 0

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _paid_in(year: int):
    start, end = _year_range(year)
    return Donation.objects.paid().annotate(day=RECEIVED_ON).filter(day__gte=start, day__lte=end)


def donors_adopt_year(*, year: int, dry_run: bool) -> int:
    """Paid gifts of the year that carry an email but no donor get one (one-off gifts and
    typed-in transfers have no donor record of their own). Returns how many addresses."""
    emails = {
        email.strip().lower()
        for email in _paid_in(year)
        .filter(donor__isnull=True)
        .exclude(donor_email="")
        .values_list("donor_email", flat=True)
    }
    emails = {e for e in emails if not e.endswith(f"@{ANONYMISED_DOMAIN}")}
    if not dry_run:
        for email in sorted(emails):
            donor = donor_for_email(email)
            if donor is not None:
                donor_adopt_gifts(donor=donor)
    return len(emails)


def donors_who_gave(year: int) -> list[int]:
    ids = _paid_in(year).filter(donor__isnull=False).values_list("donor_id", flat=True)
    return sorted(set(ids))


def annual_statements_send(
    *, year: int, dry_run: bool = False, progress: Callable[[int, int], None] | None = None
) -> MailingResult:
    """Send every donor who gave in `year` their statement, unless they opted out or were
    sent it before. With `dry_run`, count what would happen and write nothing."""
    result = MailingResult(year=year, dry_run=dry_run)
    result.new_donors = donors_adopt_year(year=year, dry_run=dry_run)
    donor_ids = donors_who_gave(year)
    for done, donor_id in enumerate(donor_ids, start=1):
        result.count(annual_statement_send(donor_id=donor_id, year=year, dry_run=dry_run))
        if progress:
            progress(done, len(donor_ids))
    if dry_run:
        # Their gifts get a donor when the run is real; each is one more statement to send.
        result.outcomes[WOULD_SEND] = result.outcomes.get(WOULD_SEND, 0) + result.new_donors
    return result


def annual_statement_send(*, donor_id: int, year: int, dry_run: bool = False) -> str:
    """One donor's statement for one year: claimed, issued, emailed with the PDF. Returns
    the outcome. A failure to issue or send gives the claim back, so a rerun tries again."""
    donor = Donor.objects.get(pk=donor_id)
    if donor.email.endswith(f"@{ANONYMISED_DOMAIN}"):
        return NO_ADDRESS
    if not donor.wants_annual_statement:
        return OPTED_OUT
    if AnnualStatementMailing.objects.filter(donor=donor, year=year).exists():
        return ALREADY_SENT
    if dry_run:
        return WOULD_SEND
    try:
        with transaction.atomic():
            claim = AnnualStatementMailing.objects.create(donor=donor, year=year)
    except IntegrityError:
        return ALREADY_SENT  # another run claimed it a moment ago
    try:
        statement = statement_issue(donor_id=donor.pk, year=year)
    except NothingToState:
        claim.delete()
        return NOTHING
    try:
        statement_email(statement=statement).send()
    except (smtplib.SMTPException, OSError):
        # The mail server refused or was unreachable: give the claim back for the rerun.
        claim.delete()
        return FAILED
    AnnualStatementMailing.objects.filter(pk=claim.pk).update(
        sent_at=timezone.now(), statement=statement
    )
    return SENT


def statement_email(*, statement: AnnualStatement) -> EmailMessage:
    donor = statement.donor
    context = {
        "statement": statement,
        "donor": donor,
        "campaign": Campaign.objects.first(),
        "site_url": settings.SITE_URL,
    }
    with translation.override(statement.language):
        subject = render_to_string("email/donors/annual_statement_subject.txt", context).strip()
        body = render_to_string("email/donors/annual_statement.txt", context)
        filename = f"{statement.number}.pdf"
    message = EmailMessage(subject, body, None, [donor.email])
    message.attach(filename, bytes(statement.pdf), "application/pdf")
    return message
