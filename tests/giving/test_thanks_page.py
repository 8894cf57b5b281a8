"""The page after the payment: waiting without JavaScript, and sharing without tracking."""

import re

import pytest

from ledger.models import Donation
from prisoners.models import Prisoner
from sponsorships.models import Sponsorship
from tests.books import set_around_the_books
from tests.gifts import said_by_the_server
from tests.giving.test_donate_monthly import _checked
from tests.sponsorships.helpers import english_when, start_sponsorship


@pytest.fixture
def gift(campaign, make_prisoner, make_donation):
    prisoner = make_prisoner(slug="ana", name="Ana Ejemplo")
    return make_donation(
        "25.00",
        prisoner=prisoner,
        status=Donation.Status.PENDING,
        provider=Donation.Provider.MANUAL,
        donor_name="Camila Secreta",
        donor_email="camila@example.org",
    )


def _thanks(client, gift, query=""):
    return client.get(f"/en/donate/thanks/{gift.public_id}/{query}").content.decode()


@pytest.mark.parametrize("status", ["pending", "open"])
def test_it_refreshes_itself_while_waiting_for_the_bank(client, gift, status):
    set_around_the_books(Donation.objects.all(), status=status)
    html = _thanks(client, gift)
    assert '<meta http-equiv="refresh" content="5; url=?wait=1">' in html
    assert '<meta http-equiv="refresh" content="5; url=?wait=8">' in _thanks(
        client, gift, "?wait=7"
    )


def test_it_stops_after_two_minutes_and_says_what_happens_next(client, gift):
    html = _thanks(client, gift, "?wait=24")
    assert 'http-equiv="refresh"' not in html
    assert "we will send you an email as soon as it is confirmed" in html


@pytest.mark.parametrize("wait", ["abc", "-5", "1e9"])
def test_it_reads_a_bad_wait_count_as_the_start(client, gift, wait):
    assert "url=?wait=1" in _thanks(client, gift, f"?wait={wait}")


@pytest.mark.parametrize("status", ["paid", "failed"])
def test_it_does_not_refresh_a_settled_gift(client, gift, status):
    set_around_the_books(Donation.objects.all(), status=status)
    assert 'http-equiv="refresh"' not in _thanks(client, gift)


def test_it_offers_share_links_that_never_identify_the_donor(client, gift):
    set_around_the_books(Donation.objects.all(), status=Donation.Status.PAID)
    html = _thanks(client, gift)
    page = "http%3A%2F%2F127.0.0.1%3A8000%2Fen%2Fprisoners%2Fana%2F"
    assert 'href="https://wa.me/?text=Support%20Ana%20Ejemplo' in html
    assert page in html.split("wa.me", 1)[1].split('"', 1)[0]
    assert f'href="https://t.me/share/url?url={page}' in html
    assert 'href="mailto:?subject=' in html
    assert 'value="http://127.0.0.1:8000/en/prisoners/ana/"' in html
    share = html.split('class="share"', 1)[1].split("</section>", 1)[0]
    assert str(gift.public_id) not in share
    assert "Camila" not in share and "camila" not in share
    assert "<script" not in html


def test_it_shares_the_home_page_for_the_general_fund(client, gift):
    set_around_the_books(Donation.objects.all(), status=Donation.Status.PAID, prisoner=None)
    html = _thanks(client, gift)
    assert 'value="http://127.0.0.1:8000/en/"' in html


def test_it_links_back_to_the_prisoner(client, gift):
    assert 'href="/en/prisoners/ana/"' in _thanks(client, gift)


def _invitation(html: str) -> str:
    """The invitation to give monthly, or "" when the page has none."""
    if 'class="monthly-invite"' not in html:
        return ""
    return html.split('class="monthly-invite"', 1)[1].split("</section>", 1)[0]


def test_it_invites_a_one_off_donor_to_give_monthly_to_the_same_prisoner(client, gift):
    set_around_the_books(Donation.objects.all(), status=Donation.Status.PAID)
    invitation = _invitation(_thanks(client, gift))
    assert "Would you give every month?" in invitation
    assert 'href="/en/donate/?frequency=monthly&amp;amount=25.00&amp;prisoner=ana"' in invitation
    assert "Sponsor Ana Ejemplo with €25 a month" in invitation
    # A plain link: nothing on the page needs JavaScript.
    assert "<script" not in _thanks(client, gift)


def test_the_invitation_opens_the_donate_form_preset_to_monthly(client, gift):
    set_around_the_books(Donation.objects.all(), status=Donation.Status.PAID)
    html = client.get("/en/donate/?frequency=monthly&amount=25.00&prisoner=ana").content.decode()
    assert _checked(html, "frequency") == ["monthly"]
    assert _checked(html, "monthly_preset") == ["25"]
    assert re.search(r'<option value="ana"[^>]*selected', html)
    assert said_by_the_server(html, "donate-submit") == "Sponsor Ana Ejemplo with €25 a month"


