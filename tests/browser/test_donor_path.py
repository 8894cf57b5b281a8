"""The Dutch donor on a phone: from a prisoner's page to the checkout, by touch, by
keyboard and without JavaScript; and the giving pages checked with axe-core."""

import pytest

from ledger.models import Donation
from prisoners.models import Prisoner
from tests.browser.conftest import CHROMIUM_ARGS, axe_violations  # noqa: F401
from tests.conftest import AXE_JS, skip_or_fail

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PHONE = {"width": 390, "height": 844}
SLUG = "ana-ejemplo"


def _context(browser, **options):
    context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser):
    context = _context(browser)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_js(browser):
    context = _context(browser, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def axe_phone(browser):
    if not AXE_JS.exists():
        skip_or_fail("axe-core is not installed (npm ci)", "REQUIRE_BROWSER")
    context = _context(browser, bypass_csp=True)
    yield context.new_page()
    context.close()


def test_it_takes_a_dutch_phone_donor_to_the_checkout_in_few_steps(phone, demo_site):
    taps, typed = 0, 0
    phone.goto(f"{demo_site.url}/nl/prisoners/{SLUG}/")
    phone.get_by_role("link", name="Steun Ana Ejemplo", exact=True).first.click()
    taps += 1
    assert "prisoner=ana-ejemplo" in phone.url
    button = phone.locator(".donate-form button[type=submit]")
    box = button.bounding_box()
    bottom = box["y"] + box["height"]
    print(f"\ndonate button bottom at y={bottom:.0f} (limit {2 * PHONE['height']})")
    assert bottom <= 2 * PHONE["height"]
    # €25 and the method (the demo checkout here, iDEAL | Wero with Mollie) are preselected.
    assert phone.locator("input[name=preset][value='25']").is_checked()
    assert phone.locator("input[name=method]:checked").count() == 1
    phone.get_by_label("Je naam").fill("Jan")
    typed += 1
    phone.get_by_label("E-mail voor je ontvangstbewijs").fill("jan@example.org")
    typed += 1
    summary = phone.locator("#donate-summary").inner_text()
    assert "25" in summary and "Ana Ejemplo" in summary
    # Explicit consent (GDPR art. 9): one tap, never ticked in advance.
    consent = phone.locator("input[name=consent]")
    assert not consent.is_checked()
    consent.check()
    taps += 1
    button.click()
    taps += 1
    assert "/nl/donate/demo/" in phone.url
    print(f"Dutch phone path to the checkout for €25: {taps} taps, {typed} typed fields")
    donation = Donation.objects.get(donor_email="jan@example.org")
    assert donation.amount == 25 and donation.prisoner.slug == SLUG


def test_it_can_be_done_with_the_keyboard_alone(phone, demo_site):
    phone.goto(f"{demo_site.url}/nl/donate/?prisoner={SLUG}")
    phone.locator("input[name=preset][value='25']").focus()
    phone.keyboard.press("ArrowRight")  # radio group: €50
    assert phone.locator("input[name=preset][value='50']").is_checked()
    for _ in range(20):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.name") == "donor_name":
            break
    phone.keyboard.type("Jan")
    phone.keyboard.press("Tab")  # anonymous
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.name") == "donor_email"
    phone.keyboard.type("jan@example.org")
    for _ in range(20):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.name") == "consent":
            break
    phone.keyboard.press("Space")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/nl/donate/demo/**")
    assert Donation.objects.get(donor_email="jan@example.org").amount == 50


def test_it_works_without_javascript(phone_without_js, demo_site):
    page = phone_without_js
    page.goto(f"{demo_site.url}/nl/donate/?prisoner={SLUG}")
    assert "Ana Ejemplo" in page.locator("#donate-summary").inner_text()
    page.locator(".amounts .once label.tap", has_text="50").click()
    page.get_by_role("button", name="Verder naar betalen").click()
    # Errors, all at once (name, email, consent), and the choice kept.
    assert page.locator(".error-summary li").count() == 3
    assert page.locator("input[name=preset][value='50']").is_checked()
    page.locator(".error-summary a").first.click()
    assert page.url.endswith("#id_donor_name")
    page.get_by_label("Je naam").fill("Jan")
    page.get_by_label("E-mail voor je ontvangstbewijs").fill("jan@example.org")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Verder naar betalen").click()
    assert "/nl/donate/demo/" in page.url
    page.get_by_role("button", name="Laten mislukken").click()
    # The retry link (the header's Give button would open an empty form).
    page.locator("main a[href*='retry=']").first.click()
    assert page.get_by_label("E-mail voor je ontvangstbewijs").input_value() == "jan@example.org"
    assert page.locator("input[name=preset][value='50']").is_checked()


def test_the_waiting_page_reloads_itself_without_javascript(phone_without_js, demo_site):
    gift = Donation.objects.create(amount=25, method="ideal", status=Donation.Status.PENDING)
    page = phone_without_js
    page.goto(f"{demo_site.url}/nl/donate/thanks/{gift.public_id}/")
    page.wait_for_url("**?wait=1", timeout=8_000)
    page.goto(f"{demo_site.url}/nl/donate/thanks/{gift.public_id}/?wait=24")
    assert page.locator("meta[http-equiv=refresh]").count() == 0


def _gift(status: str) -> Donation:
    return Donation.objects.create(
        amount=25, method="ideal", status=status, donor_email="jan@example.org"
    )


@pytest.mark.parametrize(
    "state",
    ["donate-errors", "bank-transfer", "thanks-paid", "thanks-pending", "thanks-failed", "429"],
)
def test_the_donor_pages_have_no_accessibility_violations(axe_phone, demo_site, settings, state):
    page, base = axe_phone, demo_site.url + "/nl"
    if state == "donate-errors":
        page.goto(f"{base}/donate/?prisoner={SLUG}")
        page.get_by_role("button", name="Verder naar betalen").click()
        assert page.locator(".error-summary").is_visible()
    elif state == "bank-transfer":
        page.goto(f"{base}/bank-transfer/?prisoner={SLUG}&amount=25.00")
    elif state.startswith("thanks"):
        page.goto(f"{base}/donate/thanks/{_gift(state.split('-')[1]).public_id}/?wait=24")
    else:
        settings.DONATION_RATE_LIMIT_STARTS_PER_IP = 0
        page.goto(f"{base}/donate/")
        page.get_by_label("Je naam").fill("Jan")
        page.get_by_label("E-mail voor je ontvangstbewijs").fill("jan@example.org")
        page.locator("input[name=consent]").check()
        page.get_by_role("button", name="Verder naar betalen").click()
        assert page.get_by_role("link", name="Geven per overschrijving").count() >= 1
    assert axe_violations(page) == []


def test_it_switches_to_monthly_amounts_and_says_so_on_the_button(phone, demo_site):
    page = phone
    page.goto(f"{demo_site.url}/en/donate/?prisoner={SLUG}")
    assert page.locator(".amounts .monthly").first.is_hidden()
    page.locator("label.tap", has_text="Monthly").click()
    # CSS alone swaps the amounts; donate.js keeps the button's words current.
    assert page.locator(".amounts .once").first.is_hidden()
    page.locator(".amounts .monthly label.tap", has_text="25").click()
    assert page.locator("#donate-submit").inner_text() == "Sponsor Ana Ejemplo with €25 a month"
    assert "€25 a month for Ana Ejemplo" in page.locator("#donate-summary").inner_text()


def test_it_offers_monthly_without_javascript(phone_without_js, demo_site):
    page = phone_without_js
    page.goto(f"{demo_site.url}/en/donate/?prisoner={SLUG}&frequency=monthly&amount=15.00")
    assert page.locator(".amounts .once").first.is_hidden()
    assert page.locator("input[name=monthly_preset][value='15']").is_checked()
    page.get_by_label("Your name").fill("Jan")
    page.get_by_label("Email for your receipt").fill("jan@example.org")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Sponsor Ana Ejemplo with €15 a month").click()
    assert "/en/donate/demo/" in page.url
    assert Donation.objects.get(donor_email="jan@example.org").sponsorship.amount == 15


def test_it_invites_a_one_off_donor_on_a_phone_to_give_monthly(phone_without_js, demo_site):
    gift = Donation.objects.create(
        amount=25,
        method="ideal",
        status=Donation.Status.PAID,
        prisoner=Prisoner.objects.get(slug=SLUG),
        donor_email="jan@example.org",
    )
    page = phone_without_js
    page.goto(f"{demo_site.url}/en/donate/thanks/{gift.public_id}/")
    invitation = page.locator(".monthly-invite")
    box = invitation.bounding_box()
    print(f"\nmonthly invitation: {box['height']:.0f} px high at y={box['y']:.0f}")
    # A short block, on the first two screens, and nothing wider than the phone.
    assert box["height"] <= 220 and box["y"] + box["height"] <= 2 * PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    invitation.get_by_role("link", name="Sponsor Ana Ejemplo with €25 a month").click()
    assert page.locator("input[name=frequency][value=monthly]").is_checked()
    assert page.locator("input[name=monthly_preset][value='25']").is_checked()
    assert page.get_by_role("button", name="Sponsor Ana Ejemplo with €25 a month").is_visible()


def test_it_offers_sepa_direct_debit_only_while_monthly_is_chosen(axe_phone, demo_site, settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    settings.STRIPE_SEPA_DEBIT = True
    page = axe_phone
    page.goto(f"{demo_site.url}/en/donate/?prisoner={SLUG}")
    sepa = page.locator("label.method", has_text="SEPA Direct Debit")
    assert sepa.is_hidden()  # a one-off gift cannot be a mandate without a payment
    page.locator("label.tap", has_text="Monthly").click()
    assert sepa.is_visible()
    sepa.click()
    assert "— SEPA Direct Debit" in page.locator("#donate-summary").inner_text()
    assert axe_violations(page) == []
    page.locator("label.tap", has_text="One-off").click()
    assert sepa.is_hidden()
