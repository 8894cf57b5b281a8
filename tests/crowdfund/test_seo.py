"""Link previews, canonical URLs, hreflang, sitemap.xml, robots.txt and security.txt."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from defusedxml import ElementTree
from django.core.files.base import ContentFile
from django.test import Client

SITE = "https://giving.example.org"
SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def client():
    # SITE_URL is https; the test client must then speak https too.
    return Client(secure=True)


@pytest.fixture
def ana(campaign, make_prisoner, db):
    prisoner = make_prisoner(name="Ana Ejemplo", slug="ana", photo_alt_nl="Ana's foto")
    prisoner.photo.save("ana.jpg", ContentFile(_jpeg()), save=True)
    return prisoner


def _jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 30), "#7a0e1f").save(buffer, format="JPEG")
    return buffer.getvalue()


def _meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    assert match, f"no {key}"
    return match.group(1)


def test_it_previews_a_prisoner_with_photo_and_summary_in_the_page_language(client, ana):
    html = client.get("/nl/prisoners/ana/").content.decode()
    assert _meta(html, "og:title") == "Ana Ejemplo"
    assert _meta(html, "og:description") == ana.summary_nl
    assert _meta(html, "og:url") == f"{SITE}/nl/prisoners/ana/"
    assert _meta(html, "og:locale") == "nl_NL"
    assert _meta(html, "og:image") == f"{SITE}{ana.photo.url}"
    assert _meta(html, "og:image:alt") == "Ana&#x27;s foto"
    assert _meta(html, "twitter:card") == "summary_large_image"
    assert _meta(html, "twitter:description") == ana.summary_nl
    es = client.get("/es/prisoners/ana/").content.decode()
    assert _meta(es, "og:description") == ana.summary_es


def test_it_previews_the_home_page_with_a_prisoners_photo(client, ana):
    html = client.get("/en/").content.decode()
    assert _meta(html, "og:title") == "Solidarity"
    assert _meta(html, "og:image") == f"{SITE}{ana.photo.url}"


def test_it_falls_back_to_a_small_card_without_a_photo(client, campaign, make_prisoner):
    make_prisoner(slug="nophoto")
    html = client.get("/en/prisoners/nophoto/").content.decode()
    assert _meta(html, "twitter:card") == "summary"
    assert 'property="og:image"' not in html


@pytest.mark.parametrize(
    "path", ["/es/", "/nl/prisoners/ana/", "/en/where-the-money-went/", "/nl/bank-transfer/"]
)
def test_it_gives_every_public_page_a_canonical_url_and_language_alternates(client, ana, path):
    html = client.get(path).content.decode()
    assert f'<link rel="canonical" href="{SITE}{path}">' in html
    tail = path[4:]
    for code in ("es", "nl", "en"):
        assert f'<link rel="alternate" hreflang="{code}" href="{SITE}/{code}/{tail}">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{SITE}/{tail}">' in html


def test_it_leaves_the_query_string_out_of_the_canonical_url(client, ana):
    html = client.get("/en/donate/?prisoner=ana").content.decode()
    assert f'<link rel="canonical" href="{SITE}/en/donate/">' in html


def test_it_lists_every_public_page_in_every_language_in_the_sitemap(client, ana, make_prisoner):
    make_prisoner(slug="hidden", is_published=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    locations = {loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)}
    for code in ("es", "nl", "en"):
        assert f"{SITE}/{code}/" in locations
        assert f"{SITE}/{code}/prisoners/ana/" in locations
        assert f"{SITE}/{code}/where-the-money-went/" in locations
        assert f"{SITE}/{code}/donate/" in locations
    assert not any("hidden" in loc or "thanks" in loc for loc in locations)
    [entry] = [
        u
        for u in root.findall("s:url", SITEMAP_NS)
        if u.find("s:loc", SITEMAP_NS).text == f"{SITE}/nl/prisoners/ana/"
    ]
    alternates = {
        link.get("hreflang"): link.get("href") for link in entry.findall("x:link", SITEMAP_NS)
    }
    assert alternates == {
        "es": f"{SITE}/es/prisoners/ana/",
        "nl": f"{SITE}/nl/prisoners/ana/",
        "en": f"{SITE}/en/prisoners/ana/",
        "x-default": f"{SITE}/prisoners/ana/",
    }


def test_it_keeps_crawlers_out_of_the_admin_and_the_donors_pages(client, campaign):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    for code in ("es", "nl", "en"):
        # A donor's own thanks page, and the demo checkout; the form itself may be found.
        assert f"Disallow: /{code}/donate/thanks/" in lines
        assert f"Disallow: /{code}/donate/demo/" in lines
        assert f"Disallow: /{code}/donate/" not in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "Allow: /" not in lines and "Disallow: /" not in lines


def test_it_publishes_a_security_contact_per_rfc_9116(client, campaign):
    campaign.contact_email = "security@example.org"
    campaign.save()
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines() if line)
    assert fields["Contact"] == "mailto:security@example.org"
    assert fields["Preferred-Languages"] == "es, nl, en"
    assert fields["Canonical"] == f"{SITE}/.well-known/security.txt"
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(days=364) < expires - datetime.now(UTC) <= timedelta(days=365)


def test_it_has_no_security_txt_without_a_contact(client, campaign):
    assert client.get("/.well-known/security.txt").status_code == 404


def test_it_serves_the_seo_files_without_a_language_prefix(client, campaign):
    for path in ("/es/robots.txt", "/es/sitemap.xml"):
        assert client.get(path).status_code == 404
