"""Treasurers see donors and sponsorships, and cancel one through the donor's service."""

from decimal import Decimal

import pytest

from donations.models import Donor, Sponsorship

URL = "/admin/donations/sponsorship/"


@pytest.fixture
def sponsorship(db):
    donor = Donor.objects.create(email="sponsor@example.org", name="Sponsor")
    return Sponsorship.objects.create(
        donor=donor,
        amount=Decimal("15.00"),
        provider="demo",
        method="other_online",
        status=Sponsorship.Status.ACTIVE,
    )


def test_it_lets_a_treasurer_cancel_through_the_same_service(client, treasurer, sponsorship):
    client.force_login(treasurer)
    assert "months paid" in client.get(URL).content.decode().lower()
    data = {"action": "cancel_sponsorships", "_selected_action": [sponsorship.pk]}
    assert client.post(URL, data).status_code == 302
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.CANCELLED
    assert sponsorship.cancel_reason == Sponsorship.CancelReason.TREASURER
    assert sponsorship.events.get().source == "admin"


def test_it_shows_a_donor_with_their_gifts(client, treasurer, sponsorship, make_donation):
    make_donation("7.00", donor=sponsorship.donor, donor_email="sponsor@example.org")
    client.force_login(treasurer)
    html = client.get(f"/admin/donations/donor/{sponsorship.donor.pk}/change/").content.decode()
    assert "sponsor@example.org" in html and "7.00" in html


@pytest.mark.parametrize("role", ["editor", "outsider"])
def test_it_refuses_everyone_else(client, request, sponsorship, role):
    client.force_login(request.getfixturevalue(role))
    data = {"action": "cancel_sponsorships", "_selected_action": [sponsorship.pk]}
    assert client.post(URL, data).status_code == 403
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.ACTIVE
