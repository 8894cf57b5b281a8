"""What the tests of the donor's own page share: donors, their gifts, their links."""

import time
from datetime import date

import pytest
from django.core import signing
from django.utils import timezone

from donors.links import MANAGE
from donors.models import Donor
from ledger.models import Donation
from mygifts.access import manage_token

# The provider fakes, from the donations tests.

LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture
def demo_payments_on(settings):
    settings.DEMO_PAYMENTS = True


@pytest.fixture
def make_donor(db):
    def make(email: str = "camila@example.org", **fields) -> Donor:
        return Donor.objects.create(email=email, **{"name": "Camila", "language": "en", **fields})

    return make


@pytest.fixture
def give_as(make_donation):
    """A paid gift of a donor, received on a day (last year's 15 March by default)."""

    def give(donor: Donor, amount: str = "25.00", day: date | None = None, **fields) -> Donation:
        day = day or date(LAST_YEAR, 3, 15)
        return make_donation(
            amount,
            donor=donor,
            donor_email=donor.email,
            donor_name=donor.name,
            received_on=day,
            **fields,
        )

    return give


def open_page(client, donor: Donor, lang: str = "en"):
    """Open the donor's page as the emailed link does; returns the redirect response."""
    return client.get(f"/{lang}/my-gifts/open/{manage_token(donor)}/")


def old_token(value, *, hours: float) -> str:
    """A manage token signed `hours` ago, as if the link had waited in the inbox."""
    signer = signing.TimestampSigner(salt=MANAGE.salt)
    signer.timestamp = lambda: signing.b62_encode(int(time.time() - hours * 3600))
    return signer.sign_object(value)
