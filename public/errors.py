"""Error pages in the site's layout and the visitor's language, each with a way back."""

from django.db import DatabaseError
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from crowdfund.seo import SITE_NAME
from prisoners.models import Campaign


def _campaign():
    # An error page must not fail in turn when the database is what went wrong.
    try:
        return Campaign.objects.first()
    except DatabaseError:
        return None


def _render(request, template_name: str, status: int, extra: dict | None = None):
    context = {"campaign": _campaign(), **(extra or {})}
    return render(request, template_name, context, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _render(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _render(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _render(request, "404.html", 404)


def too_many_requests(request):
    """For views that refuse a visitor who tried too often: the bank transfer still works."""
    return _render(request, "429.html", 429)


# The last resort when even the layout cannot render (a missing static manifest, a broken
# template): plain HTML, no dependencies.
BARE_500 = (
    '<!doctype html><html lang="en"><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Error</title><h1>Something went wrong on our side</h1>"
    '<p><a href="/">Back to the campaign</a></p></html>'
)


@requires_csrf_token
def server_error(request):
    # Whatever broke may be the database or a context processor: read nothing, render plain.
    try:
        html = loader.get_template("500.html").render({"site_name": SITE_NAME})
    except Exception:  # noqa: BLE001 - an error page must answer whatever went wrong
        html = BARE_500
    return HttpResponseServerError(html)
