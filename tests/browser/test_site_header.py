"""The header on every public page, from a 320 px phone to a 1280 px desktop, in each
language, without JavaScript: the page title keeps its distance from the header, and every
link of the main menu can be seen, or opened with a visible Menu button."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.browser.conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LANGUAGES = ["nl", "es", "en"]
WIDTHS = [320, 390, 1280]
PAGES = [
    ("public:home", {}),
    ("public:detail", {"slug": "diego-demo"}),
    ("giving:donate", {}),
    ("giving:bank_transfer", {}),
    ("public:money_use", {}),
    ("public:transparency", {}),
    ("public:anbi", {}),
    ("public:privacy", {}),
    ("agreements:start", {}),
    ("mygifts:request", {}),
]
MENU = [
    "public:home",
    "public:money_use",
    "public:transparency",
    "giving:bank_transfer",
]
# What the navigation and its button are called, as a screen reader says it.
NAMES = {"nl": ("Hoofdmenu", "Menu"), "es": ("Principal", "Menú"), "en": ("Main", "Menu")}


def _urls(lang: str, names) -> list[str]:
    with translation.override(lang):
        return [reverse(name, kwargs=kwargs) for name, kwargs in names]


def _context(browser, width: int):
    context = browser.new_context(
        viewport={"width": width, "height": 844},
        is_mobile=width < 800,
        has_touch=width < 800,
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    return context


# Playwright evaluates these itself; the page's own scripts are off.
GAPS = """() => {
  const header = document.querySelector("header").getBoundingClientRect();
  const title = document.querySelector("main h1").getBoundingClientRect();
  const main = document.querySelector("main");
  const shown = [...main.children].filter(e => e.getBoundingClientRect().height > 0);
  const last = shown[shown.length - 1].getBoundingClientRect();
  const footer = document.querySelector("footer").getBoundingClientRect();
  return {above: title.top - header.bottom, below: footer.top - last.bottom};
}"""


# Each test walks every language itself: the demo site is loaded once per test, not per
# language (load_demo and the flush after a live-server test are most of its time).
def test_it_keeps_the_page_title_clear_of_the_header(browser, demo_site):
    problems = []
    for lang, width in [(lang, width) for lang in LANGUAGES for width in WIDTHS]:
        context = _context(browser, width)
        page = context.new_page()
        for url in _urls(lang, PAGES):
            page.goto(demo_site.url + url)
            gaps = page.evaluate(GAPS)
            # main's own padding: 1rem above the title, 3rem under the last block.
            if gaps["above"] < 12 or gaps["below"] < 40:
                problems.append(f"{url} at {width}px: {gaps}")
        context.close()
    assert not problems, "\n".join(problems)


# A link counts as shown when it lies inside the window and both its ends are what the
# browser finds at those points: a link cut off by a scrolling strip fails on its right end.
SHOWN = """link => {
  const box = link.getBoundingClientRect();
  if (box.width === 0 || box.left < 0 || box.right > innerWidth || box.top < 0) return false;
  const y = box.top + box.height / 2;
  return [box.left + 2, box.right - 2].every(x => link.contains(document.elementFromPoint(x, y)));
}"""
# How Chromium hands a disclosure button to a screen reader: a <summary> is a
# "DisclosureTriangle", a <button aria-expanded> a "button"; both are read as buttons.
BUTTON_ROLES = {"DisclosureTriangle", "button"}


def _shown(link) -> bool:
    return link.count() == 1 and link.evaluate(SHOWN)


def _focused(page) -> dict:
    """The focused control as Chromium's accessibility tree describes it."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    cdp.detach()
    for node in nodes:
        state = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
        if state.get("focused") and node["role"]["value"] != "RootWebArea":
            name = node.get("name", {}).get("value")
            return {"role": node["role"]["value"], "name": name, "expanded": state.get("expanded")}
    return {}


def test_it_shows_every_menu_link_or_a_menu_button_that_opens_them(browser, demo_site):
    problems = []
    for lang, width in [(lang, width) for lang in LANGUAGES for width in WIDTHS]:
        nav_name, button_name = NAMES[lang]
        hrefs = _urls(lang, [(name, {}) for name in MENU])
        context = _context(browser, width)
        page = context.new_page()
        for url in _urls(lang, PAGES):
            where = f"{url} at {width}px"
            page.goto(demo_site.url + url)
            nav = page.get_by_role("navigation", name=nav_name, exact=True)
            links = [nav.locator(f'a[href="{href}"]') for href in hrefs]
            if all(_shown(link) for link in links):
                continue
            button = nav.get_by_text(button_name, exact=True)
            if button.count() != 1 or not button.is_visible():
                problems.append(f"{where}: links hidden and no visible {button_name} button")
                continue
            box = button.bounding_box()
            if box["width"] < 24 or box["height"] < 24 or box["x"] + box["width"] > width:
                problems.append(f"{where}: the button is {box}")
            button.focus()
            closed = _focused(page)
            page.keyboard.press("Enter")
            opened = _focused(page)
            if closed != {"role": closed.get("role"), "name": button_name, "expanded": False} or (
                closed["role"] not in BUTTON_ROLES
            ):
                problems.append(f"{where}: the closed button is {closed}")
            if opened != {**closed, "expanded": True}:
                problems.append(f"{where}: the open button is {opened}")
            hidden = [h for h, link in zip(hrefs, links, strict=True) if not _shown(link)]
            if hidden:
                problems.append(f"{where}: {hidden} hidden with the menu open")
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_makes_the_menu_button_keyboard_operable_and_accessible(axe_page, demo_site, lang):
    nav_name, button_name = NAMES[lang]
    page = axe_page
    page.set_viewport_size({"width": 320, "height": 740})
    page.goto(f"{demo_site.url}/{lang}/")
    # The skip link, the site's name and the three languages come first.
    for _ in range(6):
        page.keyboard.press("Tab")
    closed = _focused(page)
    assert closed["role"] in BUTTON_ROLES
    assert (closed["name"], closed["expanded"]) == (button_name, False)
    button = page.locator(":focus")
    style = button.evaluate(
        "b => [getComputedStyle(b).outlineStyle, getComputedStyle(b).outlineWidth]"
    )
    assert style[0] != "none" and float(style[1].removesuffix("px")) >= 2
    assert axe_violations(page) == []

    nav = page.get_by_role("navigation", name=nav_name, exact=True)
    first_link = nav.locator("a").first
    assert not first_link.is_visible()
    page.keyboard.press("Enter")
    assert first_link.is_visible()
    assert _focused(page) == {**closed, "expanded": True}
    page.keyboard.press("Tab")
    assert first_link.evaluate("a => a === document.activeElement")
    assert axe_violations(page) == []

    page.keyboard.press("Shift+Tab")
    page.keyboard.press(" ")
    assert not first_link.is_visible()
    assert _focused(page) == closed
