from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

from crowdfund.seo import SITE_NAME, page_links


def site(request):
    """The language switcher's links (the same page in every other language), and the
    canonical and alternate URLs that search engines and link previews read."""
    path = request.get_full_path()
    links = page_links(request.path)
    return {
        "site_name": SITE_NAME,
        "canonical_url": links["canonical_url"],
        "x_default_url": links["x_default_url"],
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": translate_url(path, code),
                "absolute_url": links["alternates"][code],
            }
            for code, _name in settings.LANGUAGES
        ],
    }
