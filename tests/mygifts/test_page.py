"""Opening the donor's page from the link, and what it shows."""

import time
from datetime import date
from decimal import Decimal

import pytest

from ledger.models import Refund
from mygifts.access import SESSION_KEY, _fingerprint, manage_token
from tests.donor_pages import LAST_YEAR, old_token, open_page

# The donor's page offers the demo checkout when demo payments are on.
pytestmark = pytest.mark.usefixtures("demo_payments_on")


def test_the_link_opens_the_page_in_a_fresh_session(client, campaign, make_donor):
    donor = make_donor()
    client.get("/en/")
    before = client.session.session_key
    response = open_page(client, donor)
    # Straight on to the page: the token leaves the address bar.
    assert response.status_code == 302 and response["Location"] == "/en/my-gifts/page/"
    assert client.session.session_key != before
    assert client.session[SESSION_KEY]["donor"] == donor.pk
    page = client.get("/en/my-gifts/page/")
    assert page.status_code == 200
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]


def test_it_shows_every_gift_with_date_amount_fund_and_status(
    client, campaign, make_donor, give_as, make_prisoner
):
    donor = make_donor()
    ana = make_prisoner(name="Ana Ejemplo")
    give_as(donor, "40.00", date(LAST_YEAR, 3, 1), prisoner=ana)
    refunded = give_as(donor, "30.00", date(LAST_YEAR, 6, 2))
    Refund.objects.create(
        donation=refunded,
        provider="manual",
        provider_refund_id="r1",
        kind="refund",
        amount=Decimal("10.00"),
    )
    give_as(donor, "12.00", date(LAST_YEAR, 7, 3), status="failed")
    give_as(donor, "99.00", status="new")  # never sent to a provider: not shown
    open_page(client, donor)
    page = client.get("/en/my-gifts/page/").content.decode()
    assert "€40.00" in page and "Ana Ejemplo" in page and "Paid" in page
    assert "€30.00" in page and "counts €20.00 after a refund" in page
    assert "€12.00" in page and "Failed" in page
    assert "€99.00" not in page
    assert f"03/01/{LAST_YEAR}" in page or f"01/03/{LAST_YEAR}" in page
    assert page.count("Receipt") == 2  # paid gifts only


def test_it_shows_the_page_in_the_language_of_the_link(client, campaign, make_donor, give_as):
    donor = make_donor(language="en")
    give_as(donor, "40.00")
    open_page(client, donor, lang="nl")
    response = client.get("/nl/my-gifts/page/")
    assert 'lang="nl"' in response.content.decode()
    assert "€ 40,00" in response.content.decode()


def test_it_brings_earlier_gifts_of_the_address_under_the_donor(
    client, campaign, make_donor, make_donation
):
    donor = make_donor("camila@example.org")
    gift = make_donation(
        "17.00", donor_email="CAMILA@example.org", received_on=date(LAST_YEAR, 1, 2)
    )
    open_page(client, donor)
    gift.refresh_from_db()
    assert gift.donor == donor
    assert "€17.00" in client.get("/en/my-gifts/page/").content.decode()


def test_an_expired_link_is_refused_with_a_clear_page(client, campaign, make_donor):
    donor = make_donor()
    token = old_token({"donor": donor.pk, "address": _fingerprint(donor.email)}, hours=25)
    response = client.get(f"/en/my-gifts/open/{token}/")
    assert response.status_code == 410
    text = response.content.decode()
    assert "This link has expired" in text and "works for 24 hours" in text
    assert SESSION_KEY not in client.session
    assert client.get("/en/my-gifts/page/").status_code == 302  # back to the request form


def test_a_tampered_link_is_refused_with_a_clear_page(client, campaign, make_donor):
    donor = make_donor()
    token = manage_token(donor)
    response = client.get(f"/en/my-gifts/open/{token[:-4]}abcd/")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_link_for_donor_a_never_shows_donor_b(client, campaign, make_donor, give_as):
    a, b = make_donor("a@example.org", name="Alma"), make_donor("b@example.org", name="Bruno")
    give_as(a, "11.00")
    give_as(b, "22.00")
    open_page(client, a)
    page = client.get("/en/my-gifts/page/").content.decode()
    assert "a@example.org" in page and "€11.00" in page
    assert "b@example.org" not in page and "€22.00" not in page and "Bruno" not in page


def test_the_page_closes_after_its_lifetime(client, campaign, make_donor, settings):
    open_page(client, make_donor())
    session = client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "opened_at": int(time.time()) - 3 * 3600}
    session.save()
    response = client.get("/en/my-gifts/page/")
    assert response.status_code == 302 and response["Location"] == "/en/my-gifts/"


def test_leaving_closes_the_page(client, campaign, make_donor):
    open_page(client, make_donor())
    assert client.post("/en/my-gifts/page/leave/").status_code == 302
    assert client.get("/en/my-gifts/page/").status_code == 302


def test_without_a_session_every_donor_url_leads_to_the_request_form(client, campaign):
    for url in ("/en/my-gifts/page/", "/en/my-gifts/page/my-data.json", "/en/my-gifts/page/erase/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/en/my-gifts/"
