import pytest

from tests.browser.conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("path", ["/nl/privacy/", "/es/privacy/"])
def test_it_has_no_accessibility_violations_on_the_privacy_statement(axe_page, demo_site, path):
    axe_page.goto(demo_site.url + path)
    assert axe_violations(axe_page) == []


def test_it_reaches_the_privacy_statement_from_the_footer_on_a_phone(page, demo_site):
    page.goto(demo_site.url + "/nl/")
    page.locator('footer a[href="/nl/privacy/"]').click()
    assert page.url.endswith("/nl/privacy/")
    page.wait_for_load_state()  # the new page, parsed: the URL changes first
    assert page.get_by_role("heading", level=1).count() == 1
