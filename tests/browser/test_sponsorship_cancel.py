"""The donor stops a monthly sponsorship from the link in an email, on a phone, no JavaScript
needed (a plain form), and the page passes axe's WCAG 2.2 AA checks."""

import os

import pytest

from sponsorships.links import sponsorship_token
from sponsorships.models import Sponsorship
from tests.browser.conftest import axe_violations
from tests.sponsorships.helpers import start_sponsorship

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def stop_url(demo_site, settings):
    settings.DEMO_PAYMENTS = True
    donation, _url = start_sponsorship("demo", language="nl")
    return f"{demo_site.url}/nl/sponsorship/{sponsorship_token(donation.sponsorship)}/stop/"


def test_it_stops_a_sponsorship_from_the_emails_link(page, stop_url):
    page.goto(stop_url)
    if SHOTS:
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"{SHOTS}/sponsorship-stop-390.png", full_page=True)
    page.get_by_role("button").filter(has_text="sponsor").last.click()
    # load_demo has its own demo sponsor; this one started from the form.
    sponsor = Sponsorship.objects.get(donor__email="camila@example.org")
    assert sponsor.status == Sponsorship.Status.CANCELLED
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/sponsorship-stopped-390.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})
        page.screenshot(path=f"{SHOTS}/sponsorship-stopped-1280.png", full_page=True)
    assert page.csp_errors == []


def test_its_pages_pass_axe(axe_page, stop_url):
    axe_page.goto(stop_url)
    assert axe_violations(axe_page) == []
    axe_page.goto(stop_url.replace("/stop/", "x/stop/"))  # a damaged link
    assert axe_violations(axe_page) == []