@pytest.mark.parametrize(
    ("amount", "suggested", "words"),
    [
        ("100.00", "50.00", "€50 a month"),  # the largest monthly preset under the gift
        ("12.00", "10.00", "€10 a month"),
        ("7.50", "7.50", "€7.50 a month"),  # below every preset: the gift itself
    ],
)
def test_it_suggests_a_monthly_amount_no_larger_than_the_gift(
    client, gift, amount, suggested, words
):
    set_around_the_books(Donation.objects.all(), status=Donation.Status.PAID, amount=amount)
    invitation = _invitation(_thanks(client, gift))
    assert f"amount={suggested}&amp;" in invitation
    assert words in invitation


def test_it_invites_to_the_general_fund_for_a_general_gift(client, gift):
    set_around_the_books(Donation.objects.all(), status=Donation.Status.PAID, prisoner=None)
    invitation = _invitation(_thanks(client, gift))
    assert 'href="/en/donate/?frequency=monthly&amp;amount=25.00"' in invitation
    assert "Give €25 every month" in invitation


@pytest.mark.parametrize("status", ["pending", "open", "failed", "canceled", "expired"])
def test_it_invites_no_one_whose_gift_did_not_arrive(client, gift, status):
    set_around_the_books(Donation.objects.all(), status=status)
    assert _invitation(_thanks(client, gift)) == ""


def test_it_invites_no_one_who_already_gives_monthly(client, gift):
    set_around_the_books(
        Donation.objects.all(), status=Donation.Status.PAID, frequency=Donation.Frequency.MONTHLY
    )
    html = _thanks(client, gift)
    assert "Thank you!" in html and _invitation(html) == ""


def test_it_invites_to_no_prisoner_who_is_no_longer_on_the_site(client, gift):
    set_around_the_books(Donation.objects.all(), status=Donation.Status.PAID)
    Prisoner.objects.update(is_published=False)
    assert _invitation(_thanks(client, gift)) == ""


@pytest.fixture
def first_month(settings, campaign, make_prisoner):
    """A donor chose to sponsor Ana Ejemplo with €15 a month and is at the demo checkout."""
    settings.DEMO_PAYMENTS = True
    ana = make_prisoner(slug="ana", name="Ana Ejemplo")
    donation, url = start_sponsorship("demo", prisoner=ana)
    return donation, url


def test_a_paid_first_month_thanks_for_the_sponsorship_not_for_a_gift(
    client, first_month, django_capture_on_commit_callbacks
):
    donation, url = first_month
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"id": donation.provider_payment_id, "outcome": "paid"})
    html = client.get(response["Location"]).content.decode()
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.status == Sponsorship.Status.ACTIVE
    assert "You now sponsor Ana Ejemplo with €15.00 a month." in html
    assert f"The next payments are collected {english_when(sponsorship.started_on.day)}." in html
    assert "a welcome email with a link to stop your sponsorship at any time" in html
    assert "Your gift of" not in html and "We have sent you a receipt" not in html
    assert _invitation(html) == ""


def test_a_first_month_on_its_way_is_the_sponsorships(client, first_month):
    donation, _url = first_month
    set_around_the_books(Donation.objects.all(), status=Donation.Status.PENDING)
    html = _thanks(client, donation)
    assert "the first month of your sponsorship: €15.00 a month for Ana Ejemplo" in html
    assert "your gift of" not in html


@pytest.mark.parametrize("outcome", ["failed", "canceled", "expired"])
def test_a_failed_first_month_says_the_sponsorship_has_not_started(client, first_month, outcome):
    donation, url = first_month
    response = client.post(url, {"id": donation.provider_payment_id, "outcome": outcome})
    html = client.get(response["Location"]).content.decode()
    assert "The payment did not go through" in html
    assert "Nothing was charged, and your sponsorship has not started." in html
    assert f'href="/en/donate/?retry={donation.public_id}"' in html
    assert "Try again" in html
    assert Sponsorship.objects.get().status == Sponsorship.Status.PENDING


def test_a_one_off_gift_still_thanks_for_the_gift(client, gift):
    set_around_the_books(Donation.objects.all(), status=Donation.Status.PAID)
    html = _thanks(client, gift)
    assert "Your gift of €25.00 for Ana Ejemplo has arrived." in html
    assert "You now sponsor" not in html


def test_a_first_month_of_a_sponsorship_stopped_meanwhile_promises_no_email(client, first_month):
    donation, _url = first_month
    set_around_the_books(Donation.objects.all(), status=Donation.Status.PAID)
    Sponsorship.objects.update(status=Sponsorship.Status.CANCELLED)
    html = _thanks(client, donation)
    assert "Your gift of €15.00 for Ana Ejemplo has arrived." in html
    assert "You now sponsor" not in html and "We have sent you a receipt" not in html
