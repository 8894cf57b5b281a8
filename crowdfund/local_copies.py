"""The newest copies one process served, beside the shared cache: a popular one then costs no
round trip. Used for the kept pages (crowdfund/page_cache.py) and the home page's cards
(public/cards.py), whose keys never name other content, so a copy here is never stale."""

from __future__ import annotations

import threading
from collections import OrderedDict


class LocalCopies:
    """At most `size` copies, the least recently used leaving first; safe across threads
    (gunicorn's gthread workers)."""

    def __init__(self, size: int):
        self.size = size
        self._copies: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys) -> dict:
        with self._lock:
            found = {key: self._copies[key] for key in keys if key in self._copies}
            for key in found:
                self._copies.move_to_end(key)
        return found

    def set_many(self, copies: dict) -> None:
        with self._lock:
            for key, copy in copies.items():
                self._copies[key] = copy
                self._copies.move_to_end(key)
            while len(self._copies) > self.size:
                self._copies.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._copies.clear()
