from decimal import Decimal

import pytest

from ledger.models import Donation
from messages_of_support.models import MessageOfSupport
from tests.gifts import form_data


@pytest.fixture
def demo_on(settings):
    settings.DEMO_PAYMENTS = True


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ("4.99", "Give between €5.00 and €10,000.00 online"),
        ("10000.01", "Give between €5.00 and €10,000.00 online"),
        ("-20", "Enter an amount in euros"),
        ("abc", "Enter an amount in euros"),
        # One dot and three digits group thousands the Dutch way: twelve thousand and more.
        ("12.345", "Give between €5.00 and €10,000.00 online"),
        ("1.2.3", "Enter an amount in euros"),
        ("NaN", "Enter an amount in euros"),
        ("1e3", "Enter an amount in euros"),
        ("0", "Give between"),
    ],
)
def test_it_refuses_a_bad_amount_with_a_message_and_keeps_the_input(
    client, campaign, demo_on, other, message
):
    response = client.post("/en/donate/", form_data("demo", other_amount=other))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'value="{other}"' in html
    assert 'value="camila@example.org"' in html
    assert not Donation.objects.exists()


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("30,50", "30.50"), ("1.234,50", "1234.50"), ("1,234.50", "1234.50"), ("€ 7", "7.00")],
)
def test_it_reads_amounts_as_people_type_them(give, demo_on, typed, amount):
    response, donation = give("demo", other_amount=typed)
    assert response.status_code == 302
    assert donation.amount == Decimal(amount)


def test_it_uses_the_preset_without_another_amount(give, demo_on):
    _response, donation = give("demo", preset="50")
    assert donation.amount == Decimal("50.00")


def test_it_shows_errors_in_the_donors_language(client, campaign, demo_on):
    html = client.post("/nl/donate/", form_data("demo", donor_email="nope")).content.decode()
    assert "Voer een geldig e-mailadres in." in html


def test_it_asks_for_a_name_unless_anonymous(give, demo_on):
    response, donation = give("demo", donor_name="")
    assert donation is None
    assert "tick “Give anonymously”" in response.content.decode()
    response, donation = give("demo", donor_name="Will Not Be Kept", is_anonymous="on")
    assert response.status_code == 302
    assert donation.is_anonymous and donation.donor_name == ""


def test_it_ignores_bots_that_fill_the_honeypot(give, demo_on):
    response, donation = give("demo", website="http://spam.example")
    assert response.status_code == 200
    assert donation is None


def test_it_offers_only_configured_methods(client, campaign, settings):
    settings.DEMO_PAYMENTS = False
    html = client.get("/en/donate/").content.decode()
    assert 'value="bank_transfer"' in html
    for method in ("ideal", "card", "demo", "mollie"):
        assert f'value="{method}"' not in html
    response = client.post("/en/donate/", form_data("demo"))
    assert "Select a valid choice" in response.content.decode()
    assert not Donation.objects.exists()


def test_it_preselects_the_prisoner_from_the_link(client, campaign, make_prisoner):
    make_prisoner(slug="ana", name="Ana Ejemplo")
    html = client.get("/en/donate/?prisoner=ana").content.decode()
    assert '<option value="ana" selected>Ana Ejemplo</option>' in html


def test_it_sends_bank_transfers_to_the_reference_page(give, make_prisoner):
    make_prisoner(slug="ana")
    response, donation = give("bank_transfer", prisoner="ana", donor_name="", donor_email="")
    assert response["Location"] == "/en/bank-transfer/?prisoner=ana&amount=25.00"
    assert donation is None


def test_it_limits_checkout_starts_per_email(give, demo_on, settings):
    settings.DONATION_RATE_LIMIT_STARTS_PER_EMAIL = 2
    statuses = [give("demo", donor_email="same@example.org")[0].status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert Donation.objects.count() == 2


def test_it_limits_checkout_starts_per_ip(give, demo_on, settings):
    settings.DONATION_RATE_LIMIT_STARTS_PER_IP = 1
    first = give("demo", donor_email="a@example.org")[0]
    second = give("demo", donor_email="b@example.org")[0]
    assert (first.status_code, second.status_code) == (302, 429)
    assert "Please give by bank transfer" in second.content.decode()


def test_it_escapes_names_and_messages(client, campaign, make_prisoner, make_donation):
    prisoner = make_prisoner(slug="ana")
    make_donation(
        prisoner=prisoner,
        donor_name="<b>Bold</b>",
        message_is_public=True,
        message_status=MessageOfSupport.Status.APPROVED,
        public_message='<script>alert("x")</script>Fuerza',
    )
    html = client.get("/en/prisoners/ana/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Fuerza" in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert "<script>alert" not in html


def test_it_shows_messages_only_when_the_donor_agreed(
    client, campaign, make_prisoner, make_donation
):
    prisoner = make_prisoner(slug="ana")
    make_donation(
        prisoner=prisoner,
        public_message="Shown",
        message_is_public=True,
        message_status=MessageOfSupport.Status.APPROVED,
        donor_name="Named",
        is_anonymous=True,
    )
    make_donation(
        prisoner=prisoner,
        public_message="Private",
        message_is_public=False,
        message_status=MessageOfSupport.Status.APPROVED,
    )
    make_donation(
        prisoner=prisoner,
        public_message="Unpaid",
        message_is_public=True,
        message_status=MessageOfSupport.Status.APPROVED,
        status=Donation.Status.OPEN,
    )
    html = client.get("/en/prisoners/ana/").content.decode()
    assert "Shown" in html and "Anonymous" in html
    assert "Named" not in html
    assert "Private" not in html and "Unpaid" not in html


@pytest.mark.parametrize("missing", ["empty", "absent"])
def test_it_asks_for_an_amount_when_none_was_given(client, campaign, demo_on, missing):
    data = form_data("demo", preset="", other_amount="")
    if missing == "absent":
        del data["preset"], data["other_amount"]
    response = client.post("/en/donate/", data)
    assert response.status_code == 200
    assert "Choose an amount or type another one." in response.content.decode()
    assert not Donation.objects.exists()


def test_it_refuses_an_email_longer_than_its_column(client, campaign, demo_on):
    email = "a" * 243 + "@example.org"  # 255 characters; the column holds 254
    response = client.post("/en/donate/", form_data("demo", donor_email=email))
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not Donation.objects.exists()


def test_it_asks_for_explicit_consent_before_an_online_gift(give):
    response, donation = give("demo", consent="")
    assert response.status_code == 200
    assert donation is None
    html = response.content.decode()
    assert 'id="id_consent_error"' in html and "choose bank transfer" in html
    assert "/en/bank-transfer/" in html  # the way to give without leaving any details


def test_it_records_when_consent_was_given(give):
    response, donation = give("demo")
    assert response.status_code == 302
    assert donation.consent_at is not None


def test_it_needs_no_consent_for_an_anonymous_bank_transfer(give):
    response, donation = give("bank_transfer", consent="", donor_name="", donor_email="")
    assert response.status_code == 302 and "/bank-transfer/" in response["Location"]
    assert donation is None
