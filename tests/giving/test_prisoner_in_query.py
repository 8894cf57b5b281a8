"""A prisoner's web address typed into a link or a form: a value that can never be one (a NUL
byte, which PostgreSQL refuses outright) is ignored on a page and refused by a form, never a 500."""

import pytest

from ledger.models import Donation
from statements.models import ExpectedTransfer
from tests.gifts import form_data

NOT_SLUGS = ["%00", "ana%00", "a%20b", "%C3%A1na", "..%2F"]


@pytest.fixture
def ana(campaign, make_prisoner):
    return make_prisoner(slug="ana", name="Ana Ejemplo")


@pytest.mark.parametrize("value", NOT_SLUGS)
@pytest.mark.parametrize("page", ["donate", "bank-transfer"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_it_ignores_a_prisoner_that_cannot_be_one(postgres, client, ana, page, value, lang):
    response = client.get(f"/{lang}/{page}/?prisoner={value}")
    assert response.status_code == 200
    html = response.content.decode()
    # As if no prisoner had been named: the general fund, and its reference on the transfer page.
    assert 'value="ana" selected' not in html
    if page == "bank-transfer":
        assert ana.payment_reference not in html.split("<main", 1)[1].split("<form", 1)[0]


@pytest.mark.parametrize("page", ["donate", "bank-transfer"])
def test_such_an_address_makes_no_copy_for_the_next_visitor(postgres, client, ana, page):
    for _ in range(2):
        response = client.get(f"/nl/{page}/?prisoner=%00")
        assert response.status_code == 200
        assert response["X-Form-Cache"] == "miss"


def test_the_same_link_with_a_real_prisoner_still_preselects_them(postgres, client, ana):
    html = client.get("/nl/donate/?prisoner=ana").content.decode()
    assert 'value="ana" selected' in html


@pytest.mark.parametrize("value", ["\x00", "ana\x00", "a b"])
def test_the_donate_form_refuses_it_and_changes_nothing(postgres, client, ana, settings, value):
    settings.DEMO_PAYMENTS = True
    response = client.post("/en/donate/", form_data("demo", prisoner=value))
    # The form again, as for any answer it cannot take, saying which one.
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Donation.objects.exists()


@pytest.mark.parametrize("value", ["\x00", "ana\x00"])
def test_the_bank_details_form_refuses_it_and_changes_nothing(postgres, client, ana, value):
    data = {
        "amount": "25",
        "prisoner": value,
        "donor_name": "",
        "email": "camila@example.org",
        "consent": "on",
        "website": "",
    }
    response = client.post("/nl/bank-transfer/email/", data)
    assert response.status_code == 400
    assert not ExpectedTransfer.objects.exists()
