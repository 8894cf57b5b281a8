"""Every change a sponsor makes to a monthly gift is confirmed by email, in the language the
sponsorship's emails use: a new amount, a stop, and another account (which stops this one)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ledger.models import Donation
from reports.monthly import last_months, monthly_giving
from sponsorships.models import PledgeChange, Sponsorship, SponsorshipMail
from tests.books import set_around_the_books
from tests.donor_pages import open_page
from tests.sponsorships.helpers import english_when, start_sponsorship

# The donor's page offers the demo checkout when demo payments are on.
pytestmark = pytest.mark.usefixtures("demo_payments_on")


def _sponsor(client, language: str, capture) -> Sponsorship:
    donation, url = start_sponsorship("demo", language=language)
    with capture(execute=True):
        client.post(url, {"id": donation.provider_payment_id, "outcome": "paid"})
    sponsorship = Sponsorship.objects.get(pk=donation.sponsorship_id)
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    open_page(client, sponsorship.donor, lang=language)
    return sponsorship


def _change(client, sponsorship, amount: str, language: str, capture):
    url = f"/{language}/my-gifts/page/monthly/{sponsorship.pk}/amount/"
    with capture(execute=True):
        return client.post(url, {f"s{sponsorship.pk}-amount": amount})


@pytest.fixture
def sponsored(client, campaign, settings, django_capture_on_commit_callbacks, mailoutbox):
    settings.SITE_URL = "http://testserver"

    def sponsor(language: str = "en") -> Sponsorship:
        sponsorship = _sponsor(client, language, django_capture_on_commit_callbacks)
        mailoutbox.clear()  # the welcome
        return sponsorship

    return sponsor


def test_a_new_amount_is_confirmed_by_email(
    client, sponsored, mailoutbox, django_capture_on_commit_callbacks
):
    sponsorship = sponsored()
    response = _change(client, sponsorship, "20", "en", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.to == ["camila@example.org"]
    assert mail.subject == "Your monthly gift has a new amount"
    assert "You now give €20.00 a month to General fund, instead of €15.00." in mail.body
    day = english_when(sponsorship.started_on.day)
    assert f"The new amount is collected from the next payment on, {day}." in mail.body
    assert "http://testserver/en/sponsorship/" in mail.body  # the stop link
    # Sent once: the same change asked again is no change, and sends nothing.
    _change(client, sponsorship, "20,00", "en", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    assert SponsorshipMail.objects.filter(kind="amount").count() == 1


def test_the_confirmation_is_in_the_sponsors_language(
    client, sponsored, mailoutbox, django_capture_on_commit_callbacks
):
    sponsorship = sponsored("es")
    _change(client, sponsorship, "22,50", "es", django_capture_on_commit_callbacks)
    [mail] = mailoutbox
    assert mail.subject == "Tu donación mensual tiene un monto nuevo"
    assert "Ahora das € 22,50 al mes a Fondo general, en vez de € 15,00." in mail.body
    assert "http://testserver/es/sponsorship/" in mail.body


def test_a_refused_change_sends_nothing(
    client, sponsored, mailoutbox, django_capture_on_commit_callbacks
):
    sponsorship = sponsored()
    response = _change(client, sponsorship, "2", "en", django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert mailoutbox == [] and not PledgeChange.objects.exists()


def test_a_stop_is_confirmed_by_email(
    client, sponsored, mailoutbox, django_capture_on_commit_callbacks
):
    sponsorship = sponsored("nl")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/nl/my-gifts/page/monthly/{sponsorship.pk}/stop/")
    assert [m.subject for m in mailoutbox] == ["Je maandelijkse sponsoring is gestopt"]


def test_paying_from_another_account_is_confirmed_by_email(
    client, sponsored, mailoutbox, django_capture_on_commit_callbacks
):
    """The demo (like Mollie) needs a new first payment: this one stops, and says so."""
    sponsorship = sponsored()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/my-gifts/page/monthly/{sponsorship.pk}/payment-method/")
    [mail] = mailoutbox
    assert mail.subject == "Your monthly sponsorship has stopped"
    assert "http://testserver/en/donate/?frequency=monthly&amount=15.00" in mail.body


def test_the_treasurers_table_keeps_the_old_amount_in_the_months_before(
    client, sponsored, django_capture_on_commit_callbacks
):
    """Sponsoring with €15 since two months ago, the sponsor gives €20 from today on."""
    sponsorship = sponsored()
    today = timezone.localdate()
    began = (today.replace(day=1) - timedelta(days=40)).replace(day=min(today.day, 28))
    Sponsorship.objects.filter(pk=sponsorship.pk).update(started_on=began)
    set_around_the_books(
        Donation.objects.filter(pk=sponsorship.first_donation_id), received_on=began
    )
    _change(client, sponsorship, "20", "en", django_capture_on_commit_callbacks)
    giving = monthly_giving(*last_months(today=today, count=3))
    assert [str(row.pledged) for row in giving.months] == ["15.00", "15.00", "20.00"]
    assert giving.closing_pledged == Decimal("20.00")
