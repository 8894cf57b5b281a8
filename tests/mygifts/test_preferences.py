"""A donor's email preferences, stored on the donor and obeyed by the senders."""

from decimal import Decimal

import pytest

from ledger.models import Donation
from sponsorships.models import Sponsorship, SponsorshipMail
from sponsorships.months import sponsorship_month_paid
from tests.donor_pages import open_page

# The donor's page offers the demo checkout when demo payments are on.
pytestmark = pytest.mark.usefixtures("demo_payments_on")

PREFERENCES = "/en/my-gifts/page/preferences/"


def test_it_saves_the_preferences(client, campaign, make_donor):
    donor = make_donor(language="es")
    open_page(client, donor)
    response = client.post(PREFERENCES, {"wants_annual_statement": "on", "language": "nl"})
    assert response.status_code == 302
    donor.refresh_from_db()
    assert donor.wants_annual_statement and donor.language == "nl"
    assert not donor.wants_monthly_receipts and not donor.wants_news


def test_a_bad_language_gets_a_message_and_changes_nothing(client, campaign, make_donor):
    donor = make_donor(language="es")
    open_page(client, donor)
    response = client.post(PREFERENCES, {"language": "xx"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    donor.refresh_from_db()
    assert donor.language == "es" and donor.wants_monthly_receipts


@pytest.fixture
def month(make_donor, campaign):
    donor = make_donor()
    sponsorship = Sponsorship.objects.create(
        donor=donor, amount=Decimal("15.00"), provider="demo", method="card", status="active"
    )
    first = Donation.objects.create(
        amount=Decimal("15.00"), method="card", status="paid", sponsorship=sponsorship, donor=donor
    )
    Sponsorship.objects.filter(pk=sponsorship.pk).update(first_donation=first)
    second = Donation.objects.create(
        amount=Decimal("15.00"), method="card", status="paid", sponsorship=sponsorship, donor=donor
    )
    return donor, second


def test_a_donor_who_wants_no_monthly_receipts_gets_none(month):
    donor, second = month
    donor.wants_monthly_receipts = False
    donor.save()
    sponsorship_month_paid(donation_id=second.pk)
    assert not SponsorshipMail.objects.filter(kind="receipt").exists()


def test_a_donor_who_wants_them_gets_them(month):
    _donor, second = month
    sponsorship_month_paid(donation_id=second.pk)
    assert SponsorshipMail.objects.filter(kind="receipt").count() == 1


def test_the_choice_is_not_offered_when_the_foundation_sends_none(
    client, campaign, make_donor, settings
):
    settings.SPONSORSHIP_MONTHLY_RECEIPTS = False
    open_page(client, make_donor())
    page = client.get("/en/my-gifts/page/").content.decode()
    assert "wants_monthly_receipts" not in page
    assert "The foundation sends no monthly receipts" in page
