"""The effect of monthly giving on the public pages (issue #10): counts and sums, no donor."""

from decimal import Decimal

import pytest

from donors.models import Donor
from sponsorships.models import Sponsorship
from tests.public.test_pages import _queries


@pytest.fixture
def sponsor(db):
    def make(amount: str, prisoner=None, status=Sponsorship.Status.ACTIVE) -> Sponsorship:
        n = Donor.objects.count() + 1
        donor = Donor.objects.create(email=f"sponsor{n}@example.org", name="Hidden Sponsor")
        return Sponsorship.objects.create(
            donor=donor,
            prisoner=prisoner,
            amount=Decimal(amount),
            provider="demo",
            method="other_online",
            status=status,
        )

    return make


def test_it_shows_a_prisoners_sponsors_and_the_share_of_the_need(
    client, campaign, make_prisoner, sponsor
):
    ana = make_prisoner(slug="ana", name="Ana Ejemplo", monthly_need=Decimal("200.00"))
    other = make_prisoner(slug="other")
    sponsor("15.00", ana)
    sponsor("25.00", ana)
    sponsor("50.00", ana, status=Sponsorship.Status.PENDING)  # not paid yet: not counted
    sponsor("99.00", other)
    html = client.get("/en/prisoners/ana/").content.decode()
    assert "2 monthly sponsors give <strong>€40.00</strong> a month." in html
    assert "That covers 20% of the €200.00 needed each month." in html
    assert '<progress max="100" value="20"' in html
    assert 'href="/en/donate/?frequency=monthly&amp;prisoner=ana"' in html
    assert "Hidden Sponsor" not in html


def test_it_shows_the_need_before_the_first_sponsor(client, campaign, make_prisoner):
    make_prisoner(slug="ana", monthly_need=Decimal("120.00"))
    html = client.get("/en/prisoners/ana/").content.decode()
    assert "No monthly sponsors yet for the €120.00 needed each month." in html


def test_it_shows_sponsors_without_a_share_when_no_need_is_set(
    client, campaign, make_prisoner, sponsor
):
    ana = make_prisoner(slug="ana")
    sponsor("10.00", ana)
    html = client.get("/en/prisoners/ana/").content.decode()
    assert "1 monthly sponsor gives <strong>€10.00</strong> a month." in html
    assert "needed each month" not in html


def test_it_shows_the_total_pledged_per_month_on_the_home_page(
    client, campaign, make_prisoner, sponsor
):
    ana = make_prisoner(slug="ana")
    assert "pledged every month" not in client.get("/en/").content.decode()
    sponsor("15.00", ana)
    sponsor("10.00")  # the general fund counts too
    sponsor("30.00", ana, status=Sponsorship.Status.CANCELLED)
    html = client.get("/en/").content.decode()
    assert "<strong>€25.00</strong> pledged every month by 2 monthly sponsors" in html


@pytest.mark.parametrize("path", ["/en/", "/en/prisoners/p-1/"])
def test_it_runs_the_same_number_of_queries_for_3_and_40_sponsorships(
    client, campaign, make_prisoner, sponsor, path
):
    prisoners = [make_prisoner(slug=f"p-{n}", monthly_need=Decimal("100.00")) for n in range(1, 4)]

    def grow_to(count):
        while Sponsorship.objects.count() < count:
            sponsor("10.00", prisoners[Sponsorship.objects.count() % 3])

    grow_to(3)
    small = _queries(client, path)
    grow_to(40)
    large = _queries(client, path)
    assert small == large
    assert Sponsorship.objects.filter(prisoner=prisoners[0]).count() == 14
