"""The site's own settings for `make bench`, with the same bare view behind all its middleware.

`BENCH_PAGE_CACHE=0` switches the page cache off, to measure the pages rendered every time (as
after each new gift); `BENCH_PAGE_CACHE=cold` keeps no home-page card either (as after a deploy).
"""

import os
import warnings

from crowdfund.settings import *  # noqa: F403

# Static files come from the finders here; WhiteNoise's note about STATIC_ROOT is expected.
warnings.filterwarnings("ignore", message="No directory at")

ROOT_URLCONF = "bench.site_urls"
if os.environ.get("BENCH_PAGE_CACHE") in ("0", "cold"):
    PAGE_CACHE_VIEWS: list[str] = []
if os.environ.get("BENCH_PAGE_CACHE") == "cold":
    CARD_CACHE_SECONDS = 0
# Served from the finders, as in the tests: no collectstatic for a throwaway run.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
