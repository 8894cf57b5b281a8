"""The site's locale and messages middlewares are cheaper versions of Django's: the same answers."""

import itertools

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.test import RequestFactory
from django.utils import translation

from crowdfund.middleware import LocaleMiddleware, MessageMiddleware, messages_made

PATHS = ["/nl/", "/en/prisoners/ana/", "/es/donate/", "/healthz", "/webhooks/mollie/", "/donate/"]
COOKIES = [None, "nl", "fr"]
ACCEPT = ["", "nl-NL,nl;q=0.9", "en-GB", "fr"]


def _answer(middleware_class, path, cookie, accept, status):
    factory = RequestFactory()
    request = factory.get(path, HTTP_ACCEPT_LANGUAGE=accept)
    if cookie:
        request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = cookie
    seen = {}

    def view(request):
        seen["active"] = translation.get_language()
        seen["code"] = request.LANGUAGE_CODE
        return HttpResponse("ok", status=status)

    try:
        response = middleware_class(view)(request)
    finally:
        translation.deactivate()
    return (
        seen,
        response.status_code,
        response.get("Location"),
        response.get("Vary"),
        response.get("Content-Language"),
    )


@pytest.mark.parametrize(
    ("path", "cookie", "accept", "status"),
    list(itertools.product(PATHS, COOKIES, ACCEPT, [200, 404])),
)
def test_the_locale_middleware_answers_as_djangos(path, cookie, accept, status):
    ours = _answer(LocaleMiddleware, path, cookie, accept, status)
    assert ours == _answer(DjangoLocaleMiddleware, path, cookie, accept, status)
    assert ours[0]["active"] in {"es", "nl", "en"}


def test_an_address_without_its_language_is_still_sent_to_it(client, campaign):
    response = client.get("/donate/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 302
    assert response["Location"] == "/nl/donate/"


def _through(middleware_class, view, cookies=None):
    request = RequestFactory().get("/en/")
    request.COOKIES.update(cookies or {})
    return SessionMiddleware(middleware_class(view))(request), request


def test_an_answer_without_messages_makes_no_message_storage(db):
    response, request = _through(MessageMiddleware, lambda request: HttpResponse("ok"))
    assert not messages_made(request)
    assert "messages" not in response.cookies


@pytest.mark.parametrize("middleware_class", [MessageMiddleware, DjangoMessageMiddleware])
def test_a_message_added_is_shown_on_the_next_answer(db, middleware_class):
    def adds(request):
        messages.success(request, "Thank you")
        return HttpResponse("ok")

    response, request = _through(middleware_class, adds)
    assert messages_made(request)
    cookie = response.cookies["messages"].value

    def shows(request):
        return HttpResponse(" ".join(str(m) for m in messages.get_messages(request)))

    shown, _request = _through(middleware_class, shows, {"messages": cookie})
    assert shown.content == b"Thank you"
    # Shown once: the cookie is emptied.
    assert shown.cookies["messages"].value == ""
