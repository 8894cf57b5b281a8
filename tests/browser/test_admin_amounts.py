"""A treasurer types "32,50" into the admin, in a Chromium whose interface is English and in
one whose interface is Dutch: both store € 32,50.

Chromium drops the comma from a `type=number` field and sends 3250 (Django's widget for a
decimal; with it, this test stored € 3.250,00 under both languages). How a browser reads a
decimal separator depends on its language, so each test starts Chromium with `--lang`.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from ledger.models import Category, Expense
from tests.browser.conftest import chromium_launch
from tests.conftest import confirmed_totp, totp_code

pytestmark = [
    pytest.mark.browser,
    # The live server needs real commits; restore the migrated roles for the tests after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
# The amount as the admin shows it back, in the language the browser asks for.
SHOWN = {"en-US": "32.50", "nl-NL": "32,50"}


@pytest.fixture(params=["en-US", "nl-NL"])
def treasurer_page(request, playwright, live_server):
    language = request.param
    browser = chromium_launch(playwright, f"--lang={language}")
    context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    # A superuser sees the money like a treasurer and needs no migrated group, which the
    # restore between live-server tests does not always bring back.
    device = confirmed_totp(User.objects.create_superuser("tesorera", password="pw-for-tests"))
    page.goto(live_server.url + "/admin/")
    page.locator("input[name=username]").fill("tesorera")
    page.locator("input[name=password]").fill("pw-for-tests")
    page.locator("input[type=submit]").click()
    page.locator("input[name=token]").fill(totp_code(device))
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    yield page, language, live_server.url
    context.close()
    browser.close()


def test_it_stores_an_amount_typed_with_a_comma_as_typed(treasurer_page):
    page, language, url = treasurer_page
    lawyers = Category.objects.create(code="lawyers", purpose="legal_defense", name_en="Lawyers")
    page.goto(f"{url}/admin/ledger/expense/add/")
    amount = page.locator("#id_amount")
    assert amount.get_attribute("type") == "text"
    assert amount.get_attribute("inputmode") == "decimal"
    # Typed key by key, as a person does: a number field would drop the comma here.
    amount.press_sequentially("32,50")
    page.locator("#id_category").select_option(str(lawyers.pk))
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{url}/admin/ledger/expense/")

    expense = Expense.objects.get()
    assert expense.amount == Decimal("32.50")
    page.goto(f"{url}/admin/ledger/expense/{expense.pk}/change/")
    assert page.locator("#id_amount").input_value() == SHOWN[language]


def test_it_refuses_an_amount_it_cannot_read_one_way_and_says_why(treasurer_page):
    page, language, url = treasurer_page
    lawyers = Category.objects.create(code="lawyers", purpose="legal_defense", name_en="Lawyers")
    page.goto(f"{url}/admin/ledger/expense/add/")
    # 32,500 in Dutch (a decimal comma) and 32.500 in English (a decimal point).
    typed = "32.500" if language == "en-US" else "32,500"
    page.locator("#id_amount").press_sequentially(typed)
    page.locator("#id_category").select_option(str(lawyers.pk))
    page.locator("input[name=_save]").click()

    error = page.locator(".errorlist").first
    error.wait_for()
    expected = {
        "en-US": "can be read in more than one way",
        "nl-NL": "kun je op meer dan één manier lezen",
    }
    assert expected[language] in error.inner_text()
    assert page.locator("#id_amount").input_value() == typed
    assert not Expense.objects.exists()
