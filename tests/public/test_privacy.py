"""The privacy statement: open in every language, with the periods apply_retention uses."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize("lang", ["es", "nl", "en"])
def test_it_opens_the_privacy_statement_in_every_language(client, campaign, lang):
    campaign.contact_email = "privacidad@example.org"
    campaign.save()
    response = client.get(f"/{lang}/privacy/")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.content.decode()
    assert 'href="mailto:privacidad@example.org"' in response.content.decode()
    with translation.override(lang):
        assert reverse("public:privacy") == f"/{lang}/privacy/"


def test_it_shows_the_periods_from_the_settings(client, campaign, settings):
    settings.RETENTION_DONOR_YEARS = 9
    settings.RETENTION_UNFINISHED_GIFT_DAYS = 45
    settings.RETENTION_WEBHOOK_BODY_DAYS = 120
    text = _text(client.get("/en/privacy/"))
    assert "We remove them 9 years after your last gift." in text
    assert "message after 45 days." in text
    assert "We keep them for 120 days," in text
    # The periodic-gift agreement: kept for the books after it ends; a draft as an attempt.
    assert "for 9 years after the year it ends" in text
    assert "deleted after 45 days." in text
    assert "Gift De Solidaire Diaspora Stg" in text


def test_it_names_the_processors_and_the_donors_rights(client, campaign):
    text = _text(client.get("/en/privacy/"))
    for name in ("Mollie", "Stripe", "mail server", "hosts this website", "political views"):
        assert name in text
    assert "Autoriteit Persoonsgegevens" in text
    assert "write to the foundation's board" in text  # no contact address set yet


def test_it_points_donors_to_their_own_page_for_a_copy_and_erasure(client, campaign):
    page = client.get("/nl/privacy/").content.decode()
    assert 'href="/nl/my-gifts/"' in page.split('class="privacy"')[1].split("</article>")[0]
    assert "kopie downloaden" in page


def test_it_links_the_privacy_statement_from_every_pages_footer(client, campaign):
    footer = client.get("/nl/").content.decode().split('class="site-footer"')[1]
    assert 'href="/nl/privacy/"' in footer


def test_it_refuses_to_change_anything_through_the_privacy_page(client, campaign):
    assert client.post("/en/privacy/").status_code == 405


def test_it_is_kept_for_the_next_visitor_in_each_language(campaign):
    for lang, heading in (
        ("es", "Declaración de privacidad"),
        ("nl", "Privacyverklaring"),
        ("en", "Privacy statement"),
    ):
        first = Client().get(f"/{lang}/privacy/")
        with CaptureQueriesContext(connection) as queries:
            second = Client().get(f"/{lang}/privacy/")
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
        assert second.content == first.content
        assert f'<html lang="{lang}">' in second.content.decode() and heading in _text(second)
        # At most the content version: neither the campaign nor a session is read.
        assert len(queries.captured_queries) <= 1


def test_a_new_contact_address_shows_at_once(client, campaign):
    Client().get("/en/privacy/")
    campaign.contact_email = "privacy@example.org"
    campaign.save()
    page = Client().get("/en/privacy/")
    assert page["X-Page-Cache"] == "miss"
    assert 'href="mailto:privacy@example.org"' in page.content.decode()
