"""The header on every public page, from a 320 px phone to a 1280 px desktop, in each
language, without JavaScript: the page title keeps its distance from the header."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LANGUAGES = ["nl", "es", "en"]
WIDTHS = [320, 390, 1280]
PAGES = [
    ("prisoners:home", {}),
    ("prisoners:detail", {"slug": "diego-demo"}),
    ("donations:donate", {}),
    ("donations:bank_transfer", {}),
    ("donations:money_use", {}),
    ("donations:transparency", {}),
    ("prisoners:anbi", {}),
    ("donations:privacy", {}),
    ("agreements:start", {}),
    ("donors:request", {}),
]


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


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_keeps_the_page_title_clear_of_the_header(browser, demo_site, lang):
    problems = []
    for width in WIDTHS:
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
