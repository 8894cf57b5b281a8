"""The public form: clear errors for bad input, and nothing recorded or mailed."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements.models import PeriodicGiftAgreement
from donors.models import Donor
from tests.agreements.conftest import form_data

YEAR = timezone.localdate().year


@pytest.mark.parametrize("lang", ["es", "nl", "en"])
def test_it_shows_the_form_in_every_language(client, anbi, lang):
    response = client.get(f"/{lang}/periodic-gift/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'name="yearly_amount"' in html and 'name="csrfmiddlewaretoken"' in html
    # Without JavaScript: a plain form posting to itself.
    assert 'action="/' + lang + '/periodic-gift/"' in html


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"yearly_amount": "doce"}, "yearly_amount", "Enter an amount in euros"),
        ({"yearly_amount": "0"}, "yearly_amount", "Enter an amount between"),
        ({"yearly_amount": "-50"}, "yearly_amount", "Enter an amount in euros"),
        ({"yearly_amount": "10000000"}, "yearly_amount", "Enter an amount between"),
        ({"duration": "years", "duration_years": ""}, "duration_years", "at least 5"),
        ({"duration": "years", "duration_years": "4"}, "duration_years", "at least 5 years"),
        ({"duration": "forever"}, "duration", "Select a valid choice"),
        ({"first_year": str(YEAR - 1)}, "first_year", "Select a valid choice"),
        ({"first_year": str(YEAR + 2)}, "first_year", "Select a valid choice"),
        ({"payment_way": "bitcoin"}, "payment_way", "Select a valid choice"),
        ({"birth_date": "31-02-1980"}, "birth_date", "Enter a valid date"),
        ({"birth_date": f"{YEAR - 10}-01-01"}, "birth_date", "18 or older"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"surname": ""}, "surname", "This field is required"),
        ({"partner_name": "Bart"}, "partner_email", "so they can co-sign"),
        ({"partner_email": "bart@example.org"}, "partner_name", "Enter your partner"),
        (
            {"partner_name": "Bart", "partner_email": " CAMILA@example.org"},
            "partner_email",
            "their own email address",
        ),
        ({"consent": ""}, "consent", "we need your consent"),
        ({"website": "http://spam.example"}, "website", "Leave this field empty"),
    ],
)
def test_it_refuses_bad_input_clearly_and_records_nothing(
    client, anbi, mailoutbox, overrides, field, message
):
    response = client.post("/en/periodic-gift/", form_data(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#id_{field}' in html
    assert message in html
    assert PeriodicGiftAgreement.objects.count() == 0
    assert Donor.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.parametrize(
    "typed, amount",
    [("1.200,50", "1200.50"), ("€ 240", "240.00"), ("1,200.50", "1200.50"), ("25,-", "25.00")],
)
def test_it_reads_the_amount_as_people_type_it(client, anbi, typed, amount):
    assert client.post("/nl/periodic-gift/", form_data(yearly_amount=typed)).status_code == 302
    assert PeriodicGiftAgreement.objects.get().yearly_amount == Decimal(amount)


def test_it_records_the_chosen_duration(client, anbi):
    # Three donors: one address gets one signing link a day.
    client.post(
        "/en/periodic-gift/", form_data(duration="years", duration_years="8", email="a@x.nl")
    )
    client.post("/en/periodic-gift/", form_data(duration="open_ended", duration_years="8"))
    client.post(
        "/en/periodic-gift/", form_data(duration="five_years", duration_years="9", email="c@x.nl")
    )
    rows = PeriodicGiftAgreement.objects.order_by("number").values_list(
        "duration", "duration_years"
    )
    assert list(rows) == [("years", 8), ("open_ended", None), ("five_years", 5)]


def test_it_accepts_a_date_typed_the_dutch_way(client, anbi):
    client.post("/nl/periodic-gift/", form_data(birth_date="17-05-1980"))
    assert PeriodicGiftAgreement.objects.get().birth_date == date(1980, 5, 17)


def test_it_stops_a_script_that_mails_strangers(client, anbi, settings, mailoutbox):
    settings.DONATION_RATE_LIMIT_STARTS_PER_IP = 2
    statuses = [
        client.post("/en/periodic-gift/", form_data(email=f"d{n}@example.org")).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert PeriodicGiftAgreement.objects.count() == 2


def test_it_says_to_check_the_email(client, anbi):
    html = client.get("/en/periodic-gift/check-your-email/").content.decode()
    assert "Check your email" in html and "14 days" in html


def test_its_address_fields_use_autocomplete_tokens_valid_on_an_input(client, anbi):
    """`street-address` is multi-line: HTML allows it on a <textarea> only (the Nu Html
    Checker reports it); one line of street and number is `address-line1`."""
    html = client.get("/en/periodic-gift/").content.decode()
    inputs = re.findall(r"<input [^>]*>", html)
    assert not [tag for tag in inputs if 'autocomplete="street-address"' in tag]
    [street] = [tag for tag in inputs if 'name="street"' in tag]
    assert 'autocomplete="address-line1"' in street
