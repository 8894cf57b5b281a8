"""The donor's page shows only that donor's data: every other donor's gift, statement and
sponsorship, tried through every URL that takes an id, answers 404 and changes nothing."""

from datetime import date
from decimal import Decimal

import pytest

from annual_statements.documents import statement_issue
from annual_statements.models import AnnualStatement
from ledger.models import Donation
from sponsorships.models import Sponsorship
from tests.donor_pages import LAST_YEAR, open_page

# The donor's page offers the demo checkout when demo payments are on.
pytestmark = pytest.mark.usefixtures("demo_payments_on")


@pytest.fixture
def three_donors(campaign, make_donor, give_as):
    """Owner, another donor with everything the owner has, and a gift without a donor."""
    owner = make_donor("owner@example.org")
    other = make_donor("other@example.org")
    for donor in (owner, other):
        give_as(donor, "20.00", date(LAST_YEAR, 5, 1))
        sponsorship = Sponsorship.objects.create(
            donor=donor,
            amount=Decimal("15.00"),
            provider="demo",
            method="other_online",
            status="active",
            provider_subscription_id=f"demo_sub_{donor.pk}",
        )
        give_as(donor, "15.00", date(LAST_YEAR, 6, 1), sponsorship=sponsorship)
        statement_issue(donor_id=donor.pk, year=LAST_YEAR)
    loose = Donation.objects.create(
        amount=Decimal("9.00"), method="cash", status="paid", donor_email="loose@example.org"
    )
    return owner, other, loose


def _urls(gift_ids, statement_ids, sponsorship_ids):
    for pk in gift_ids:
        yield "get", f"/en/my-gifts/page/receipts/{pk}.pdf"
    for pk in statement_ids:
        yield "get", f"/en/my-gifts/page/statements/{pk}.pdf"
    for pk in sponsorship_ids:
        yield "post", f"/en/my-gifts/page/monthly/{pk}/amount/"
        yield "get", f"/en/my-gifts/page/monthly/{pk}/stop/"
        yield "post", f"/en/my-gifts/page/monthly/{pk}/stop/"
        yield "post", f"/en/my-gifts/page/monthly/{pk}/payment-method/"


def test_every_other_donors_id_answers_404_and_changes_nothing(client, three_donors):
    owner, _other, _loose = three_donors
    open_page(client, owner)
    gifts = Donation.objects.exclude(donor=owner).values_list("pk", flat=True)
    statements = AnnualStatement.objects.exclude(donor=owner).values_list("pk", flat=True)
    sponsorships = Sponsorship.objects.exclude(donor=owner).values_list("pk", flat=True)
    assert len(gifts) == 3 and len(statements) == 1 and len(sponsorships) == 1
    before = list(Sponsorship.objects.values_list("pk", "status", "amount").order_by("pk"))
    tried = []
    for method, url in _urls(gifts, statements, sponsorships):
        data = {"s0-amount": "30"} if method == "post" else None
        response = getattr(client, method)(url, data)
        tried.append((url, response.status_code))
    assert {status for _url, status in tried} == {404}, tried
    assert list(Sponsorship.objects.values_list("pk", "status", "amount").order_by("pk")) == before


def test_the_owners_own_ids_work(client, three_donors):
    owner, _other, _loose = three_donors
    open_page(client, owner)
    gift = Donation.objects.filter(donor=owner).first()
    statement = AnnualStatement.objects.get(donor=owner)
    sponsorship = Sponsorship.objects.get(donor=owner)
    assert client.get(f"/en/my-gifts/page/receipts/{gift.pk}.pdf").status_code == 200
    assert client.get(f"/en/my-gifts/page/statements/{statement.pk}.pdf").status_code == 200
    assert client.get(f"/en/my-gifts/page/monthly/{sponsorship.pk}/stop/").status_code == 200


def test_ids_that_do_not_exist_answer_404_too(client, three_donors):
    owner, _other, _loose = three_donors
    open_page(client, owner)
    for _method, url in _urls([999_999], [999_999], []):
        assert client.get(url).status_code == 404


def test_the_export_holds_only_the_owners_data(client, three_donors):
    owner, _other, _loose = three_donors
    open_page(client, owner)
    text = client.get("/en/my-gifts/page/my-data.json").content.decode()
    assert "owner@example.org" in text
    assert "other@example.org" not in text and "loose@example.org" not in text
