"""The donor's cancel link: it cannot be guessed or forged, and it works without an account."""

import pytest
from django.core import signing

from sponsorships.links import sponsorship_token
from sponsorships.models import Sponsorship
from tests.sponsorships.helpers import start_sponsorship


@pytest.fixture
def sponsorship(settings, campaign):
    settings.DEMO_PAYMENTS = True
    donation, _url = start_sponsorship("demo")
    return donation.sponsorship


def _url(token: str) -> str:
    return f"/en/sponsorship/{token}/stop/"


def test_it_opens_the_confirmation_page_in_the_donors_language(client, sponsorship):
    response = client.get(_url(sponsorship_token(sponsorship)).replace("/en/", "/nl/"))
    assert response.status_code == 200
    assert "€ 15,00" in response.content.decode()


@pytest.mark.parametrize(
    "forge",
    [
        lambda s: str(s.public_id),  # the bare id, unsigned
        lambda s: sponsorship_token(s)[:-2] + "xx",  # a damaged signature
        lambda s: signing.dumps(str(s.public_id), salt="another.purpose"),  # another link's
        lambda s: signing.dumps(str(s.public_id), key="not-the-site-key", salt="x"),
    ],
)
def test_it_refuses_a_forged_link_and_changes_nothing(client, sponsorship, forge):
    for method in (client.get, client.post):
        response = method(_url(forge(sponsorship)))
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.PENDING
    assert not sponsorship.events.exists()


def test_it_stops_a_sponsorship_once_however_often_it_is_clicked(client, sponsorship, mailoutbox):
    url = _url(sponsorship_token(sponsorship))
    assert client.post(url)["Location"] == url
    assert client.post(url)["Location"] == url
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.CANCELLED
    assert sponsorship.events.count() == 1
    # Never paid: stopping an unpaid checkout sends nothing.
    assert mailoutbox == []
    assert "Your sponsorship has stopped" in client.get(url).content.decode()
