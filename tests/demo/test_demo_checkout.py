from decimal import Decimal

import pytest

from ledger.models import Donation
from ledger.selectors import campaign_totals
from payments.models import PaymentEvent, StatusChange


@pytest.fixture(autouse=True)
def demo_on(settings):
    settings.DEMO_PAYMENTS = True


def test_it_takes_a_donor_from_the_form_to_a_paid_gift(
    client, give, mailoutbox, django_capture_on_commit_callbacks
):
    before = campaign_totals().raised
    response, donation = give("demo", other_amount="12.34", lang="nl")
    assert donation.status == Donation.Status.OPEN
    checkout = response["Location"]
    assert checkout == f"/donate/demo/{donation.provider_payment_id}/".replace(
        "/donate", "/nl/donate"
    )
    assert "gesimuleerde" in client.get(checkout).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(checkout, {"id": donation.provider_payment_id, "outcome": "paid"})
    assert response["Location"] == f"/nl/donate/thanks/{donation.public_id}/"
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.amount_paid == Decimal("12.34")
    assert campaign_totals().raised - before == Decimal("12.34")

    event = PaymentEvent.objects.get()
    assert event.outcome == PaymentEvent.Outcome.APPLIED
    change = donation.status_changes.get(to_status=Donation.Status.PAID)
    assert change.source == StatusChange.Source.WEBHOOK and change.event == event

    assert len(mailoutbox) == 1
    receipt = mailoutbox[0]
    assert receipt.to == ["camila@example.org"]
    assert "Bedankt" in receipt.subject
    assert "€ 12,34" in receipt.body and "Algemeen fonds" in receipt.body
    assert "Dank je" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("outcome", ["failed", "canceled", "expired"])
def test_it_records_a_payment_that_did_not_go_through(client, give, mailoutbox, outcome):
    _response, donation = give("demo")
    client.post(
        f"/en/donate/demo/{donation.provider_payment_id}/",
        {"id": donation.provider_payment_id, "outcome": outcome},
    )
    donation.refresh_from_db()
    assert donation.status == outcome
    assert campaign_totals().raised == Decimal("0.00")
    html = client.get(f"/en/donate/thanks/{donation.public_id}/").content.decode()
    assert "did not go through" in html
    assert mailoutbox == []


def test_it_refuses_an_unknown_outcome(client, give):
    _response, donation = give("demo")
    url = f"/en/donate/demo/{donation.provider_payment_id}/"
    client.post(url, {"id": donation.provider_payment_id, "outcome": "refunded"})
    donation.refresh_from_db()
    assert donation.status == Donation.Status.OPEN


def test_it_refuses_the_demo_checkout_when_switched_off(client, give, settings):
    _response, donation = give("demo")
    settings.DEMO_PAYMENTS = False
    url = f"/en/donate/demo/{donation.provider_payment_id}/"
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"id": donation.provider_payment_id, "outcome": "paid"}).status_code == 404
    )
    donation.refresh_from_db()
    assert donation.status == Donation.Status.OPEN


def test_it_creates_one_donation_for_a_double_click(client, campaign):
    from tests.gifts import form_data

    data = {**form_data("demo"), "attempt": "6f1c1f0e-8a43-4a4f-9f5b-0c2f0a0d9e11"}
    first = client.post("/en/donate/", data)
    second = client.post("/en/donate/", data)
    assert first["Location"] == second["Location"]
    assert Donation.objects.count() == 1


def test_it_shows_the_paid_state_on_a_return_after_payment(client, give):
    _response, donation = give("demo")
    client.post(
        f"/en/donate/demo/{donation.provider_payment_id}/",
        {"id": donation.provider_payment_id, "outcome": "paid"},
    )
    html = client.get(f"/en/donate/thanks/{donation.public_id}/").content.decode()
    assert "Thank you!" in html and "€25.00" in html
