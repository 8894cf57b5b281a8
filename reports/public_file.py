"""The built public PDFs (the public report, and a closed year's financial statements for the
ANBI page): one file per document, language and content version, in the "reports" storage
(REPORT_CACHE_DIR, or the bucket's private/reports/), shared by every worker of every app
server. Building one costs WeasyPrint seconds of CPU, so one worker at a time builds a
document (a lock in the shared cache) and the others wait for it.

Every paid gift makes a new version of the public report. So during a busy evening it follows
the site at most REPORT_REBUILD_AFTER behind rather than being rebuilt after every gift:
within that time of the last build a request gets the newest built file, and while another
worker builds the next one, the others hand out the newest too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone, translation

from crowdfund.caching import CacheUnavailable
from crowdfund.content import content_version
from crowdfund.local_copies import LocalCopies
from reports import pdf
from reports.data import closed_years
from reports.public import public_report_context

logger = logging.getLogger(__name__)
# The public report is rebuilt at most this often per language while its content changes.
REPORT_REBUILD_AFTER = 60
# How long one build may hold the lock (and others wait for it), and how often they look.
REPORT_BUILD_SECONDS = 120
REPORT_WAIT_STEP = 0.2
# An older version of a document is removed once it is this old.
REPORT_KEEP_OLD_SECONDS = 10 * 60
# The financial statements' versions this process worked out (see statements_version).
_statements_versions = LocalCopies(32)


def forget_local() -> None:
    _statements_versions.clear()


def public_report_file(language: str, version: str) -> str:
    """The name, in the "reports" storage, of the public report to serve for this content.

    The file of this very version when it is built; else the newest one built within
    REPORT_REBUILD_AFTER; else a new build (or, while another worker builds, the newest).
    """
    storage = storages["reports"]
    name = f"public-{language}-{version}.pdf"
    if storage.exists(name):
        return name
    newest = cache.get(_newest_key(name))  # (name, built at), as the last build left it
    newest_exists = bool(newest) and storage.exists(newest[0])
    if newest_exists and time.time() - newest[1] < REPORT_REBUILD_AFTER:
        return newest[0]

    def build() -> bytes:
        with translation.override(language):
            return pdf.render_pdf("reports/public_report.html", public_report_context())

    return _built_once(name, build, meanwhile=newest[0] if newest_exists else None)


def statements_version(*, year: int, language: str) -> str | None:
    """The version of a year's accounts to serve; None when the year has none (it is open, or
    before the books began).

    Worked out at most once per content version and process: everything it reads (an entry in
    the books, the campaign, a prisoner, a category) moves the content version, which a worker
    reads at most every CONTENT_VERSION_SECONDS. In between, a request costs no query.
    """
    key = f"{content_version()}:{timezone.localdate().year}:{year}:{language}"
    version = _statements_versions.get_many([key]).get(key)
    if version is None:
        closed = year in closed_years()
        version = pdf.financial_statements_version(year=year, language=language) if closed else ""
        _statements_versions.set_many({key: version})
    return version or None


def financial_statements_file(*, year: int, language: str, version: str) -> str:
    """The name, in the "reports" storage, of a closed year's accounts at this version
    (`statements_version`, read before the figures: a change committed between the two makes a
    newer version, never a file older than its name)."""

    def build() -> bytes:
        with translation.override(language):
            return pdf.financial_statements_pdf(year)

    return _built_once(f"statements-{year}-{language}-{version}.pdf", build)


def _newest_key(name: str) -> str:
    # One per document and language: the name without its version.
    return f"report-newest:{name.rsplit('-', 1)[0]}"


def _built_once(name: str, build: Callable[[], bytes], *, meanwhile: str | None = None) -> str:
    """`name`, built by one worker of one app server; the others wait for it, or are given
    `meanwhile` (an older version) when there is one."""
    storage = storages["reports"]
    lock = f"report-build:{name.rsplit('-', 1)[0]}"
    give_up_waiting = time.monotonic() + REPORT_BUILD_SECONDS
    while not storage.exists(name):
        if _lock_taken(lock, name):
            try:
                _store(storage, name, build())
            finally:
                cache.delete(lock)
            break
        if meanwhile:
            return meanwhile
        if time.monotonic() > give_up_waiting:
            # The builder died or hangs: build it here rather than fail the visitor.
            _store(storage, name, build())
            break
        time.sleep(REPORT_WAIT_STEP)
    return name


def _lock_taken(lock: str, name: str) -> bool:
    """Whether this worker may build: it took the lock, or the shared cache that holds the
    lock does not answer (then each worker builds for itself rather than fail the visitor)."""
    try:
        return cache.add(lock, name, timeout=REPORT_BUILD_SECONDS)
    except CacheUnavailable:
        return True


def _store(storage, name: str, built: bytes) -> None:
    storage.save(name, ContentFile(built))
    cache.set(_newest_key(name), (name, time.time()), timeout=None)
    logger.info("Built %s", name)
    _remove_old(storage, keep=name)


def _remove_old(storage, *, keep: str) -> None:
    # Only files older than a few minutes: a worker that worked out an older version a
    # moment ago still finds it, and a build of an old version never removes a fresh one.
    prefix = keep.rsplit("-", 1)[0] + "-"
    cutoff = timezone.now() - timedelta(seconds=REPORT_KEEP_OLD_SECONDS)
    _, names = storage.listdir("")
    for old in names:
        if not old.startswith(prefix) or old == keep:
            continue
        try:
            if storage.get_modified_time(old) < cutoff:
                storage.delete(old)
        except FileNotFoundError:  # removed by another worker meanwhile
            continue
