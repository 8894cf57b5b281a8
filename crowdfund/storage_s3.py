"""The bucket's storages (see crowdfund/storage.py). Their own module, so that boto3 is
imported only when a bucket is configured."""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

from crowdfund.storage import RECEIPTS_URL


class SiteURLMixin:
    """URLs on this site, never the bucket's: the app serves every file itself."""

    site_url = ""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(self.site_url, filepath_to_uri(name))


class PublicS3Storage(SiteURLMixin, S3Storage):
    """The photos, under public/; served at MEDIA_URL by crowdfund.views.media."""

    @property
    def site_url(self):
        return settings.MEDIA_URL


class PrivateS3Storage(SiteURLMixin, S3Storage):
    """Receipts, staged photos and built reports, under private/."""

    site_url = RECEIPTS_URL
