"""The magic-link path on a phone: 'Manage my gifts' in the footer, an email, the link from
the mail, the donor's page; without JavaScript, no sideways scrolling, and axe-clean."""

import os
import re

import pytest
from django.core import mail

from demo.donor import DEMO_EMAIL
from donors.models import Donor
from mygifts.access import manage_token
from sponsorships.models import Sponsorship
from tests.browser.conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, locale="es-CL", is_mobile=True, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _link_from_mail(live_url: str) -> str:
    [message] = mail.outbox
    path = re.search(r"https?://\S+?(/es/my-gifts/open/\S+/)", message.body).group(1)
    return live_url + path


def test_a_donor_reaches_their_page_from_the_footer_and_the_emailed_link(
    phone, demo_site, settings
):
    phone.goto(demo_site.url + "/es/")
    phone.locator("footer a[href='/es/my-gifts/']").click()
    # Read by structure, not words: the page speaks Spanish once the catalogs have them.
    phone.locator("main input[type=email]").fill(DEMO_EMAIL)
    phone.locator("main form button[type=submit]").click()
    assert phone.locator("main [role=status]").count() == 1
    phone.goto(_link_from_mail(demo_site.url))
    assert phone.url == demo_site.url + "/es/my-gifts/page/"
    assert "Camila" not in phone.url and DEMO_EMAIL in phone.content()
    assert phone.locator("table.gifts tbody tr").count() >= 5
    assert _no_sideways_scroll(phone)
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/donor-page-390.png", full_page=True)
    with phone.expect_download() as download:
        phone.locator(".statements button").first.click()
    assert download.value.suggested_filename.startswith("GS-")


def test_the_donor_pages_pass_axe(axe_page, demo_site):
    axe_page.set_viewport_size(PHONE)
    axe_page.goto(demo_site.url + "/es/my-gifts/")
    assert axe_violations(axe_page) == []
    token = manage_token(Donor.objects.get(email=DEMO_EMAIL))
    axe_page.goto(f"{demo_site.url}/es/my-gifts/open/{token}/")
    assert axe_page.url.endswith("/es/my-gifts/page/")
    assert axe_violations(axe_page) == []
    sponsorship = Sponsorship.objects.get(donor__email=DEMO_EMAIL)
    for path in (f"monthly/{sponsorship.pk}/stop/", "erase/"):
        axe_page.goto(f"{demo_site.url}/es/my-gifts/page/{path}")
        assert axe_violations(axe_page) == [], path
    axe_page.goto(demo_site.url + "/es/my-gifts/open/not-a-link/")
    assert axe_violations(axe_page) == []
