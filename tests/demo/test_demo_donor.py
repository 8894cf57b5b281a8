"""`load_demo` gives `make run` a demo donor whose page has something on it."""

from io import StringIO

import pytest
from django.core.management import call_command

from demo.donor import DEMO_EMAIL
from donors.models import Donor
from ledger.models import Donation
from sponsorships.models import Sponsorship

# The donor's page offers the demo checkout when demo payments are on.
pytestmark = pytest.mark.usefixtures("demo_payments_on")


def test_load_demo_creates_a_demo_donor_with_one_off_and_monthly_gifts(db, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    donor = Donor.objects.get(email=DEMO_EMAIL)
    gifts = Donation.objects.filter(donor=donor, status="paid")
    assert gifts.filter(frequency="one_off").count() == 3
    assert gifts.filter(frequency="monthly").count() >= 2
    assert Sponsorship.objects.get(donor=donor).status == "active"
    assert DEMO_EMAIL in out.getvalue() and "/es/my-gifts/open/" in out.getvalue()
    counts = (Donor.objects.count(), Donation.objects.count(), Sponsorship.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Donor.objects.count(), Donation.objects.count(), Sponsorship.objects.count()) == counts


def test_it_prints_no_link_without_debug(db, settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert DEMO_EMAIL in out.getvalue() and "/my-gifts/open/" not in out.getvalue()
