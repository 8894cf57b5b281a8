"""Query strings on kept pages: only the parameters a page reads make a copy of their own
(crowdfund/page_cache.py FORM_PARAMETERS, giving/form_links.py)."""

import pytest
from django.core.cache import caches
from django.test import Client

from tests.crowdfund.conftest import ok_get


def copies() -> int:
    """How many pages and forms the shared cache holds (tests use local memory)."""
    return sum(1 for key in caches["pages"]._cache if ":page:" in key or ":form:" in key)


@pytest.mark.parametrize("url", ["/en/", "/es/prisoners/ana/", "/en/where-the-money-went/"])
def test_a_page_that_reads_no_query_keeps_one_copy_whatever_the_query(ana, url):
    first = ok_get(Client(), url)
    assert first["X-Page-Cache"] == "miss"
    held = copies()
    for query in ("?utm_source=newsletter", "?x=1", "?x=2&x=3", "?fbclid=abc"):
        response = ok_get(Client(), url + query)
        assert response["X-Page-Cache"] == "hit"
    assert copies() == held
    # No link on the page repeats a visitor's query, so no copy carries one.
    page = ok_get(Client(), url + "?utm_source=newsletter").content.decode()
    assert "utm_source" not in page and "x=1" not in page


def test_a_form_keeps_the_parameters_it_reads_and_drops_the_rest(ana):
    first = ok_get(Client(), "/en/donate/?prisoner=ana&utm_source=a")
    second = ok_get(Client(), "/en/donate/?utm_source=b&prisoner=ana")
    assert (first["X-Form-Cache"], second["X-Form-Cache"]) == ("miss", "hit")
    page = second.content.decode()
    assert '<option value="ana" selected>' in page
    # The language switcher keeps the chosen prisoner, and nothing else.
    assert 'href="/nl/donate/?prisoner=ana"' in page
    assert "utm_source" not in page


def test_a_repeated_parameter_means_what_the_view_reads_its_last_value(ana):
    page = ok_get(Client(), "/en/bank-transfer/?prisoner=nobody&prisoner=ana").content.decode()
    assert ana.payment_reference in page


@pytest.mark.parametrize(
    "url",
    [
        "/en/donate/?amount=37.50",
        "/en/donate/?amount=025.00",
        "/en/donate/?prisoner=never-published",
        "/en/donate/?frequency=yearly",
        "/en/bank-transfer/?amount=12.34",
        "/en/bank-transfer/?prisoner=never-published",
    ],
)
def test_a_made_up_address_gets_its_page_but_leaves_no_copy(ana, url):
    held = copies()
    for _ in range(2):
        assert ok_get(Client(), url)["X-Form-Cache"] == "miss"
    assert copies() == held


@pytest.mark.parametrize(
    "url",
    [
        "/en/donate/?amount=25.00",
        "/en/donate/?frequency=monthly&amount=15.00&prisoner=ana",
        "/en/bank-transfer/?prisoner=ana&amount=25.00",
        "/en/bank-transfer/?amount=100.00",
    ],
)
def test_the_sites_own_links_are_kept(ana, url):
    responses = [ok_get(Client(), url) for _ in range(2)]
    assert [r["X-Form-Cache"] for r in responses] == ["miss", "hit"]


def test_a_typed_amount_still_reaches_the_form(ana):
    page = ok_get(Client(), "/en/donate/?amount=37.50").content.decode()
    assert 'value="37.50"' in page
