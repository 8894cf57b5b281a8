"""A donor on a 390×844 phone: giving starts above the fold, nothing scrolls sideways,
and the error pages are accessible too."""

from datetime import date
from itertools import pairwise

import pytest

from prisoners.models import Prisoner
from tests.browser.conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _above_the_fold(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def test_it_shows_the_give_button_above_the_fold_on_home_and_prisoner_pages(phone, demo_site):
    phone.goto(demo_site.url + "/nl/")
    assert _above_the_fold(phone.locator("a.give-button"))
    assert _above_the_fold(phone.locator(".hero a.button"))

    phone.goto(demo_site.url + "/nl/prisoners/diego-demo/")
    give = phone.locator("a.give-button")
    assert _above_the_fold(give)
    assert give.get_attribute("href") == "/nl/donate/?prisoner=diego-demo"
    assert _above_the_fold(phone.locator(".support a.button"))


def test_it_gives_every_prisoner_card_its_own_give_button(phone, demo_site):
    phone.goto(demo_site.url + "/nl/")
    cards = phone.locator(".card")
    published = list(Prisoner.objects.published().values_list("slug", flat=True))
    assert cards.count() == len(published) == 7
    hrefs = [cards.nth(i).locator("a.button").get_attribute("href") for i in range(cards.count())]
    assert sorted(hrefs) == sorted(f"/nl/donate/?prisoner={slug}" for slug in published)


def test_it_preselects_the_prisoner_from_a_card_without_javascript(browser, demo_site):
    context = browser.new_context(viewport=PHONE, locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_site.url + "/nl/")
    card = page.locator(".card").filter(has_text="Diego Demo")
    card.locator("a.button").click()
    assert page.url.endswith("/nl/donate/?prisoner=diego-demo")
    page.wait_for_load_state()  # the new page, parsed: the URL changes first
    # A select today; radio buttons would do as well.
    chosen = page.locator("input[name=prisoner]:checked, select[name=prisoner] option:checked")
    assert chosen.first.get_attribute("value") == "diego-demo"
    context.close()


@pytest.mark.parametrize("lang", ["nl", "es", "en"])
def test_it_fits_where_the_money_went_on_a_390px_screen(phone, demo_site, lang):
    phone.goto(f"{demo_site.url}/{lang}/where-the-money-went/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("path", ["/nl/", "/nl/prisoners/diego-demo/", "/nl/donate/"])
def test_it_fits_the_public_pages_on_a_390px_screen(phone, demo_site, path):
    phone.goto(demo_site.url + path)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_it_reaches_the_give_button_early_with_the_keyboard(phone, demo_site):
    phone.goto(demo_site.url + "/nl/prisoners/diego-demo/")
    for _ in range(12):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.classList.contains('give-button')"):
            break
    else:
        pytest.fail("the Give button is not among the first 12 tab stops")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/nl/donate/?prisoner=diego-demo")


@pytest.mark.parametrize("path", ["/nl/prisoners/nobody/", "/es/no-such-page/"])
def test_it_renders_accessible_error_pages(axe_page, demo_site, path):
    response = axe_page.goto(demo_site.url + path)
    assert response.status == 404
    assert axe_page.locator("a.give-button").count() == 1
    assert axe_violations(axe_page) == []


def test_it_keeps_home_prisoner_and_transparency_accessible_at_390px(axe_page, demo_site):
    axe_page.set_viewport_size(PHONE)
    for path in ["/nl/", "/nl/prisoners/diego-demo/", "/nl/where-the-money-went/"]:
        axe_page.goto(demo_site.url + path)
        assert axe_violations(axe_page) == [], path


# Each visible method's radio button, mark and name, as the browser lays them out.
METHOD_BOXES = """() => [...document.querySelectorAll("label.method")]
  .filter(label => label.getBoundingClientRect().height > 0)
  .map(label => {
    const [radio, mark, name] = ["input", "img", "span"].map(
      tag => label.querySelector(tag).getBoundingClientRect());
    return {name: label.textContent.trim(), radio: [radio.width, radio.height],
            left: [radio.left, mark.left, name.left]};
  })"""


def test_it_lines_up_the_payment_methods_however_long_their_names(browser, demo_site, settings):
    # Every provider on, so that the long names ("Bancontact y otros métodos (Mollie)") show.
    settings.MOLLIE_API_KEY = "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM"
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    problems = []
    for width in (320, 390):
        context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=True)
        page = context.new_page()
        for lang in ("nl", "es", "en"):
            page.goto(f"{demo_site.url}/{lang}/donate/")
            methods = page.evaluate(METHOD_BOXES)
            assert len(methods) >= 4
            sizes = {tuple(m["radio"]) for m in methods}
            lefts = {tuple(m["left"]) for m in methods}
            # One size, as the stylesheet asks (1.25rem), and one column each for the
            # buttons, the marks and the names.
            if len(sizes) != 1 or min(min(s) for s in sizes) < 20 or len(lefts) != 1:
                problems.append(f"/{lang}/donate/ at {width}px: {methods}")
        context.close()
    assert not problems, "\n".join(problems)


# The chart's labels as the browser draws them: the font size times the SVG's scale.
CHART_LABELS = """() => [...document.querySelectorAll("svg.chart text")]
  .filter(text => text.getBoundingClientRect().width > 0)
  .map(text => {
    const box = text.getBoundingClientRect();
    const px = parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a;
    return {text: text.textContent.trim(), px: px, left: box.left, right: box.right};
  })"""
# How far the quarters' table starts under its heading.
TABLE_GAP = """() => {
  const heading = document.getElementById("quarters-title").getBoundingClientRect();
  const table = document.querySelector("#quarters-title ~ table").getBoundingClientRect();
  return table.height > 0 ? table.top - heading.bottom : null;
}"""


def test_it_draws_readable_chart_labels_or_shows_the_table_in_their_place(
    browser, demo_site, make_donation
):
    # A lone gift before the first quarter: its quarter is shown together with the next, under
    # the longest label there is.
    make_donation("12.00", received_on=date(2024, 12, 1))
    problems = []
    for width in (320, 390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 844})
        page = context.new_page()
        for lang in ("nl", "es", "en"):
            where = f"/{lang}/where-the-money-went/ at {width}px"
            page.goto(f"{demo_site.url}/{lang}/where-the-money-went/")
            labels = page.evaluate(CHART_LABELS)
            if width == 1280 and not labels:
                problems.append(f"{where}: no chart")
            gap = page.evaluate(TABLE_GAP)
            if not labels and (gap is None or gap > 30):
                problems.append(f"{where}: neither the chart nor the table, but {gap}px")
            if any(label["px"] < 12 for label in labels):
                problems.append(f"{where}: labels too small: {labels}")
            ends = sorted((label["left"], label["right"]) for label in labels)
            if any(right > next_left for (_, right), (next_left, _) in pairwise(ends)):
                problems.append(f"{where}: labels overlap: {labels}")
        context.close()
    assert not problems, "\n".join(problems)
