"""Starting a one-off gift (giving/services.py): the donor record behind its email."""

import uuid
from decimal import Decimal

from donors.models import Donor
from giving.services import donation_start
from ledger.models import Donation
from tests.sponsorships.helpers import start_sponsorship


def _data(email: str, **overrides) -> dict:
    data = {
        "amount": Decimal("25.00"),
        "prisoner": None,
        "purpose": "",
        "method": "card",
        "donor_name": "Camila",
        "donor_email": email,
        "is_anonymous": False,
        "public_message": "",
        "message_is_public": False,
        "consent": True,
    }
    data.update(overrides)
    return data


def test_it_links_two_gifts_from_one_address_in_any_case_to_one_donor(campaign):
    first = donation_start(attempt=uuid.uuid4(), data=_data("Camila@Example.org"), language="es")
    second = donation_start(
        attempt=uuid.uuid4(), data=_data("  camila@EXAMPLE.org "), language="nl"
    )
    donor = Donor.objects.get()
    assert donor.email == "camila@example.org"
    assert first.donor_id == second.donor_id == donor.pk
    assert set(donor.donations.values_list("pk", flat=True)) == {first.pk, second.pk}
    # The first gift made the record; a later one changes neither its name nor its language.
    assert (donor.name, donor.language) == ("Camila", "es")
    # The gift keeps the address as typed, for its receipt.
    assert first.donor_email == "Camila@Example.org"


def test_it_links_a_one_off_gift_to_the_donor_of_a_sponsorship(campaign, fake_stripe):
    monthly, _url = start_sponsorship("card")
    gift = donation_start(attempt=uuid.uuid4(), data=_data("camila@example.org"), language="en")
    assert gift.donor_id == monthly.donor_id
    assert Donor.objects.count() == 1


def test_it_names_no_one_for_an_anonymous_gift(campaign):
    gift = donation_start(
        attempt=uuid.uuid4(),
        data=_data("anon@example.org", is_anonymous=True, donor_name="Camila"),
        language="en",
    )
    assert gift.donor.name == "" and gift.donor_name == ""


def test_a_repeated_attempt_makes_no_second_gift_or_donor(campaign):
    attempt = uuid.uuid4()
    one = donation_start(attempt=attempt, data=_data("camila@example.org"), language="en")
    two = donation_start(attempt=attempt, data=_data("other@example.org"), language="en")
    assert one.pk == two.pk and Donation.objects.count() == 1
    assert list(Donor.objects.values_list("email", flat=True)) == ["camila@example.org"]


def test_the_donate_form_links_the_gift_to_its_donor(give, fake_stripe):
    _response, donation = give("card", donor_email="Camila@Example.org")
    assert donation.donor.email == "camila@example.org"
