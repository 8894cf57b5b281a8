import base64
import hashlib
import re
from functools import cache

from django.urls import reverse

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


class AdminEditorCSPMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(reverse("admin:index")):
            response._csp_update = {
                "script-src": [_prose_editor_importmap_hash()],
                "style-src": [_TIPTAP_STYLE_HASH],
            }
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
