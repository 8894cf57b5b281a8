"""Anonymous visitors' copies of the public pages, from the shared cache.

A page in `settings.PAGE_CACHE_VIEWS` is kept per language and address under the content
version (crowdfund/content.py), so a new gift or an edited story makes a new copy at once.
Only a visitor without a session or messages cookie gets or makes a copy: a staff member, a
donor in the middle of giving, or anyone with a message waiting always gets their own page.
A response is never kept when it carries a CSRF token, sets a cookie, holds messages, was
made for a logged-in user, or says it is private; forms (donate, bank transfer) are never
in the list. A page at a cached address made for one visitor, and every form page, says
"private, no-store", so that no proxy keeps it for the next visitor either.

The middleware sits high in MIDDLEWARE, so a copy skips the session, authentication and
CSRF work; the copy keeps the headers those middlewares set when it was made.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import add_never_cache_headers, cc_delim_re, patch_cache_control

from crowdfund.content import content_version
from crowdfund.local_copies import LocalCopies
from crowdfund.middleware import messages_made, path_language

STATUS_HEADER = "X-Page-Cache"
# The last few copies this process served, so that a popular page costs no round trip to the
# shared cache; keyed like it, by the content version, so they never outlive a change.
LOCAL_PAGES = 64
_local = LocalCopies(LOCAL_PAGES)


def _shared():
    # Its own cache, apart from the rate limits' (settings.CACHES): however many copies are
    # made, none of them ever pushes a rate-limit counter out.
    return caches["pages"]


def forget_local() -> None:
    _local.clear()


def _kept(key: str):
    kept = _local.get_many([key]).get(key)
    if kept is None:
        kept = _shared().get(key)
        if kept is not None:
            _local.set_many({key: kept})
    return kept


# The query parameters each form page reads (a cached page in PAGE_CACHE_VIEWS reads none).
# Any other, a newsletter's `utm_source` or a flood of `?x=1`, `?x=2`, …, is dropped before the
# view runs: it makes no copy of its own in the shared cache, and no link on the page (the
# language switcher) repeats it. Views in neither list keep their query string.
FORM_PARAMETERS = {
    "giving:donate": ("prisoner", "frequency", "amount", "retry"),
    "giving:bank_transfer": ("prisoner", "amount"),
}


def _view_name(request) -> str | None:
    language = path_language(request)
    if language is None:
        return None
    # The language prefix only resolves under its own language, as LocaleMiddleware would
    # activate it later.
    with translation.override(language):
        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return None


def _only_parameters(request, names: tuple[str, ...]) -> None:
    """Keep only `names` in the request's query, once each, in that order: the value the view
    would read (the last one given)."""
    query = request.GET
    request.META["QUERY_STRING"] = urlencode([(n, query[n]) for n in names if n in query])
    # request.GET is read once and kept; read the new query string.
    request.__dict__.pop("GET", None)


def _anonymous(request) -> bool:
    cookies = request.COOKIES
    return not (
        settings.SESSION_COOKIE_NAME in cookies
        or getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in cookies
        or "HTTP_AUTHORIZATION" in request.META
    )


def _address_key(kind: str, request, *extra) -> str:
    # The configured site, not the Host header: without a proxy in front, anyone can name a
    # new port (or spelling) in it, and each would make a copy of its own. Nothing on a kept
    # page reads the header (its absolute addresses come from SITE_URL), but asking for it
    # still refuses a host the site does not serve (400), as the view would.
    request.get_host()
    address = f"{settings.SITE_URL}{request.get_full_path()}{extra!r}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"{kind}:{content_version()}:{digest}"


def _key(request) -> str | None:
    if request.method != "GET" or not _anonymous(request):
        return None
    return _address_key("page", request)


def _private(response) -> bool:
    control = {
        part.split("=")[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    return bool(control & {"private", "no-store", "no-cache"})


def _has_messages(request) -> bool:
    return messages_made(request) and bool(request._messages._queued_messages)


def _nonce_used(request) -> bool:
    # django-csp makes the nonce (and puts it in the header) only once something read it.
    return isinstance(getattr(request, "_csp_nonce", None), str)


def _logged_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def storable(request, response) -> bool:
    """Whether this response may be served to another visitor."""
    return not (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or _private(response)
        or "nonce-" in response.get("Content-Security-Policy", "")
        # A CSRF token is one visitor's: a page with a form is never kept.
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or b"csrfmiddlewaretoken" in response.content
        or _has_messages(request)
        or _logged_in(request)
    )


# Stand-ins for the visitor's own values in a form page's kept markup; never a real value
# (a CSRF token is letters and digits only, an attempt a UUID).
CSRF_MARK = "csrf-token-of-this-visitor"
ATTEMPT_MARK = "attempt-of-this-visitor"
FORM_HEADER = "X-Form-Cache"


def render_form_page(
    request, template_name: str, context, *, varies_with=(), attempt=None, keep=None
):
    """A page with a form, kept the cache-safe way: its markup less the visitor's own parts.

    The only parts of the donate and bank-transfer pages that belong to one visitor are the
    CSRF token and the donate form's attempt id. For an anonymous visitor the page is rendered
    once per content version, address and `varies_with` (what else it depends on: the payment
    methods on offer) with stand-ins for those two, kept like the cached pages, and each
    response gets the visitor's own token (and its cookie) and attempt filled in. A visitor
    with a session or messages gets the page rendered for them. Either way the response holds
    this visitor's token: browsers and proxies are told not to keep it.

    `context` may be a function that builds it: then a kept page costs no query at all.
    `attempt` is the visitor's attempt id, when the page has one. `keep(context)` says whether
    the page made from it may be kept at all: only addresses the site's own links make are,
    so that made-up ones cannot fill the cache.
    """

    def build() -> dict:
        built = context() if callable(context) else context
        return built if attempt is None else {**built, "attempt": attempt}

    if request.method != "GET" or not _anonymous(request):
        response = render(request, template_name, build())
        add_never_cache_headers(response)
        return response
    key = _address_key("form", request, *varies_with)
    markup, state = _kept(key), "hit"
    if markup is None:
        built = build()
        own = {
            "csrf_token": CSRF_MARK,
            **({"attempt": ATTEMPT_MARK} if "attempt" in built else {}),
        }
        markup, state = render_to_string(template_name, {**built, **own}, request), "miss"
        # A CSP nonce is one response's own, as a token is: markup that used one is not kept.
        unusual = keep is not None and not keep(built)
        if not (unusual or _has_messages(request) or _nonce_used(request)):
            _shared().set(key, markup, settings.PAGE_CACHE_SECONDS)
            _local.set_many({key: markup})
    page = markup.replace(CSRF_MARK, get_token(request))
    if attempt is not None or (not callable(context) and "attempt" in context):
        page = page.replace(ATTEMPT_MARK, str(attempt or context["attempt"]))
    response = HttpResponse(page)
    response[FORM_HEADER] = state
    add_never_cache_headers(response)
    return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        name = _view_name(request)
        cached = name in settings.PAGE_CACHE_VIEWS
        names = () if cached else FORM_PARAMETERS.get(name)
        if names is not None and request.META.get("QUERY_STRING"):
            _only_parameters(request, names)
        if not cached:
            return self.get_response(request)
        key = _key(request)
        kept = _kept(key) if key is not None else None
        if kept is not None:
            status, headers, content = kept
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response[STATUS_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if not (_anonymous(request) and storable(request, response)):
            # Made for this visitor (a staff member, a donor's session, a message waiting, a
            # form's token): what everyone else gets at this address differs, so no proxy or
            # shared browser cache may keep it for the next one.
            patch_cache_control(response, private=True, no_store=True)
        elif key is not None:
            kept = (response.status_code, list(response.items()), response.content)
            _shared().set(key, kept, settings.PAGE_CACHE_SECONDS)
            _local.set_many({key: kept})
            response[STATUS_HEADER] = "miss"
        return response
