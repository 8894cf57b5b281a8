"""Error pages: the site's layout, the visitor's language, and a way back."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from public import errors

LAYOUT = ['class="skip-link"', 'class="site-header"', 'class="site-footer"']


@pytest.fixture
def client(settings):
    settings.ROOT_URLCONF = "tests.crowdfund.error_urls"
    return Client(raise_request_exception=False)


def _assert_layout_and_way_back(html: str, lang: str) -> None:
    assert f'<html lang="{lang}">' in html
    for part in LAYOUT:
        assert part in html
    assert f'<a href="/{lang}/">' in html  # back to the campaign
    assert '<meta name="robots" content="noindex">' in html
    assert 'rel="canonical"' not in html


@pytest.mark.parametrize(
    ("path", "status", "lang", "title"),
    [
        ("/nl/prisoners/nobody/", 404, "nl", "Pagina niet gevonden"),
        ("/es/fail/403/", 403, "es", None),
        ("/en/fail/400/", 400, "en", "Something in the request was wrong"),
        ("/en/fail/500/", 500, "en", "Something went wrong on our side"),
        ("/es/fail/429/", 429, "es", None),
    ],
)
def test_it_renders_each_error_in_the_layout_and_the_visitors_language(
    client, campaign, path, status, lang, title
):
    response = client.get(path)
    assert response.status_code == status
    html = response.content.decode()
    _assert_layout_and_way_back(html, lang)
    if title:
        assert title in html


def test_it_uses_the_browsers_language_where_the_address_has_none(client, campaign):
    response = client.get("/no-such-page", HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9")
    assert response.status_code == 404
    _assert_layout_and_way_back(response.content.decode(), "nl")


def test_it_offers_the_bank_transfer_when_online_giving_is_paused(client, campaign):
    html = client.get("/en/fail/429/").content.decode()
    assert 'href="/en/bank-transfer/"' in html
    assert "NL91 ABNA 0417 1643 00" in html


def test_it_shows_the_foundation_in_the_404_footer_with_its_registration(client, campaign):
    campaign.rsin = "000000000"
    campaign.save()
    html = client.get("/en/prisoners/nobody/").content.decode()
    assert "000000000" in html and "NL91 ABNA 0417 1643 00" in html


def test_it_renders_the_404_page_before_any_campaign_exists(client, db):
    response = client.get("/en/")
    assert response.status_code == 404
    assert "De Solidaire Diaspora Stg" in response.content.decode()


def test_it_renders_the_500_page_without_a_database_or_request_context():
    # No db fixture: pytest-django refuses any query, so one would fail this test.
    request = RequestFactory().get("/nl/")
    with translation.override("nl"):
        response = errors.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="nl">' in html and "De Solidaire Diaspora Stg" in html
    assert '<a href="/nl/">' in html


def test_it_still_answers_a_500_when_the_layout_itself_cannot_render(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False}  # no 500.html anywhere
    ]
    response = errors.server_error(RequestFactory().get("/nl/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
