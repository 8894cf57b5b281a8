"""Annual gift statements (jaaroverzicht giften): issued once, corrected by a new version.

The figures are `ledger.donor_figures.donor_year`, the same `money_in` query the
treasurer's report reads. The PDF comes from the reports' WeasyPrint pipeline and print
stylesheet, tagged, in the donor's language.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from annual_statements.models import AnnualStatement
from crowdfund.pdf import html_to_pdf, render_pdf
from donors.models import Donor
from ledger.donor_figures import DonorYear, donor_year
from ledger.models import Donation
from ledger.selectors import gift_net
from prisoners.models import Campaign


class NothingToState(Exception):
    """The donor has no paid gift in that year (or the year is not over yet)."""


def statement_number(*, donor_id: int, year: int, version: int) -> str:
    return f"GS-{year}-{donor_id:06d}-{version}"


def statement_issue(*, donor_id: int, year: int) -> AnnualStatement:
    """The donor's statement for a past year: the latest issued one while its figures still
    hold, else a new version (the first, or a correction that replaces the latest).

    Idempotent: asking again with unchanged figures issues nothing. Raises NothingToState.
    """
    if not 1900 < year < timezone.localdate().year:
        raise NothingToState(year)
    with transaction.atomic():
        # The donor's row lock: two requests at once (the page and send_annual_statements)
        # would otherwise both find the figures changed and issue two versions.
        donor = Donor.objects.select_for_update().get(pk=donor_id)
        figures = donor_year(donor_id=donor.pk, year=year)
        latest = AnnualStatement.objects.filter(donor=donor, year=year).order_by("-version").first()
        if latest is not None and latest.figures_digest == figures.digest():
            return latest
        if not figures.gifts:
            raise NothingToState(year)
        version = latest.version + 1 if latest else 1
        statement = AnnualStatement(
            donor=donor,
            year=year,
            version=version,
            number=statement_number(donor_id=donor.pk, year=year, version=version),
            issued_at=timezone.now(),
            language=donor.language,
            total=figures.total.raised,
            gift_count=len(figures.gifts),
            figures_digest=figures.digest(),
            supersedes=latest,
        )
        pdf = statement_pdf(statement=statement, figures=figures)
        statement.pdf = pdf
        statement.sha256 = hashlib.sha256(pdf).hexdigest()
        statement.save()
    return statement


def statement_html(*, statement: AnnualStatement, figures: DonorYear) -> str:
    with translation.override(statement.language):
        return render_to_string(
            "annual_statements/pdf/statement.html",
            {
                "statement": statement,
                "donor": statement.donor,
                "figures": figures,
                "campaign": Campaign.objects.first(),
                "issued_at": timezone.localtime(statement.issued_at),
                "replaces": statement.supersedes,
            },
        )


def statement_pdf(*, statement: AnnualStatement, figures: DonorYear) -> bytes:
    return html_to_pdf(statement_html(statement=statement, figures=figures))


def receipt_pdf(*, donation: Donation, language: str) -> bytes:
    """A receipt for one paid gift, as it stands now (refunds and corrections shown)."""
    with translation.override(language):
        return render_pdf(
            "mygifts/pdf/receipt.html",
            {
                "donation": donation,
                "net": gift_net(donation),
                "refunds": list(donation.refunds.order_by("created_at")),
                "corrections": list(donation.corrections.order_by("date", "id")),
                "campaign": Campaign.objects.first(),
                "generated_at": timezone.localtime(),
            },
        )


def statements_erase_documents(donor_ids: list[int]) -> None:
    """Empty the PDFs of these donors' statements (they name the donor); the number, total
    and fingerprint stay on record."""
    AnnualStatement.objects.filter(donor_id__in=donor_ids).exclude(pdf=b"").update(pdf=b"")
