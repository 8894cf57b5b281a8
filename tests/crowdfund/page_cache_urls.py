"""The site's URLs plus a page with a form, to prove such a page is never kept."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from crowdfund.urls import urlpatterns


def _form_page(request):
    token = get_token(request)
    return HttpResponse(
        f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    )


urlpatterns = [*urlpatterns, *i18n_patterns(path("form/", _form_page, name="form_page"))]
