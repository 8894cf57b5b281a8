"""The HTML emails on a 390 px phone: laid out at the phone's width, not at a desktop's 980 px."""

from decimal import Decimal

import pytest
from django.core import mail

from giving.tasks import send_receipt, send_transfer_details
from giving.transfers import expected_transfer_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _receipt(lang: str, make_donation) -> str:
    gift = make_donation(
        "25.00", donor_name="Camila", donor_email="camila@example.org", language=lang
    )
    send_receipt.call(gift.pk)
    return mail.outbox[-1].alternatives[0][0]


def _transfer_details(lang: str, make_donation) -> str:
    expected = expected_transfer_create(
        email="jan@example.org",
        donor_name="Jan",
        language=lang,
        amount=Decimal("40.00"),
        prisoner=None,
    )
    send_transfer_details.call(expected.pk)
    return mail.outbox[-1].alternatives[0][0]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["es", "nl", "en"])
@pytest.mark.parametrize("email", [_receipt, _transfer_details], ids=["receipt", "transfer"])
def test_it_lays_each_html_email_out_at_the_phones_width(
    phone, campaign, make_donation, email, lang
):
    html = email(lang, make_donation)
    assert VIEWPORT in html
    phone.set_content(html)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The text wraps at the screen's edge: no line runs under it.
    widest = phone.evaluate(
        "Math.max(...[...document.body.querySelectorAll('*')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= PHONE["width"]


def test_it_would_see_a_desktop_width_without_the_viewport(phone, campaign, make_donation):
    # The check above can fail: the same email without its viewport is 980 px wide.
    html = _transfer_details("nl", make_donation).replace(VIEWPORT, "")
    phone.set_content(html)
    assert phone.evaluate("document.documentElement.scrollWidth") > PHONE["width"]
