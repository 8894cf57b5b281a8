"""The page cache under attack: what could go stale, and what a browser or proxy is told."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache, caches
from django.test import Client

from crowdfund.content import content_changed
from ledger.models import Category, Expense
from tests.crowdfund.conftest import ok_get


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
    before = _categories(ok_get(Client(), url))
    assert ok_get(Client(), url)["X-Page-Cache"] == "hit"
    expense.category = hygiene
    expense.save()
    after = _categories(ok_get(Client(), url))
    assert (before["Lawyers"], before["Hygiene"]) == (after["Hygiene"], after["Lawyers"])
    assert after["Lawyers"] != after["Hygiene"]


def _control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("url", ["/en/bank-transfer/", "/en/bank-transfer/?prisoner=ana"])
def test_a_form_page_tells_browsers_and_proxies_it_is_one_visitors(ana, url):
    """Its CSRF token and cookie are this visitor's, whether the markup was kept or not."""
    for _ in range(2):
        response = ok_get(Client(), url)
        assert {"private", "no-store"} <= _control(response)
    visitor = Client()
    visitor.cookies["sessionid"] = "something"
    assert {"private", "no-store"} <= _control(ok_get(visitor, url))


@pytest.mark.parametrize("url", ["/en/", "/en/prisoners/ana/", "/en/anbi/"])
def test_a_public_page_made_for_one_visitor_is_kept_by_no_shared_cache(client, editor, ana, url):
    """A staff member's or a donor's own copy of a cached address may differ from everyone
    else's (their session, a message waiting): no proxy may keep it for the next visitor."""
    for _ in range(2):
        shared = ok_get(Client(), url)
        assert not {"private", "no-store"} & _control(shared)
    client.force_login(editor)
    assert {"private", "no-store"} <= _control(ok_get(client, url))
    for cookie in ("sessionid", "messages"):
        visitor = Client()
        visitor.cookies[cookie] = "something"
        assert {"private", "no-store"} <= _control(ok_get(visitor, url))


def test_a_form_page_whose_markup_used_a_csp_nonce_is_not_kept(settings, campaign):
    """A nonce is one response's own, as a CSRF token is; a kept copy would hand the first
    visitor's nonce to everyone after them."""
    settings.ROOT_URLCONF = "tests.crowdfund.page_cache_urls"
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "nonce_form.html": '<script nonce="{{ request.csp_nonce }}"></script>'
                            '<form method="post">{% csrf_token %}</form>'
                        },
                    )
                ],
                "context_processors": ["django.template.context_processors.request"],
            },
        }
    ]
    nonce = re.compile(r'nonce="([^"]+)"')
    first, second = ok_get(Client(), "/en/nonce-form/"), ok_get(Client(), "/en/nonce-form/")
    assert second["X-Form-Cache"] == "miss"
    ours, theirs = (nonce.search(page.content.decode()).group(1) for page in (first, second))
    assert ours and theirs and ours != theirs


def test_copies_at_many_addresses_never_push_out_a_rate_limit(settings, ana):
    """Each content version makes new copies (each gift makes one): a full cache drops
    entries, and it must never be a rate limit's counter that goes."""
    locmem = "django.core.cache.backends.locmem.LocMemCache"
    settings.CACHES = {
        "default": {"BACKEND": locmem, "LOCATION": "limits", "OPTIONS": {"MAX_ENTRIES": 20}},
        "pages": {"BACKEND": locmem, "LOCATION": "copies", "OPTIONS": {"MAX_ENTRIES": 20}},
    }
    cache.set("ratelimit:checkout:203.0.113.7", 5)
    for _ in range(30):
        content_changed()
        assert ok_get(Client(), "/en/")["X-Page-Cache"] == "miss"
    assert cache.get("ratelimit:checkout:203.0.113.7") == 5


@pytest.mark.parametrize("url", ["/en/", "/en/prisoners/ana/", "/en/donate/"])
def test_a_port_in_the_host_header_makes_no_copy_of_its_own(settings, ana, url):
    """Without a proxy in front, the Host header is the client's to write: one copy per port
    it names would let anyone fill the cache. The copy is the configured site's."""
    settings.SITE_URL = "https://donar.example.org"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "donar.example.org"]
    header = "X-Form-Cache" if "donate" in url else "X-Page-Cache"
    first = ok_get(Client(HTTP_HOST="127.0.0.1:1234"), url)
    second = ok_get(Client(HTTP_HOST="127.0.0.1:5678"), url)
    assert (first[header], second[header]) == ("miss", "hit")
    third = ok_get(Client(HTTP_HOST="donar.example.org"), url)
    assert third[header] == "hit"
    # The page's copies (the home page's prisoner cards are kept beside them).
    copies = [key for key in caches["pages"]._cache if ":page:" in key or ":form:" in key]
    assert len(copies) == 1
    page = second.content.decode()
    assert f'<link rel="canonical" href="https://donar.example.org{url}">' in page
    # As a port: the donate form's random attempt id may hold these digits by chance.
    assert ":1234" not in page and ":5678" not in page


def test_a_host_the_site_does_not_serve_gets_no_copy(settings, ana):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    ok_get(Client(HTTP_HOST="127.0.0.1:1234"), "/en/")
    assert Client(HTTP_HOST="evil.example").get("/en/").status_code == 400
