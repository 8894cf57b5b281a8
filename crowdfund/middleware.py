import base64
import hashlib
import http.client
import re
from functools import cache

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages import middleware as messages_middleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.middleware import locale
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty

# Tiptap (inside django-prose-editor) injects one fixed <style> block with ProseMirror's
# base CSS. Its hash changes only with the editor's version; the admin browser test fails
# with the new hash when it does.
_TIPTAP_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
_IMPORTMAP = re.compile(r'<script type="importmap">(.*?)</script>', re.DOTALL)


@cache
def _prose_editor_importmap_hash() -> str:
    # The rich-text editor loads its ES modules through an inline import map. We allow
    # exactly that map's hash, so the admin keeps a policy with no other inline script.
    from django_prose_editor.widgets import importmap

    content = _IMPORTMAP.search(str(importmap)).group(1)
    digest = hashlib.sha256(content.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


DEBUG_PAGES = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)
# Built once per policy (see CSPMiddleware); cleared when the tests change the settings.
_POLICIES: dict[tuple, str] = {}


def _policy(parts, report_only: bool) -> str:
    if parts.nonce is not None:
        # A nonce is one response's own; no such policy is kept.
        return build_policy(
            parts.config, parts.update, parts.replace, parts.nonce, report_only=report_only
        )
    key = (report_only, repr(parts.config), repr(parts.update), repr(parts.replace))
    if key not in _POLICIES:
        _POLICIES[key] = build_policy(
            parts.config, parts.update, parts.replace, report_only=report_only
        )
    return _POLICIES[key]


_HEADERS = (
    (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
    (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
)
# What django-csp's decorators (and AdminEditorCSPMiddleware) set to change one response's policy.
_PER_RESPONSE = frozenset(
    f"_csp_{part}{suffix}" for part in ("config", "update", "replace") for suffix in ("", "_ro")
)


@cache
def _excluded_prefixes(setting: str) -> tuple[str, ...]:
    return tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())


@cache
def _plain_headers() -> tuple:
    """Each header for a response that changes nothing in the policy and used no nonce (nearly
    every response): the policy, the exempting attribute and the excluded prefixes."""
    return tuple(
        (header, build_policy(report_only=report_only), exempt, _excluded_prefixes(setting))
        for header, report_only, exempt, setting in _HEADERS
    )


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's middleware, with each policy's header built once instead of for every
    response (django-csp 4.0 rebuilds it from the settings each time)."""

    def process_response(self, request, response):
        # As django-csp: Django's debug pages carry inline script and style.
        if settings.DEBUG and response.status_code in DEBUG_PAGES:
            return response
        if getattr(request, "_csp_nonce", None) is None and _PER_RESPONSE.isdisjoint(
            response.__dict__
        ):
            headers = _plain_headers()
        else:
            headers = tuple(
                (
                    header,
                    _policy(self.get_policy_parts(request, response, report_only), report_only),
                    exempt,
                    _excluded_prefixes(setting),
                )
                for header, report_only, exempt, setting in _HEADERS
            )
        for header, policy, exempt, prefixes in headers:
            if (
                policy
                and header not in response
                and not getattr(response, exempt, False)
                and not (prefixes and request.path_info.startswith(prefixes))
            ):
                response[header] = policy
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response


@cache
def _admin_prefix(script_prefix: str, urlconf: str) -> str:
    return reverse("admin:index")


def admin_prefix() -> str:
    """The admin's address (e.g. /admin/), worked out once instead of on every request."""
    return _admin_prefix(get_script_prefix(), settings.ROOT_URLCONF)


def _settings_changed(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _POLICIES.clear()
        _plain_headers.cache_clear()
        _excluded_prefixes.cache_clear()
    if setting == "ROOT_URLCONF":
        _admin_prefix.cache_clear()


setting_changed.connect(_settings_changed)


@cache
def _admin_editor_csp() -> dict:
    return {"script-src": [_prose_editor_importmap_hash()], "style-src": [_TIPTAP_STYLE_HASH]}


class AdminEditorCSPMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The admin's address is worked out once, not with reverse() on every request.
        if request.path.startswith(admin_prefix()):
            response._csp_update = _admin_editor_csp()
        return response


# Features the site never uses, switched off for every page, so an injected script or a
# framed page cannot ask a cautious donor for their camera, microphone or location.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "browsing-topics",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def path_language(request) -> str | None:
    """The language of the path's prefix (/nl/…), worked out once per request.

    Django's LocaleMiddleware asks three times, and the page cache once more. For a path
    without a language (a webhook, /healthz, /media/) every ask is a miss that Django's
    lookup cache does not keep.
    """
    try:
        return request._path_language
    except AttributeError:
        request._path_language = translation.get_language_from_path(request.path_info)
        return request._path_language


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, with the same outcome, asking the path for its language once."""

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        patterns_used, prefixed_default = is_language_prefix_patterns_used(urlconf)
        from_path = path_language(request)
        if patterns_used and from_path:
            language = from_path
        elif patterns_used and not prefixed_default:
            language = settings.LANGUAGE_CODE
        else:
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if response.status_code == 404:
            # Django's redirect of an address without its language prefix.
            return super().process_response(request, response)
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        patterns_used, _prefixed_default = is_language_prefix_patterns_used(urlconf)
        if not (patterns_used and path_language(request)):
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class MessageMiddleware(messages_middleware.MessageMiddleware):
    """Django's, with the message storage made on first use.

    Most answers neither add nor show a message, and making the storage (a cookie signer,
    a session reader) cost more than any other middleware on a bare view.
    """

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        if not messages_made(request):
            return response
        return super().process_response(request, response)


def messages_made(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and getattr(storage, "_wrapped", None) is not empty
