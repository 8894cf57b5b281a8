"""The page cache under attack: what could go stale, and what a browser or proxy is told."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from donations.models import Category, Expense


@pytest.fixture
def ana(campaign, make_prisoner):
    return make_prisoner(name="Ana Ejemplo", slug="ana", story_en="<p>First story</p>")


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def _categories(page) -> dict[str, str]:
    rows = re.findall(
        r'<th scope="row">([^<]+) <span class="hint">[^<]*</span></th><td>([^<]+)</td>',
        page.content.decode(),
    )
    return {name.strip(): spent for name, spent in rows}


def test_an_expense_moved_to_another_category_shows_at_once(ana):
    """An expense's category and date are on "where the money went", though its amount and
    fund (all the running totals follow) stay the same."""
    lawyers = Category.objects.create(code="lawyers", purpose="legal_defense", name_en="Lawyers")
    hygiene = Category.objects.create(code="hygiene", purpose="basic_needs", name_en="Hygiene")
    expense = Expense.objects.create(
        amount=Decimal("80.00"), prisoner=ana, category=lawyers, date=date(2026, 2, 1)
    )
    url = "/en/where-the-money-went/"
    before = _categories(_get(Client(), url))
    assert _get(Client(), url)["X-Page-Cache"] == "hit"
    expense.category = hygiene
    expense.save()
    after = _categories(_get(Client(), url))
    assert (before["Lawyers"], before["Hygiene"]) == (after["Hygiene"], after["Lawyers"])
    assert after["Lawyers"] != after["Hygiene"]
