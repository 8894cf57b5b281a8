"""The site's URLs plus a page with a form, to prove such a page is never kept."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from crowdfund.page_cache import render_form_page
from crowdfund.urls import urlpatterns


def _form_page(request):
    token = get_token(request)
    return HttpResponse(
        f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    )


def _nonce_form_page(request):
    # The template is the test's own (a locmem loader): a form page whose script has a nonce.
    return render_form_page(request, "nonce_form.html", {})


urlpatterns = [
    *urlpatterns,
    *i18n_patterns(
        path("form/", _form_page, name="form_page"),
        path("nonce-form/", _nonce_form_page, name="nonce_form_page"),
    ),
]
