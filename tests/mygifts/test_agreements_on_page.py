"""A donor's periodic-gift agreements on their page: listed, downloadable by their owner only,
and a reason to refuse erasure while they run."""

import pytest

from agreements.documents import agreement_terms_document_ensure
from agreements.links import signing_token
from agreements.models import PeriodicGiftAgreement
from agreements.services import agreement_create, agreement_sign
from donors.models import Donor
from mygifts.access import manage_token
from tests.agreements.conftest import cleaned
from tests.donor_pages import open_page

# The donor's page offers the demo checkout when demo payments are on.
pytestmark = pytest.mark.usefixtures("demo_payments_on")


@pytest.fixture
def agreements(campaign):
    """Each signed by its donor: an agreement joins a donor's page only with their signature."""
    campaign.is_anbi, campaign.rsin = True, "851954534"
    campaign.save()
    mine = agreement_create(data=cleaned(email="camila@example.org"), language="en", notify=False)
    theirs = agreement_create(data=cleaned(email="other@example.org"), language="en", notify=False)
    signed = []
    for made in (mine, theirs):
        # The document to sign is drawn when its signer first opens it.
        agreement = agreement_terms_document_ensure(agreement_id=made.pk)
        result = agreement_sign(
            agreement_id=agreement.pk,
            role="donor",
            ip="192.0.2.7",
            document_sha256=agreement.terms_pdf_sha256,
        )
        signed.append(result.agreement)
    return signed


def test_the_page_lists_the_donors_own_agreement_and_serves_its_document(client, agreements):
    mine, theirs = agreements
    open_page(client, mine.donor)
    html = client.get("/en/my-gifts/page/").content.decode()
    assert mine.number in html and theirs.number not in html
    response = client.get(f"/en/my-gifts/page/agreements/{mine.pk}.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF") and mine.number in response["Content-Disposition"]


def test_another_donors_agreement_answers_404(client, agreements):
    mine, theirs = agreements
    open_page(client, mine.donor)
    assert client.get(f"/en/my-gifts/page/agreements/{theirs.pk}.pdf").status_code == 404
    assert client.get("/en/my-gifts/page/agreements/999999.pdf").status_code == 404


def test_erasure_is_refused_while_an_agreement_runs_and_changes_nothing(client, agreements):
    mine, _theirs = agreements
    assert mine.status == PeriodicGiftAgreement.Status.DONOR_SIGNED
    open_page(client, mine.donor)
    response = client.post("/en/my-gifts/page/erase/", follow=True)
    assert "periodic-gift agreement still runs" in response.content.decode()
    assert Donor.objects.get(pk=mine.donor_id).email == "camila@example.org"
    assert PeriodicGiftAgreement.objects.get(pk=mine.pk).surname == mine.surname


def test_a_manage_link_cannot_sign_an_agreement_nor_a_signing_link_open_the_page(
    client, agreements
):
    mine, _theirs = agreements
    manage = manage_token(mine.donor)
    response = client.get(f"/en/periodic-gift/sign/{manage}/")
    assert response.status_code == 404
    signing = signing_token(mine, "donor")
    assert client.get(f"/en/my-gifts/open/{signing}/").status_code in (400, 404, 410)
    assert client.get("/en/my-gifts/page/").status_code != 200


def test_the_data_export_holds_the_donors_agreements_and_only_theirs(client, agreements):
    """The agreement keeps the donor's address, date and place of birth: a copy of their data
    (GDPR art. 15) must include it, with the record of their signature."""
    mine, theirs = agreements
    open_page(client, mine.donor)
    data = client.get("/en/my-gifts/page/my-data.json").json()
    [exported] = data["periodic_gift_agreements"]
    assert exported["number"] == mine.number
    assert exported["birth_date"] == "1980-05-17"
    assert exported["birth_place"] == "Valparaíso"
    assert exported["street"] == "Keizersgracht 1"
    assert exported["amount_per_year"] == "1200.50"
    [signature] = exported["signatures"]
    assert signature["role"] == "donor" and signature["ip_address"] == "192.0.2.7"
    assert signature["document_sha256"] == mine.terms_pdf_sha256
    assert theirs.number not in str(data)


def test_the_page_and_the_anbi_page_lead_to_the_agreement_form(client, campaign, make_donor):
    """Nothing linked to the form: a donor could only reach it by typing its address."""
    campaign.is_anbi, campaign.rsin = True, "851954534"
    campaign.save()
    open_page(client, make_donor("new@example.org"))
    for page in ("/en/my-gifts/page/", "/en/anbi/"):
        assert 'href="/en/periodic-gift/"' in client.get(page).content.decode(), page
