"""The site's URLs plus views that fail on purpose, for the error page tests."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from crowdfund.urls import handler400, handler403, handler404, handler500, urlpatterns
from public import errors


def _forbidden(request):
    raise PermissionDenied


def _bad(request):
    raise SuspiciousOperation("forged")


def _broken(request):
    raise RuntimeError("broken on purpose")


urlpatterns = [
    *urlpatterns,
    *i18n_patterns(
        path("fail/403/", _forbidden),
        path("fail/400/", _bad),
        path("fail/500/", _broken),
        path("fail/429/", errors.too_many_requests),
    ),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
