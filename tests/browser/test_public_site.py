import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    # The live server needs real commits; restore the migrated roles for the tests after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_lets_a_donor_switch_language_and_open_a_story(page, demo_site):
    page.goto(demo_site.url + "/")
    assert page.url.endswith("/es/")  # the phone's language is Spanish (es-CL)
    page.wait_for_load_state()  # the new page, parsed: the URL changes first
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("progressbar").count() >= 1

    page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
    assert page.url.endswith("/en/")
    page.wait_for_load_state()  # the new page, parsed: the URL changes first
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Solidarity with Chile's political prisoners"
    )

    page.get_by_role("link", name="Diego Demo").click()
    assert page.url.endswith("/en/prisoners/diego-demo/")
    page.wait_for_load_state()  # the new page, parsed: the URL changes first
    assert page.get_by_role("heading", level=1).inner_text() == "Diego Demo"
    assert page.get_by_text("Awaiting trial").first.is_visible()

    page.get_by_role("link", name="give by bank transfer", exact=True).click()
    # expect() waits for the new page to render; is_visible() would read it mid-load.
    expect(page).to_have_url(re.compile(r"/en/bank-transfer/\?prisoner=diego-demo"))
    expect(page.get_by_text("DSD7NR").first).to_be_visible()
    assert page.csp_errors == []


def test_it_works_without_javascript(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_site.url + "/nl/bank-transfer/")
    page.get_by_label("Bedrag voor de QR-code (EUR)").fill("50")
    page.get_by_role("button", name="QR-code bijwerken").click()
    assert "amount=50" in page.url
    assert page.locator("svg.qr").count() == 1
    context.close()


def test_it_is_usable_at_320_pixels(browser, demo_site):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path in ["/es/", "/es/prisoners/ana-ejemplo/", "/es/bank-transfer/"]:
        page.goto(demo_site.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/es/",
        "/nl/prisoners/ana-ejemplo/",
        "/en/bank-transfer/",
        "/en/bank-transfer/?amount=abc",
        "/es/how-we-use-the-money/",
        "/nl/where-the-money-went/",
    ],
)
def test_it_has_no_accessibility_violations(axe_page, demo_site, path):
    axe_page.goto(demo_site.url + path)
    assert axe_violations(axe_page) == []
