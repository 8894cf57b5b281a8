"""Annual gift statements: issued documents, corrected by a new version, never changed."""

import hashlib
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from annual_statements.documents import NothingToState, statement_issue
from annual_statements.models import AnnualStatement
from ledger.models import Refund
from tests.donor_pages import LAST_YEAR, open_page

# The donor's page offers the demo checkout when demo payments are on.
pytestmark = pytest.mark.usefixtures("demo_payments_on")


def _text(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), reader


@pytest.fixture
def anbi(campaign):
    campaign.is_anbi, campaign.anbi_since = True, date(2021, 1, 1)
    campaign.rsin, campaign.kvk_number = "123456782", "12345678"
    campaign.postal_address = "Postbus 1\n1000 AA Amsterdam"
    campaign.save()
    return campaign


@pytest.fixture
def donor_with_gifts(anbi, make_donor, give_as):
    donor = make_donor(name="Camila Ejemplo", language="nl")
    gifts = [
        give_as(donor, "50.00", date(LAST_YEAR, 3, 1)),
        give_as(donor, "25.50", date(LAST_YEAR, 11, 2)),
    ]
    give_as(donor, "10.00", date(LAST_YEAR - 1, 5, 5))
    return donor, gifts


def _refund(gift, amount, day):
    return Refund.objects.create(
        donation=gift,
        provider="manual",
        provider_refund_id=f"r-{gift.pk}-{amount}",
        kind="refund",
        amount=Decimal(amount),
        created_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
    )


def test_it_issues_a_tagged_pdf_in_the_donors_language_with_the_foundations_facts(
    donor_with_gifts,
):
    donor, _gifts = donor_with_gifts
    statement = statement_issue(donor_id=donor.pk, year=LAST_YEAR)
    assert statement.version == 1 and statement.supersedes is None
    assert statement.total == Decimal("75.50") and statement.gift_count == 2
    assert statement.number == f"GS-{LAST_YEAR}-{donor.pk:06d}-1"
    pdf = bytes(statement.pdf)
    assert statement.sha256 == hashlib.sha256(pdf).hexdigest()
    text, reader = _text(pdf)
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers
    assert "De Solidaire Diaspora Stg" in text and "123456782" in text and "12345678" in text
    assert "ANBI" in text and "januari" in text  # registered since, in Dutch
    assert "Camila Ejemplo" in text and "camila@example.org" in text
    assert "€ 75,50" in text and "€ 50,00" in text and "€ 25,50" in text
    assert "€ 10,00" not in text  # the year before
    assert statement.number in text


def test_asking_again_with_unchanged_figures_issues_nothing(donor_with_gifts):
    donor, _gifts = donor_with_gifts
    first = statement_issue(donor_id=donor.pk, year=LAST_YEAR)
    assert statement_issue(donor_id=donor.pk, year=LAST_YEAR) == first
    assert AnnualStatement.objects.count() == 1


def test_a_refund_after_issue_produces_a_corrected_statement_and_keeps_the_old_one(
    donor_with_gifts,
):
    donor, gifts = donor_with_gifts
    first = statement_issue(donor_id=donor.pk, year=LAST_YEAR)
    first_bytes, first_hash = bytes(first.pdf), first.sha256
    # Refunded in January: after the statement was issued, in the next year.
    _refund(gifts[1], "25.50", date(LAST_YEAR + 1, 1, 8))
    corrected = statement_issue(donor_id=donor.pk, year=LAST_YEAR)
    assert corrected.pk != first.pk
    assert corrected.version == 2 and corrected.supersedes == first
    assert corrected.total == Decimal("50.00")
    text, _reader = _text(bytes(corrected.pdf))
    assert first.number in text  # it says which statement it replaces
    assert "januari" in text  # in Dutch (the ANBI date; the texts come with the catalogs)
    first.refresh_from_db()
    assert bytes(first.pdf) == first_bytes and first.sha256 == first_hash
    assert hashlib.sha256(bytes(first.pdf)).hexdigest() == first_hash
    assert first.total == Decimal("75.50")


def test_an_issued_statement_cannot_be_saved_again(donor_with_gifts):
    donor, _gifts = donor_with_gifts
    statement = statement_issue(donor_id=donor.pk, year=LAST_YEAR)
    statement.total = Decimal("1.00")
    with pytest.raises(ValueError, match="never changed"):
        statement.save()


def test_there_is_no_statement_for_this_year_or_a_year_without_gifts(donor_with_gifts):
    donor, _gifts = donor_with_gifts
    for year in (LAST_YEAR + 1, LAST_YEAR - 5):
        with pytest.raises(NothingToState):
            statement_issue(donor_id=donor.pk, year=year)
    assert not AnnualStatement.objects.exists()


def test_the_page_offers_past_years_and_downloads_the_pdf(client, donor_with_gifts):
    donor, _gifts = donor_with_gifts
    open_page(client, donor)
    page = client.get("/en/my-gifts/page/").content.decode()
    assert f"Statement {LAST_YEAR} (PDF)" in page and f"Statement {LAST_YEAR - 1} (PDF)" in page
    assert f"Statement {LAST_YEAR + 1}" not in page
    response = client.post("/en/my-gifts/page/statements/", {"year": LAST_YEAR})
    statement = AnnualStatement.objects.get()
    assert response["Location"] == f"/en/my-gifts/page/statements/{statement.pk}.pdf"
    pdf = client.get(response["Location"])
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(statement.pdf)
    assert statement.number in client.get("/en/my-gifts/page/").content.decode()


def test_a_year_without_gifts_gets_a_clear_message(client, donor_with_gifts):
    donor, _gifts = donor_with_gifts
    open_page(client, donor)
    for year in (LAST_YEAR - 5, "not a year"):
        response = client.post("/en/my-gifts/page/statements/", {"year": year}, follow=True)
        assert "There is no statement for that year" in response.content.decode()
    assert not AnnualStatement.objects.exists()


def test_a_receipt_pdf_for_a_paid_gift(client, donor_with_gifts):
    donor, gifts = donor_with_gifts
    _refund(gifts[0], "20.00", date(LAST_YEAR, 4, 1))
    open_page(client, donor)
    response = client.get(f"/nl/my-gifts/page/receipts/{gifts[0].pk}.pdf")
    assert response["Content-Type"] == "application/pdf"
    text, reader = _text(response.content)
    assert reader.trailer["/Root"]["/Lang"] == "nl" and "/StructTreeRoot" in reader.trailer["/Root"]
    assert gifts[0].reference in text and "€ 50,00" in text and "€ 30,00" in text
    assert "123456782" in text and "Camila Ejemplo" in text


def test_the_receipt_and_the_statement_are_in_the_donors_chosen_language(client, donor_with_gifts):
    """The donor chose Spanish for their documents and reads their page in Dutch: both the
    receipt and the statement they download there are in Spanish."""
    donor, gifts = donor_with_gifts
    donor.language = "es"
    donor.save()
    open_page(client, donor, lang="nl")
    receipt, reader = _text(client.get(f"/nl/my-gifts/page/receipts/{gifts[0].pk}.pdf").content)
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert "Comprobante" in receipt and "Monto" in receipt and "Bedrag" not in receipt
    response = client.post("/nl/my-gifts/page/statements/", {"year": LAST_YEAR})
    statement, reader = _text(client.get(response["Location"]).content)
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert "Resumen anual de donaciones" in statement and "Jaaroverzicht" not in statement
