import pytest

from tests.browser.conftest import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("path", ["/nl/anbi/", "/es/anbi/"])
def test_it_has_no_accessibility_violations_on_the_anbi_page(axe_page, demo_site, path):
    axe_page.goto(demo_site.url + path)
    assert axe_violations(axe_page) == []


def test_it_reaches_the_anbi_page_and_a_years_statements_from_the_footer_on_a_phone(
    page, demo_site
):
    page.goto(demo_site.url + "/nl/")
    page.locator('footer a[href="/nl/anbi/"]').click()
    assert page.url.endswith("/nl/anbi/")
    page.wait_for_load_state()  # the new page, parsed: the URL changes first
    assert page.get_by_role("heading", level=1).count() == 1
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    link = page.locator(".statement-years a").first
    href = link.get_attribute("href")
    assert href.startswith("/nl/anbi/financial-statements/") and href.endswith(".pdf")
    response = page.request.get(demo_site.url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert page.csp_errors == []
