"""A donor makes a periodic-gift agreement on a phone and signs it from the emailed link:
plain forms (no JavaScript needed), nothing wider than the screen, and axe's WCAG 2.2 AA
checks pass on the form, its errors, the signing page and a bad link's page."""

import os
import re

import pytest
from django.core import mail
from django.utils import timezone

from agreements.models import PeriodicGiftAgreement
from tests.browser.conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("SCREENSHOT_DIR")
PHONE = {"width": 390, "height": 844}
FIELDS = {
    "yearly_amount": "1.200,50",
    "given_names": "Camila Andrea",
    "surname": "Rojas Pérez",
    "email": "camila@example.org",
    "birth_date": "17-05-1980",
    "birth_place": "Valparaíso",
    "street": "Keizersgracht 1",
    "postcode": "1015 AA",
    "city": "Amsterdam",
    "country": "Nederland",
}


def _fill(page):
    for name, value in FIELDS.items():
        page.fill(f"#id_{name}", value)
    page.check("#id_duration_0")
    page.check("input[name=payment_way][value=bank_transfer]")
    page.check("#id_consent")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _signing_link() -> str:
    [message] = mail.outbox
    return re.search(r"/es/periodic-gift/sign/\S+/", message.body).group(0)


def test_it_makes_and_signs_an_agreement_on_a_phone(page, demo_site):
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_site.url}/es/periodic-gift/")
    assert _fits(page)
    _fill(page)
    page.get_by_role("button").last.click()
    page.wait_for_url("**/check-your-email/")
    agreement = PeriodicGiftAgreement.objects.exclude(email__startswith="demo.").get()
    page.goto(demo_site.url + _signing_link())
    assert _fits(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/periodic-gift-sign-390.png", full_page=True)
    page.locator("form button[type=submit]").click()
    agreement.refresh_from_db()
    assert agreement.status == PeriodicGiftAgreement.Status.DONOR_SIGNED
    assert page.csp_errors == []


def test_its_pages_pass_axe(axe_page, demo_site):
    axe_page.set_viewport_size(PHONE)
    axe_page.goto(f"{demo_site.url}/es/periodic-gift/")
    assert axe_violations(axe_page) == []
    axe_page.get_by_role("button").last.click()  # nothing filled in: the error summary
    assert axe_page.locator(".error-summary").is_visible()
    assert _fits(axe_page)
    assert axe_violations(axe_page) == []
    _fill(axe_page)
    axe_page.get_by_role("button").last.click()
    axe_page.wait_for_url("**/check-your-email/")
    assert axe_violations(axe_page) == []
    link = demo_site.url + _signing_link()
    axe_page.goto(link)
    assert axe_violations(axe_page) == []
    axe_page.goto(link.replace("/sign/", "/co-sign/"))  # the donor's link, as the partner
    assert axe_violations(axe_page) == []


def test_its_refusals_pass_axe_and_fit_a_phone(axe_page, demo_site):
    """A link to an agreement the foundation cancelled, and one whose stored document was
    changed: each says so in words, offers no signature, and passes axe."""
    from django.core.files.base import ContentFile

    from agreements.links import signing_token
    from agreements.services import agreement_cancel
    from tests.agreements.helpers import agreement_signed

    axe_page.set_viewport_size(PHONE)
    year = timezone.localdate().year
    cancelled = agreement_signed(first_year=year, email="cancelled@example.org")
    agreement_cancel(
        agreement_id=cancelled.pk, user=None, reason="other", note="test", notify=False
    )
    damaged = agreement_signed(first_year=year, email="damaged@example.org")
    damaged.terms_pdf.storage.delete(damaged.terms_pdf.name)
    damaged.terms_pdf.storage.save(damaged.terms_pdf.name, ContentFile(b"%PDF-changed"))
    for agreement, words in ((cancelled, "canceló"), (damaged, "no coincide")):
        axe_page.goto(f"{demo_site.url}/es/periodic-gift/sign/{signing_token(agreement, 'donor')}/")
        assert words in axe_page.locator("main").inner_text()
        assert axe_page.locator("form button[type=submit]").count() == 0
        assert _fits(axe_page)
        assert axe_violations(axe_page) == []
