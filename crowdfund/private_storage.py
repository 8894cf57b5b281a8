"""The private storage (receipts, agreements, annual statements, staged photos): never public;
the app serves its files after its own permission check."""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateStorage(LazyObject):
    """Receipts are never public: only a treasurer-only view serves them (settings.STORAGES's
    "private": PRIVATE_MEDIA_ROOT, or the bucket's private/ path)."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = PrivateStorage()


@receiver(setting_changed)
def _private_storage_follows_the_setting(*, setting, **kwargs):
    # As Django does for default_storage: a test that swaps STORAGES gets the new one.
    if setting == "STORAGES":
        private_storage._wrapped = empty


def private_storage_get():
    # A callable, so that migrations record this function rather than the storage's absolute
    # path on the machine that made them (which made every other checkout see a change).
    return private_storage
