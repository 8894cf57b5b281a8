"""Treasurers see donors and sponsorships, and cancel one through the donor's service."""

import re
from decimal import Decimal

import pytest

from donors.models import Donor
from sponsorships.models import Sponsorship

URL = "/admin/sponsorships/sponsorship/"


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


def test_it_lets_a_treasurer_cancel_through_the_same_service(
    client, treasurer, sponsorship, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(treasurer)
    listing = client.get(URL).content.decode()
    assert "months paid" in listing.lower() and "sponsor@example.org" in listing
    data = {"action": "cancel_sponsorships", "_selected_action": [sponsorship.pk]}
    # First a page that says what it does, naming whose sponsorship it stops.
    confirm = client.post(URL, data)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Cancel these sponsorships?" in html and "sponsor@example.org" in html
    assert 'name="post" value="yes"' in html
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.ACTIVE and mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL, {**data, "post": "yes"}).status_code == 302
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.CANCELLED
    assert sponsorship.cancel_reason == Sponsorship.CancelReason.TREASURER
    assert sponsorship.events.get().source == "admin"
    assert [m.to for m in mailoutbox] == [["sponsor@example.org"]]  # "it has stopped"
    # The treasurer sees who stopped it, on the sponsorship's page.
    page = client.get(f"{URL}{sponsorship.pk}/change/").content.decode()
    assert 'id="events-heading"' in page
    assert re.search(r'field-source">\s*<p>Admin</p>', page)


def test_it_says_which_sponsorships_never_started(client, treasurer, sponsorship, make_donation):
    never = Sponsorship.objects.create(
        donor=sponsorship.donor, amount=Decimal("15.00"), provider="demo", method="other_online"
    )
    never.first_donation = make_donation("15.00", status="failed", sponsorship=never)
    never.save()
    client.force_login(treasurer)
    html = client.get(f"{URL}?status__exact=pending").content.decode()
    assert "Never started" in html
    assert client.get(f"{URL}?status__exact=active").content.decode().count("Never started") == 0


def test_it_shows_a_donor_with_their_gifts(client, treasurer, sponsorship, make_donation):
    make_donation("7.00", donor=sponsorship.donor, donor_email="sponsor@example.org")
    client.force_login(treasurer)
    html = client.get(f"/admin/donors/donor/{sponsorship.donor.pk}/change/").content.decode()
    assert "sponsor@example.org" in html and "7.00" in html


def test_it_counts_a_donors_gifts_that_arrived(client, treasurer, sponsorship, make_donation):
    for status in ("paid", "paid", "failed", "expired", "open"):
        make_donation("7.00", donor=sponsorship.donor, status=status)
    client.force_login(treasurer)
    html = client.get("/admin/donors/donor/").content.decode()
    assert '<td class="field-gift_count">2</td>' in html


@pytest.mark.parametrize("role", ["editor", "outsider"])
def test_it_refuses_everyone_else(client, request, sponsorship, role):
    client.force_login(request.getfixturevalue(role))
    data = {"action": "cancel_sponsorships", "_selected_action": [sponsorship.pk], "post": "yes"}
    assert client.post(URL, data).status_code == 403
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.ACTIVE


def test_it_shows_a_treasurer_what_the_sponsor_pledged_before(client, treasurer, sponsorship):
    from datetime import date

    from django.db import transaction

    with transaction.atomic():
        locked = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
        locked.pledge_change(Decimal("20.00"), on=date(2026, 3, 15))
    client.force_login(treasurer)
    html = client.get(f"{URL}{sponsorship.pk}/change/").content.decode()
    assert "Changes of the monthly amount" in html
    row = html.split("Changes of the monthly amount", 1)[1]
    assert "March 15, 2026" in row and "15.00" in row and "20.00" in row
    assert "The donor&#x27;s page" in row
