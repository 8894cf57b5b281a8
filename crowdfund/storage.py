"""Where files live: the local disk of one machine, or an S3-compatible bucket that every app
server shares.

settings.STORAGES names three storages:
- "default": the prisoners' photos. Public, but always served from this site's own /media/
  (crowdfund.views.media), so donors' browsers never contact the storage provider and the
  Content-Security-Policy stays 'self'.
- "private": spending receipts and photos staged between two attempts at a form. Only the app
  serves them, after its own permission check; a bucket URL is never handed out.
- "reports": the built public PDFs, served by the app with their ETag.

In the bucket they sit under the prefixes public/, private/ and private/reports/.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

S3_VARIABLES = (
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_REGION",
)
RECEIPTS_URL = "/admin/ledger/expense/receipt/"


class SettingDirectoryStorage(FileSystemStorage):
    """A folder named by a setting, read when used, so that a test may point it elsewhere."""

    setting_name = ""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, getattr(settings, self.setting_name))

    @property
    def location(self):
        return os.path.abspath(self.base_location)


class PrivateFileSystemStorage(SettingDirectoryStorage):
    """PRIVATE_MEDIA_ROOT: outside MEDIA_ROOT, never served by the web server itself."""

    setting_name = "PRIVATE_MEDIA_ROOT"


class ReportFileSystemStorage(SettingDirectoryStorage):
    """REPORT_CACHE_DIR. A file is written beside its place and then renamed, so a worker
    that opens it while another writes it gets the old file or the whole new one."""

    setting_name = "REPORT_CACHE_DIR"

    def get_available_name(self, name, max_length=None):
        return name  # one name per language and content version: replacing it is right

    def _save(self, name, content):
        target = Path(self.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            for chunk in content.chunks():
                out.write(chunk)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
        return name


def storages_setting(environ, *, debug: bool) -> dict:
    """settings.STORAGES from the environment: the bucket when S3_BUCKET is set, else disk."""
    staticfiles = {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if debug
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    }
    values = {name: (environ.get(name) or "").strip() for name in S3_VARIABLES}
    if not any(values.values()):
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {
                "BACKEND": "crowdfund.storage.PrivateFileSystemStorage",
                "OPTIONS": {"base_url": RECEIPTS_URL},
            },
            "reports": {"BACKEND": "crowdfund.storage.ReportFileSystemStorage"},
            "staticfiles": staticfiles,
        }
    if not values["S3_BUCKET"]:
        given = ", ".join(name for name, value in values.items() if value)
        raise ImproperlyConfigured(f"{given} set without S3_BUCKET; set the bucket or none.")
    if bool(values["S3_ACCESS_KEY_ID"]) != bool(values["S3_SECRET_ACCESS_KEY"]):
        raise ImproperlyConfigured(
            "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together; set both or neither "
            "(neither: boto3 finds the machine's own credentials)."
        )
    endpoint = values["S3_ENDPOINT_URL"]
    if endpoint and not endpoint.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"S3_ENDPOINT_URL={endpoint!r} must start with https://.")
    common = {
        "bucket_name": values["S3_BUCKET"],
        "endpoint_url": endpoint or None,
        "access_key": values["S3_ACCESS_KEY_ID"] or None,
        "secret_key": values["S3_SECRET_ACCESS_KEY"] or None,
        "region_name": values["S3_REGION"] or None,
        # Objects get the bucket's own (private) access; nothing is made world-readable.
        "default_acl": None,
        "querystring_auth": True,
        # Other S3-compatible services (MinIO, Ceph, Garage…) expect the bucket in the path.
        "addressing_style": "path" if endpoint else None,
        "signature_version": "s3v4",
    }
    return {
        "default": {
            "BACKEND": "crowdfund.storage_s3.PublicS3Storage",
            "OPTIONS": {**common, "location": "public", "file_overwrite": False},
        },
        "private": {
            "BACKEND": "crowdfund.storage_s3.PrivateS3Storage",
            "OPTIONS": {**common, "location": "private", "file_overwrite": False},
        },
        "reports": {
            "BACKEND": "crowdfund.storage_s3.PrivateS3Storage",
            "OPTIONS": {**common, "location": "private/reports", "file_overwrite": True},
        },
        "staticfiles": staticfiles,
    }
