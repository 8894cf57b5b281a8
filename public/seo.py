"""What search engines read: the sitemap, robots.txt and security.txt."""

from __future__ import annotations

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from prisoners.models import Campaign, Prisoner

# Under donate/: a donor's own thanks page and the demo checkout. Nothing for a search
# engine; the donate form itself is what people search for, so it stays crawlable.
PRIVATE_UNDER_DONATE = ["thanks/", "demo/"]


class _SiteSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class PageSitemap(_SiteSitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [
            "public:home",
            "giving:donate",
            "public:money_use",
            "public:transparency",
            "giving:bank_transfer",
            "public:anbi",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class PrisonerSitemap(_SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return Prisoner.objects.published().order_by("order", "pk")

    def lastmod(self, prisoner: Prisoner):
        return prisoner.updated_at


SITEMAPS = {"pages": PageSitemap, "prisoners": PrisonerSitemap}


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /webhooks/"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            donate = reverse("giving:donate")
        lines += [f"Disallow: {donate}{tail}" for tail in PRIVATE_UNDER_DONATE]
    lines += ["", f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(max_age=3600, public=True)
def security_txt(request):
    """RFC 9116: whom to tell about a vulnerability. Donors' safety depends on hearing it."""
    campaign = Campaign.objects.first()
    if campaign is None or not campaign.contact_email:
        raise Http404("No contact address has been set up yet.")
    expires = (timezone.now() + timedelta(days=365)).replace(microsecond=0)
    lines = [
        f"Contact: mailto:{campaign.contact_email}",
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: es, nl, en",
        f"Canonical: {settings.SITE_URL}{reverse('security_txt')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
