"""Places a donor's data reached past the scrubber (crowdfund/error_reporting.py)."""

import json

from crowdfund.error_reporting import FILTERED, scrub_breadcrumb, scrub_event


def test_a_periodic_gift_form_loses_the_donors_name_birth_and_address():
    """The agreement form is the most personal form on the site: a failure while it is
    posted must not send who the donor is and where they live."""
    body = (
        "given_names=Camila+Andrea&surname=Rojas+Vidal&birth_date=1980-02-03&birth_place=Temuco"
        "&street=Keizersgracht+1&postcode=1015+CJ&city=Amsterdam&partner_name=Luis+Rojas"
        "&partner_email=luis%40example.org&yearly_amount=600"
    )
    parsed = {
        "given_names": "Camila Andrea",
        "surname": "Rojas Vidal",
        "birth_date": "1980-02-03",
        "birth_place": "Temuco",
        "street": "Keizersgracht 1",
        "postcode": "1015 CJ",
        "city": "Amsterdam",
        "partner_name": "Luis Rojas",
        "yearly_amount": "600",
    }
    for data in (body, parsed):
        text = json.dumps(scrub_event({"request": {"data": data}}))
        for personal in ("Camila", "Rojas", "1980", "Temuco", "Keizersgracht", "1015", "Luis"):
            assert personal not in text, personal
        assert "600" in text


def test_a_database_error_loses_the_row_it_quotes():
    """PostgreSQL quotes the whole failing row, or the key's value, in its message."""
    check = (
        'new row for relation "donations_donation" violates check constraint '
        '"donation_amount_positive"\nDETAIL:  Failing row contains (7, -5.00, Camila Rojas, '
        "c@example.org, Fuerza Ana, paid)."
    )
    unique = (
        'duplicate key value violates unique constraint "unique_donor"\n'
        "DETAIL:  Key (lower(name::text))=(camila rojas) already exists."
    )
    for message in (check, unique):
        event = {"exception": {"values": [{"type": "IntegrityError", "value": message}]}}
        value = scrub_event(event)["exception"]["values"][0]["value"]
        assert "amila" not in value and "Fuerza" not in value, value
        assert "DETAIL:" in value and FILTERED in value
    assert "donation_amount_positive" in scrub_event({"message": check})["message"]


def test_an_iban_as_people_type_it_is_scrubbed():
    for typed in ("nl91abna0417164300", "NL91+ABNA+0417+1643+00"):
        crumb = scrub_breadcrumb({"message": f"transfer from {typed} ref DSA3KM"})
        assert crumb["message"] == f"transfer from {FILTERED} ref DSA3KM", typed
