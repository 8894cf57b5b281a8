"""Choosing monthly on the donate form in a real Chromium, with and without JavaScript: bank
transfer is not offered for it, the page says why before anything is sent, and the words by
the button follow the frequency and amount ticked."""

import pytest
from django.utils import timezone

from ledger.models import Donation
from tests.browser.conftest import axe_violations
from tests.sponsorships.helpers import english_when

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PHONE = {"width": 390, "height": 844}
SLUG = "ana-ejemplo"
NOTE_NL = (
    "Bankoverschrijving kan niet elke maand worden geïnd en staat daarom alleen bij eenmalig geven."
)


def _page(browser, *, javascript: bool, locale: str = "nl-NL", bypass_csp: bool = False):
    context = browser.new_context(
        viewport=PHONE,
        locale=locale,
        is_mobile=True,
        java_script_enabled=javascript,
        bypass_csp=bypass_csp,
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def without_js(browser):
    context, page = _page(browser, javascript=False)
    yield page
    context.close()


@pytest.fixture
def with_js(browser):
    context, page = _page(browser, javascript=True, bypass_csp=True)
    yield page
    context.close()


def _bank_transfer(page):
    return page.locator("label.method", has_text="Bankoverschrijving")


def test_without_javascript_monthly_takes_bank_transfer_away_and_says_why(without_js, demo_site):
    page = without_js
    page.goto(f"{demo_site.url}/nl/donate/?prisoner={SLUG}")
    note = page.locator(".once-only-note")
    assert _bank_transfer(page).is_visible() and note.is_hidden()
    assert page.locator("#donate-summary").inner_text() == (
        "€ 25 voor Ana Ejemplo — Demobetaling (geen echt geld)"
    )
    assert page.locator("#donate-collection").is_hidden()

    page.locator("label.tap", has_text="Maandelijks").click()
    assert _bank_transfer(page).is_hidden()
    assert note.is_visible() and note.inner_text() == NOTE_NL
    # The words by the button: the monthly default, then the amount tapped.
    assert page.locator("#donate-summary").inner_text() == (
        "€ 15 per maand voor Ana Ejemplo — Demobetaling (geen echt geld)"
    )
    page.locator(".amounts .monthly label.tap", has_text="25").click()
    assert page.locator("#donate-summary").inner_text() == (
        "€ 25 per maand voor Ana Ejemplo — Demobetaling (geen echt geld)"
    )
    assert page.locator("#donate-submit").inner_text() == "Steun Ana Ejemplo met € 25 per maand"
    collection = page.locator("#donate-collection").inner_text()
    assert collection.startswith("€ 25 rond ") and "stoppen kan altijd" in collection

    page.locator("label.tap", has_text="Eenmalig").click()
    assert _bank_transfer(page).is_visible() and note.is_hidden()
    assert page.locator("#donate-submit").inner_text() == "Verder naar betalen"


def test_without_javascript_a_ticked_bank_transfer_stays_in_sight_with_the_note(
    without_js, demo_site
):
    page = without_js
    page.goto(f"{demo_site.url}/nl/donate/?prisoner={SLUG}")
    _bank_transfer(page).click()
    page.locator("label.tap", has_text="Maandelijks").click()
    # Still ticked, so still shown: the note beside it says what to change before sending.
    assert _bank_transfer(page).is_visible()
    note = page.locator(".once-only-note")
    assert note.is_visible() and note.evaluate("n => getComputedStyle(n).fontWeight") == "600"
    page.locator("label.method", has_text="Demobetaling").click()
    assert _bank_transfer(page).is_hidden()


def test_without_javascript_a_typed_amount_is_not_misquoted(without_js, demo_site):
    page = without_js
    page.goto(f"{demo_site.url}/en/donate/?prisoner={SLUG}&frequency=monthly&amount=15.00")
    page.get_by_label("Another amount (EUR)").fill("17")
    summary = page.locator("#donate-summary").inner_text()
    assert summary == "Your monthly gift for Ana Ejemplo — Demo checkout (no real money)"
    assert page.locator("#donate-submit").inner_text() == "Continue to payment"
    when = english_when(timezone.localdate().day)
    assert page.locator("#donate-collection").inner_text() == (
        f"Collected {when}; stop any time with the link in every email."
    )


def test_with_javascript_bank_transfer_is_not_offered_for_monthly(with_js, demo_site):
    page = with_js
    page.goto(f"{demo_site.url}/nl/donate/?prisoner={SLUG}")
    _bank_transfer(page).click()
    assert page.locator("input[name=method][value=bank_transfer]").is_checked()
    page.locator("label.tap", has_text="Maandelijks").click()
    assert _bank_transfer(page).is_hidden()
    # The choice moved to a method that can be charged every month.
    assert page.locator("input[name=method][value=demo]").is_checked()
    assert page.locator(".once-only-note").is_visible()
    assert page.locator("#donate-summary").inner_text() == (
        "€ 15 per maand voor Ana Ejemplo — Demobetaling (geen echt geld)"
    )
    page.get_by_label("Ander bedrag (EUR)").fill("12,50")
    assert page.locator("#donate-collection").inner_text().startswith("€ 12,50 rond ")
    assert page.locator("#donate-submit").inner_text() == "Steun Ana Ejemplo met € 12,50 per maand"
    assert axe_violations(page) == []
    page.get_by_label("Je naam").fill("Jan")
    page.get_by_label("E-mail voor je ontvangstbewijs").fill("jan@example.org")
    page.locator("input[name=consent]").check()
    page.locator("#donate-submit").click()
    page.wait_for_url("**/nl/donate/demo/**")
    assert Donation.objects.get(donor_email="jan@example.org").sponsorship.amount == 12.5


def test_with_javascript_the_words_follow_a_page_shown_again(with_js, demo_site):
    """Back from the checkout, the browser restores the ticks; the words follow them."""
    page = with_js
    page.goto(f"{demo_site.url}/en/donate/?prisoner={SLUG}")
    page.locator("label.tap", has_text="Monthly").click()
    page.locator(".amounts .monthly label.tap", has_text="50").click()
    page.goto(f"{demo_site.url}/en/")
    page.go_back()
    assert page.locator("input[name=monthly_preset][value='50']").is_checked()
    assert page.locator("#donate-submit").inner_text() == "Sponsor Ana Ejemplo with €50 a month"
