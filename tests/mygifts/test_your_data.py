"""A donor's copy of their data, and erasure granted as anonymisation."""

import json
from datetime import date
from decimal import Decimal

import pytest

from annual_statements.documents import statement_issue
from annual_statements.models import AnnualStatement
from donors.models import ANONYMISED_DOMAIN, Donor
from ledger.models import Donation, Refund
from ledger.selectors import campaign_totals
from messages_of_support.models import MessageOfSupport
from mygifts.access import manage_token
from retention.models import ErasureRequest
from sponsorships.models import Sponsorship
from statements.models import ExpectedTransfer
from tests.donor_pages import LAST_YEAR, open_page

# The donor's page offers the demo checkout when demo payments are on.
pytestmark = pytest.mark.usefixtures("demo_payments_on")

PAGE = "/en/my-gifts/page/"


@pytest.fixture
def donor(campaign, make_donor, give_as, make_prisoner):
    donor = make_donor("camila@example.org", name="Camila Ejemplo")
    ana = make_prisoner(name="Ana Ejemplo")
    gift = give_as(
        donor, "40.00", date(LAST_YEAR, 3, 1), prisoner=ana, public_message="Fuerza, Ana"
    )
    Refund.objects.create(
        donation=gift,
        provider="manual",
        provider_refund_id="r1",
        kind="refund",
        amount=Decimal("5.00"),
    )
    give_as(donor, "10.00", date(LAST_YEAR, 4, 1), note="called us about the receipt")
    ExpectedTransfer.objects.create(
        amount=Decimal("25.00"), email="Camila@example.org", donor_name="Camila Ejemplo"
    )
    statement_issue(donor_id=donor.pk, year=LAST_YEAR)
    return donor


def test_it_exports_everything_kept_about_the_donor_as_json(client, donor):
    open_page(client, donor)
    response = client.get("/en/my-gifts/page/my-data.json")
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["donor"]["email"] == "camila@example.org"
    assert data["donor"]["email_preferences"] == {
        "monthly_receipts": True,
        "annual_statement": True,
        "news": False,
    }
    gifts = {g["amount"]: g for g in data["gifts"]}
    assert gifts["40.00"]["fund"] == "Ana Ejemplo"
    assert gifts["40.00"]["message"] == "Fuerza, Ana"
    assert gifts["40.00"]["counts_for"] == "35.00"
    assert gifts["40.00"]["refunds"][0]["amount"] == "5.00"
    assert data["annual_statements"][0]["total"] == "45.00"
    assert data["bank_transfer_details_sent"][0]["name"] == "Camila Ejemplo"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "This page no longer exists"),
        ("nl", "Deze pagina bestaat niet meer"),
        ("es", "Esta página ya no existe"),
    ],
)
def test_the_link_of_an_erased_donor_says_the_page_is_gone(client, donor, lang, words):
    """The link is genuine, ours: it is what it opened that went."""
    token = manage_token(donor)
    open_page(client, donor)
    client.post("/en/my-gifts/page/erase/")
    response = client.get(f"/{lang}/my-gifts/open/{token}/")
    assert response.status_code == 410
    text = response.content.decode()
    assert words in text
    assert "not one of ours" not in text and "does not work" not in text
    assert "not one of ours" in client.get(f"/en/my-gifts/open/{token[:-4]}abcd/").content.decode()


def test_the_erase_page_says_what_is_kept_and_why(client, donor):
    open_page(client, donor)
    text = client.get("/en/my-gifts/page/erase/").content.decode()
    assert "seven years" in text and "article 52" in text


def test_erasure_anonymises_and_keeps_the_books(client, donor):
    token = manage_token(donor)
    totals = campaign_totals()
    open_page(client, donor)
    response = client.post("/en/my-gifts/page/erase/")
    assert response.status_code == 200
    assert "Your data is erased" in response.content.decode()

    donor.refresh_from_db()
    assert donor.email.endswith(f"@{ANONYMISED_DOMAIN}") and donor.name == ""
    for gift in Donation.objects.filter(donor=donor):
        assert gift.donor_email == donor.email  # one made-up address for all
        assert gift.donor_name == gift.note == ""
        assert not MessageOfSupport.objects.filter(donation=gift).exclude(text="").exists()
        assert gift.amount in (Decimal("40.00"), Decimal("10.00"))  # the books stay
    transfer = ExpectedTransfer.objects.get()
    assert transfer.email == donor.email and transfer.donor_name == ""
    statement = AnnualStatement.objects.get()
    assert bytes(statement.pdf) == b"" and statement.total == Decimal("45.00")
    assert campaign_totals() == totals  # every total, and the number of donors, unchanged

    request = ErasureRequest.objects.get()
    assert request.outcome == ErasureRequest.Outcome.ANONYMISED
    assert request.gifts_anonymised == 2 and request.completed_at is not None
    # The page is closed, and the old link opens nothing.
    assert client.get(PAGE).status_code == 302
    assert client.get(f"/en/my-gifts/open/{token}/").status_code == 410


def test_erasure_waits_until_the_monthly_gifts_are_stopped(client, donor):
    Sponsorship.objects.create(
        donor=donor, amount=Decimal("15.00"), provider="demo", method="card", status="active"
    )
    open_page(client, donor)
    response = client.post("/en/my-gifts/page/erase/", follow=True)
    assert "Please stop your monthly gifts first" in response.content.decode()
    donor.refresh_from_db()
    assert donor.email == "camila@example.org"
    assert not ErasureRequest.objects.exists()
    assert Donor.objects.get().name == "Camila Ejemplo"
