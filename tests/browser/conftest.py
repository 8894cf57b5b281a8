import os

import pytest
from django.core.management import call_command

from tests.conftest import AXE_JS, CHROMIUM, skip_or_fail

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Without these, Chromium keeps trying to reach Google, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def playwright():
    if not CHROMIUM:
        skip_or_fail("Chromium is not installed (apt-get install chromium)", "REQUIRE_BROWSER")
    # Playwright's sync API runs an event loop in this thread; the ORM calls that the tests
    # make next to it are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    # One per session: the sync API cannot start a second one in the same thread.
    with sync_playwright() as playwright:
        yield playwright


def chromium_launch(playwright, *args: str):
    """Debian's Chromium, with extra command-line switches (`--lang=nl-NL`, say)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *args])


@pytest.fixture(scope="session")
def browser(playwright):
    browser = chromium_launch(playwright)
    yield browser
    browser.close()


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", verbosity=0)
    return live_server


def _phone_context(browser, **options):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="es-CL", is_mobile=True, **options
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser):
    context = _phone_context(browser)
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text and page.csp_errors.append(msg.text),
    )
    yield page
    context.close()


@pytest.fixture
def axe_page(browser):
    """A page that can run axe-core. axe is injected as a script, so CSP is bypassed here
    only; the `page` fixture keeps the real policy."""
    if not AXE_JS.exists():
        skip_or_fail("axe-core is not installed (npm ci)", "REQUIRE_BROWSER")
    context = _phone_context(browser, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]
