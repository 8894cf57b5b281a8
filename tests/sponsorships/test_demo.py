"""Monthly giving end to end with the demo provider, as `make run` shows it (issue #10)."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ledger.models import Donation
from ledger.selectors import campaign_totals
from prisoners.models import Campaign
from sponsorships.models import Sponsorship, SponsorshipEvent
from sponsorships.selectors import sponsorship_totals, sponsorship_totals_per_prisoner
from tests.sponsorships.helpers import start_sponsorship


@pytest.fixture(autouse=True)
def demo_on(settings, campaign):
    settings.DEMO_PAYMENTS = True
    settings.SITE_URL = "http://testserver"


def _pay_first(client, donation, url):
    return client.post(url, {"id": donation.provider_payment_id, "outcome": "paid"})


def _link(mail) -> str:
    return re.search(r"http://testserver(/\S+/stop/)", mail.body).group(1)


def test_it_takes_a_sponsor_from_first_payment_to_stopped(
    client, make_prisoner, mailoutbox, django_capture_on_commit_callbacks
):
    ana = make_prisoner(name="Ana Ejemplo")
    donation, url = start_sponsorship("demo", language="nl", prisoner=ana)
    sponsorship = donation.sponsorship
    assert sponsorship.status == Sponsorship.Status.PENDING
    assert donation.frequency == Donation.Frequency.MONTHLY
    assert sponsorship.donor.email == "camila@example.org"
    assert url.endswith(f"/donate/demo/{donation.provider_payment_id}/")

    with django_capture_on_commit_callbacks(execute=True):
        _pay_first(client, donation, url)
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    assert sponsorship.provider_subscription_id.startswith("demo_sub_")
    # In the donor's language (Dutch), with the link to stop.
    assert [m.subject for m in mailoutbox] == ["Dank je wel voor je maandelijkse steun"]
    assert "http://testserver/nl/sponsorship/" in mailoutbox[0].body
    assert sponsorship_totals().monthly_pledged == Decimal("15.00")
    assert sponsorship_totals_per_prisoner()[ana.pk].active_sponsors == 1

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_charge_month")
        call_command("demo_charge_month", "--fail")
        call_command("demo_charge_month")
    months = Donation.objects.filter(sponsorship=sponsorship).exclude(pk=donation.pk)
    assert sorted(months.values_list("status", flat=True)) == ["failed", "paid", "paid"]
    assert campaign_totals().raised == Decimal("45.00")  # the first month and two paid ones
    sponsorship.refresh_from_db()
    assert sponsorship.last_failure_code == "AM04"
    assert sponsorship.failure_count == 0  # a paid month came after the failed one
    # The monthly emails are queued when their row commits (sponsorships.receivers); the test's
    # captured commit runs them in another order than three separate months would.
    assert sorted(m.subject for m in mailoutbox[1:]) == [
        "De betaling van deze maand voor je sponsoring is niet gelukt",
        "Ontvangstbevestiging voor je maandelijkse sponsoring",
        "Ontvangstbevestiging voor je maandelijkse sponsoring",
    ]
    failed = next(m for m in mailoutbox if m.subject.startswith("De betaling"))
    assert "AM04" in failed.body

    link = _link(mailoutbox[-1])
    page = client.get(link)
    assert page.status_code == 200
    assert "Mijn sponsoring stoppen" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 302
        assert client.post(link).status_code == 302  # twice: harmless
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.CANCELLED
    assert sponsorship.cancel_reason == Sponsorship.CancelReason.DONOR
    assert SponsorshipEvent.objects.filter(to_status="cancelled").count() == 1
    assert len(mailoutbox) == 5
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_charge_month")  # nothing is charged after the stop
    assert Donation.objects.filter(sponsorship=sponsorship).count() == 4
    assert sponsorship_totals().active_sponsors == 0


def test_it_suspends_after_two_failed_months_and_offers_a_restart(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    donation, url = start_sponsorship("demo")
    with django_capture_on_commit_callbacks(execute=True):
        _pay_first(client, donation, url)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_charge_month", "--fail")
        call_command("demo_charge_month", "--fail")
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.status == Sponsorship.Status.SUSPENDED
    assert sponsorship.failure_count == 2
    suspended = mailoutbox[-1]
    assert suspended.subject == "Your monthly sponsorship is paused"
    assert "frequency=monthly" in suspended.body and "amount=15.00" in suspended.body
    # Every email carries the stop link; a paused sponsorship can be stopped for good.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_link(suspended)).status_code == 302
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.CANCELLED
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_charge_month")  # stopped: no longer charged
    assert Donation.objects.filter(sponsorship=sponsorship).count() == 3


def test_it_refuses_to_charge_months_when_demo_payments_are_off(settings):
    settings.DEMO_PAYMENTS = False
    with pytest.raises(CommandError):
        call_command("demo_charge_month")


@pytest.fixture
def active_demo(client, django_capture_on_commit_callbacks):
    donation, url = start_sponsorship("demo")
    with django_capture_on_commit_callbacks(execute=True):
        _pay_first(client, donation, url)
    client.logout()
    return Sponsorship.objects.get(pk=donation.sponsorship_id)


def _charge_by_admin(client, sponsorship):
    data = {"action": "charge_demo_month", "_selected_action": [sponsorship.pk]}
    return client.post("/admin/sponsorships/sponsorship/", data)


def test_it_charges_a_demo_month_from_the_admin_in_debug(
    client, settings, treasurer, active_demo, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    client.force_login(treasurer)
    with django_capture_on_commit_callbacks(execute=True):
        assert _charge_by_admin(client, active_demo).status_code == 302
    months = Donation.objects.filter(sponsorship=active_demo).exclude(
        pk=active_demo.first_donation_id
    )
    assert [m.status for m in months] == [Donation.Status.PAID]
    assert campaign_totals().raised == Decimal("30.00")


def test_it_offers_no_demo_month_without_debug(client, settings, treasurer, active_demo):
    settings.DEBUG = False
    client.force_login(treasurer)
    page = client.get("/admin/sponsorships/sponsorship/").content.decode()
    assert "charge_demo_month" not in page
    _charge_by_admin(client, active_demo)
    assert Donation.objects.filter(sponsorship=active_demo).count() == 1


def test_the_welcome_is_the_first_months_receipt_and_each_receipt_names_its_gift(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    Campaign.objects.update(is_anbi=True)
    donation, url = start_sponsorship("demo")
    with django_capture_on_commit_callbacks(execute=True):
        _pay_first(client, donation, url)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_charge_month")
    donation.refresh_from_db()
    welcome, receipt = mailoutbox
    assert welcome.subject == "Thank you for your monthly sponsorship"
    assert "Receipt\nAmount: €15.00\n" in welcome.body
    assert f"Reference: {donation.reference}" in welcome.body
    assert "registered ANBI" in welcome.body
    month = Donation.objects.exclude(pk=donation.pk).get()
    # The gift's reference, as on every other receipt, not its internal id.
    assert f"Reference: {month.reference}" in receipt.body
    assert str(month.public_id) not in receipt.body


def test_the_demo_checkout_says_it_is_a_sponsorships_first_month(client, make_prisoner):
    donation, url = start_sponsorship("demo", prisoner=make_prisoner(name="Ana Ejemplo"))
    html = client.get(url).content.decode()
    assert "The first month of a sponsorship of €15.00 a month for Ana Ejemplo." in html
    assert "A gift of" not in html


def test_it_sends_no_monthly_receipt_when_the_foundation_sends_only_the_annual_one(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SPONSORSHIP_MONTHLY_RECEIPTS = False
    donation, url = start_sponsorship("demo")
    with django_capture_on_commit_callbacks(execute=True):
        _pay_first(client, donation, url)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_charge_month")
        call_command("demo_charge_month", "--fail")
    assert Donation.objects.filter(status="paid").count() == 2
    assert [m.subject for m in mailoutbox] == [
        "Thank you for your monthly sponsorship",
        "This month's payment for your sponsorship did not go through",
    ]


def test_the_monthly_receipt_carries_the_anbi_and_rsin_block_of_the_one_off_receipt(
    client, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    campaign.is_anbi, campaign.rsin, campaign.kvk_number = True, "123456782", "12345678"
    campaign.postal_address = "Postbus 1\n1000 AA Amsterdam"
    campaign.save()
    donation, url = start_sponsorship("demo", language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        _pay_first(client, donation, url)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_charge_month")
    welcome, receipt = mailoutbox
    assert receipt.subject == "Ontvangstbevestiging voor je maandelijkse sponsoring"
    for mail in (welcome, receipt):
        assert "De stichting is een geregistreerde ANBI" in mail.body
        assert "RSIN 123456782 · KvK 12345678" in mail.body
        assert "Postbus 1\n1000 AA Amsterdam" in mail.body
        assert f"IBAN {campaign.iban_display}" in mail.body
