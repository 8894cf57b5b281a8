"""The prisoners' photos at MEDIA_URL, from whichever storage holds them.

The app serves them itself rather than the web server from a folder or the bucket from its
own address: every app server finds them, donors' browsers never contact the storage
provider, and a photo of a prisoner who is not published (no consent yet, or archived) is
shown to staff only. nginx keeps the public answers in its cache (deploy/nginx/).
"""

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from prisoners.models import Prisoner
from staff.two_factor import second_factor_passed


@require_safe
def photo(request, name: str):
    photos = Prisoner.objects.filter(photo=name)
    public = photos.published().exists()
    if not public and not (
        photos.exists()
        and request.user.has_perm("prisoners.view_prisoner")
        # The admin's 2FA rule, which its middleware keeps under /admin/ only: a photo of a
        # prisoner not yet published is no less sensitive than their page in the admin.
        and second_factor_passed(request.user)
    ):
        raise Http404
    try:
        if not default_storage.exists(name):
            raise Http404
    except SuspiciousFileOperation as error:
        raise Http404 from error
    response = FileResponse(default_storage.open(name, "rb"))
    # A new photo gets a new name, so a cached one never goes stale. But a prisoner taken off
    # the site (often for their safety) must not stay visible for long through a cache: five
    # minutes. A staff-only photo stays out of every shared cache.
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response
