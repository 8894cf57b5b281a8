"""A photo kept between two attempts at saving a prisoner's form.

A browser cannot fill a file field again, so when a save fails for another reason (a slug
taken, consent missing) the editor would have to choose the photo again, and an editor who
does not notice saves the prisoner without it. Instead the validated upload waits in a
private folder, named by a random key inside a signed token that the form carries in a
hidden field. It is read back once, and removed then or after MAX_AGE at the latest.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

SALT = "prisoners.staged-photo"
MAX_AGE = 6 * 60 * 60


def _folder() -> Path:
    # Private: these are photos of people at risk that nobody has published yet.
    return Path(settings.PRIVATE_MEDIA_ROOT) / "staged-photos"


def photo_stage(*, upload, user_id: int) -> str:
    """Keep an upload for the next attempt; returns the token for the hidden field."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    key = secrets.token_hex(16)
    upload.seek(0)
    (folder / key).write_bytes(upload.read())
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
    path = _folder() / data["key"]
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return None
    path.unlink(missing_ok=True)
    return SimpleUploadedFile(data["name"], content)


def _remove_stale(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE
    for path in folder.iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
