from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from crowdfund import views
from payments import webhooks
from prisoners import photo_views
from public import errors, seo

admin.site.site_header = _("Diaspora Solidarity Foundation")
admin.site.site_title = _("Foundation admin")
admin.site.index_title = _("Stories, gifts and money")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Before the admin: the second login step and setting up a second factor.
    path("admin/2fa/", include("staff.urls")),
    path("admin/2fa/passkeys/", include("staff.passkey_urls")),
    path("admin/", admin.site.urls),
    path("webhooks/mollie/", webhooks.mollie, name="webhook_mollie"),
    path("webhooks/stripe/", webhooks.stripe, name="webhook_stripe"),
    path("sitemap.xml", sitemap, {"sitemaps": seo.SITEMAPS}, name="sitemap"),
    path("robots.txt", seo.robots_txt, name="robots_txt"),
    path(".well-known/security.txt", seo.security_txt, name="security_txt"),
    # Photos, from the local disk or the bucket; see prisoners/photo_views.py.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", photo_views.photo, name="media"),
]
urlpatterns += i18n_patterns(
    path("", include("public.urls")),
    path("", include("giving.urls")),
    path("", include("demo.urls")),
    path("", include("sponsorships.urls")),
    path("", include("agreements.urls")),
    path("", include("mygifts.urls")),
    prefix_default_language=True,
)

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
