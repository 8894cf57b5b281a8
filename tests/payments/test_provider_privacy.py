"""What the payment providers learn about a gift: its id, amount and language, nothing more."""

import json

import pytest

from ledger.models import Donation

NAME = "Camila Reservada"
EMAIL = "camila.reservada@example.org"
MESSAGE = "Libertad para todos los presos"
PRISONER = "Preso Visible Ejemplo"


@pytest.fixture
def personal_gift(give, make_prisoner):
    prisoner = make_prisoner(name=PRISONER)

    def submit(method: str):
        response, donation = give(
            method,
            prisoner=prisoner.slug,
            donor_name=NAME,
            donor_email=EMAIL,
            public_message=MESSAGE,
            message_is_public="on",
            purpose="legal_defense",
        )
        assert response.status_code == 302, "the donation form refused the test gift"
        assert donation.donor_name == NAME and donation.prisoner == prisoner
        return donation

    return submit


def _leaks(body: str) -> list[str]:
    lowered = body.lower()
    personal = [NAME, EMAIL, MESSAGE, PRISONER, "camila", "reservada", "libertad", "preso"]
    return [value for value in personal if value.lower() in lowered]


def test_it_sends_mollie_only_the_gifts_id(personal_gift, fake_mollie):
    donation = personal_gift("ideal")
    (body,) = fake_mollie.created_bodies
    assert body["metadata"] == {"donation": str(donation.public_id)}
    assert "billingEmail" not in body
    assert _leaks(json.dumps(body, ensure_ascii=False)) == []


def test_it_sends_stripe_only_the_gifts_id(personal_gift, fake_stripe):
    donation = personal_gift("card")
    (params,) = fake_stripe.created_params
    metadata = {key: value for key, value in params.items() if "metadata" in key}
    assert metadata == {
        "metadata[donation]": str(donation.public_id),
        "payment_intent_data[metadata][donation]": str(donation.public_id),
    }
    assert "customer_email" not in params
    assert _leaks(json.dumps(params, ensure_ascii=False)) == []
    assert Donation.objects.get().donor_email == EMAIL  # our own receipt still has an address
