"""The built public report: one PDF per language and content version, in the "reports"
storage (REPORT_CACHE_DIR, or the bucket's private/reports/), shared by every worker of
every app server.

Building it costs WeasyPrint a few seconds of CPU, and every paid gift makes a new content
version. So during a busy evening the report follows the site at most REPORT_REBUILD_AFTER
behind rather than being rebuilt after every gift: within that time of the last build a
request gets the newest built file. One worker at a time builds a language's report (a lock
in the shared cache); the others meanwhile give the newest built file, or wait for the first.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone, translation

from donations.reports import pdf

logger = logging.getLogger(__name__)
# The report is rebuilt at most this often per language while the content keeps changing.
REPORT_REBUILD_AFTER = 60
# How long one build may hold the lock (and others wait for it), and how often they look.
REPORT_BUILD_SECONDS = 120
REPORT_WAIT_STEP = 0.2
# An older version of the report is removed once it is this old.
REPORT_KEEP_OLD_SECONDS = 10 * 60


def public_report_file(language: str, version: str) -> str:
    """The name, in the "reports" storage, of the public report to serve for this content.

    The file of this very version when it is built; else the newest one built within
    REPORT_REBUILD_AFTER; else a new build (or, while another worker builds, the newest).
    """
    storage = storages["reports"]
    name = f"public-{language}-{version}.pdf"
    lock, newest_key = f"report-build:{language}", f"report-newest:{language}"
    give_up_waiting = time.monotonic() + REPORT_BUILD_SECONDS
    while True:
        if storage.exists(name):
            return name
        newest = cache.get(newest_key)  # (name, built at), as the last build left it
        recent = newest and time.time() - newest[1] < REPORT_REBUILD_AFTER
        if recent and storage.exists(newest[0]):
            return newest[0]
        if cache.add(lock, name, timeout=REPORT_BUILD_SECONDS):
            try:
                _build(storage, name, language)
            finally:
                cache.delete(lock)
            return name
        if newest and storage.exists(newest[0]):
            return newest[0]  # someone is building the next one; this one is a moment old
        if time.monotonic() > give_up_waiting:
            # The builder died or hangs: build it here rather than fail the visitor.
            _build(storage, name, language)
            return name
        time.sleep(REPORT_WAIT_STEP)


def _build(storage, name: str, language: str) -> None:
    from donations.reports.public import public_report_context

    with translation.override(language):
        built = pdf.render_pdf("reports/public_report.html", public_report_context())
    storage.save(name, ContentFile(built))
    cache.set(f"report-newest:{language}", (name, time.time()), timeout=None)
    logger.info("Built the public report %s", name)
    _remove_old(storage, language, keep=name)


def _remove_old(storage, language: str, *, keep: str) -> None:
    # Only files older than a few minutes: a worker that worked out an older version a
    # moment ago still finds it, and a build of an old version never removes a fresh one.
    cutoff = timezone.now() - timedelta(seconds=REPORT_KEEP_OLD_SECONDS)
    _, names = storage.listdir("")
    for old in names:
        if not old.startswith(f"public-{language}-") or old == keep:
            continue
        try:
            if storage.get_modified_time(old) < cutoff:
                storage.delete(old)
        except FileNotFoundError:  # removed by another worker meanwhile
            continue
