"""A photo kept between two attempts at saving a prisoner's form.

A browser cannot fill a file field again, so when a save fails for another reason (a slug
taken, consent missing) the editor would have to choose the photo again, and an editor who
does not notice saves the prisoner without it. Instead the validated upload waits in a
private folder, named by a random key inside a signed token that the form carries in a
hidden field. It is read back once, and removed then or after MAX_AGE at the latest.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

SALT = "prisoners.staged-photo"
MAX_AGE = 6 * 60 * 60
# Private: these are photos of people at risk that nobody has published yet. In the private
# storage, so that the next attempt finds the photo whichever app server it reaches.
FOLDER = "staged-photos"


def photo_stage(*, upload, user_id: int) -> str:
    """Keep an upload for the next attempt; returns the token for the hidden field."""
    storage = storages["private"]
    _remove_stale(storage)
    key = secrets.token_hex(16)
    upload.seek(0)
    storage.save(f"{FOLDER}/{key}", ContentFile(upload.read()))
    return signing.dumps({"key": key, "name": upload.name, "user": user_id}, salt=SALT)


def photo_unstage(*, token: str, user_id: int) -> SimpleUploadedFile | None:
    """The photo kept under this token, removed from the folder; None when it is gone,
    too old, or was kept for another user."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("user") != user_id:
        return None
    storage = storages["private"]
    name = f"{FOLDER}/{data['key']}"
    try:
        with storage.open(name, "rb") as staged:
            content = staged.read()
    except FileNotFoundError:
        return None
    storage.delete(name)
    return SimpleUploadedFile(data["name"], content)


def _remove_stale(storage) -> None:
    cutoff = timezone.now() - timedelta(seconds=MAX_AGE)
    try:
        _, names = storage.listdir(FOLDER)
    except FileNotFoundError:  # the local folder before the first photo
        return
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if storage.get_modified_time(path) < cutoff:
                storage.delete(path)
        except FileNotFoundError:  # another worker removed it first
            continue
