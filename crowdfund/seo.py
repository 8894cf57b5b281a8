"""What search engines and link previews read: canonical URLs, sitemap, robots.txt, security.txt."""

from __future__ import annotations

from django.conf import settings
from django.urls import translate_url

# The foundation's name before any campaign is set up (and on the 500 page, which reads
# nothing); the campaign's own field starts with it.
SITE_NAME = "De Solidaire Diaspora Stg"
OG_LOCALES = {"es": "es_ES", "nl": "nl_NL", "en": "en_GB"}


def absolute_url(url: str) -> str:
    """SITE_URL + a site path; a URL that is already absolute (S3 photos) stays as it is."""
    return settings.SITE_URL + url if url.startswith("/") else url


def page_links(path: str) -> dict:
    """The canonical URL of `path` and its language alternates, all absolute."""
    alternates = {code: absolute_url(translate_url(path, code)) for code, _n in settings.LANGUAGES}
    return {
        "canonical_url": absolute_url(path),
        "alternates": alternates,
        # The address without a language prefix: it redirects to the visitor's own language.
        # The sitemap's x-default (django.contrib.sitemaps) is the same.
        "x_default_url": alternates[settings.LANGUAGE_CODE].replace(
            f"/{settings.LANGUAGE_CODE}/", "/", 1
        ),
    }
