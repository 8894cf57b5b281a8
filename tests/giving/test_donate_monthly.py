"""Monthly giving through the donate form (issue #10): the form starts a sponsorship."""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from ledger.models import Donation
from sponsorships.links import sponsorship_restart_url
from sponsorships.models import Sponsorship
from tests.gifts import form_data, said_by_the_server


@pytest.fixture(autouse=True)
def demo_on(settings, campaign):
    settings.DEMO_PAYMENTS = True
    settings.SITE_URL = "http://testserver"


def _monthly(method: str, **overrides) -> dict:
    fields = {"frequency": "monthly", "preset": "", "monthly_preset": "15", **overrides}
    return form_data(method, **fields)


def _checked(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="([^"]*)"[^>]*checked', html)


def test_it_starts_a_pending_sponsorship_and_sends_the_donor_to_the_checkout(client, make_prisoner):
    ana = make_prisoner(name="Ana Ejemplo")
    response = client.post("/en/donate/", _monthly("demo", prisoner=ana.slug))
    donation = Donation.objects.get()
    sponsorship = Sponsorship.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/donate/demo/{donation.provider_payment_id}/"
    assert donation.frequency == Donation.Frequency.MONTHLY
    assert donation.sponsorship == sponsorship
    assert sponsorship.status == Sponsorship.Status.PENDING
    assert (sponsorship.amount, sponsorship.prisoner) == (Decimal("15.00"), ana)
    assert sponsorship.donor.email == "camila@example.org"


def test_it_activates_the_sponsorship_once_the_first_month_is_paid(
    client, django_capture_on_commit_callbacks
):
    response = client.post("/en/donate/", _monthly("demo", monthly_preset="", other_amount="12"))
    donation = Donation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"id": donation.provider_payment_id, "outcome": "paid"})
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    assert sponsorship.amount == Decimal("12.00")
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID


def test_it_still_gives_once_without_a_sponsorship(client):
    response = client.post("/en/donate/", form_data("demo", frequency="one_off"))
    assert response.status_code == 302
    assert Donation.objects.get().frequency == Donation.Frequency.ONE_OFF
    assert not Sponsorship.objects.exists()


def test_it_refuses_monthly_by_bank_transfer_with_a_message(client):
    response = client.post("/en/donate/", _monthly("bank_transfer"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bank transfer cannot be collected every month. Choose another way to pay" in html
    assert 'href="#id_method_0"' in html  # in the error summary, linked to the methods
    assert not Donation.objects.exists()
    assert not Sponsorship.objects.exists()


def test_it_refuses_an_amount_outside_the_bounds_for_monthly_too(client):
    html = client.post(
        "/en/donate/", _monthly("demo", monthly_preset="", other_amount="2")
    ).content.decode()
    assert "Give between €5.00 and €10,000.00 online" in html
    assert not Sponsorship.objects.exists()


def test_it_labels_the_button_with_the_sponsorship(client, make_prisoner):
    ana = make_prisoner(name="Ana Ejemplo")
    once = client.get(f"/en/donate/?prisoner={ana.slug}").content.decode()
    assert said_by_the_server(once, "donate-submit") == "Continue to payment"
    # A posted form with an error keeps the donor's monthly choice in the button.
    html = client.post(
        "/en/donate/", _monthly("demo", prisoner=ana.slug, monthly_preset="25", donor_email="x")
    ).content.decode()
    assert said_by_the_server(html, "donate-submit") == "Sponsor Ana Ejemplo with €25 a month"
    assert said_by_the_server(html, "donate-summary").startswith("€25 a month for Ana Ejemplo")
    general = client.post(
        "/en/donate/", _monthly("demo", monthly_preset="10", donor_email="x")
    ).content.decode()
    assert said_by_the_server(general, "donate-submit") == "Sponsor General fund with €10 a month"


def test_it_preselects_monthly_from_the_restart_link(client, make_prisoner):
    ana = make_prisoner(name="Ana Ejemplo")
    sponsorship = Sponsorship(amount=Decimal("15.00"), prisoner=ana, language="en")
    link = urlsplit(sponsorship_restart_url(sponsorship))
    html = client.get(f"{link.path}?{link.query}").content.decode()
    assert _checked(html, "frequency") == ["monthly"]
    assert _checked(html, "monthly_preset") == ["15"]
    assert said_by_the_server(html, "donate-submit") == "Sponsor Ana Ejemplo with €15 a month"


def test_it_types_a_restart_amount_that_is_no_preset(client):
    html = client.get("/en/donate/?frequency=monthly&amount=17.50").content.decode()
    assert _checked(html, "frequency") == ["monthly"]
    assert _checked(html, "monthly_preset") == []
    assert 'name="other_amount" value="17.50"' in html
    # Typed, so only donate.js can repeat it; the server's words name no amount.
    assert said_by_the_server(html, "donate-submit") == "Continue to payment"
    assert said_by_the_server(html, "donate-summary").startswith("Your monthly gift for General")


def test_it_ignores_a_restart_amount_it_cannot_read(client):
    response = client.get("/en/donate/?frequency=monthly&amount=lots")
    assert response.status_code == 200
    assert _checked(response.content.decode(), "monthly_preset") == ["15"]
