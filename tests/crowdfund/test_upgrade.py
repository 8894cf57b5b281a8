"""An installation upgraded the way Django operators do it (pull, `migrate`, restart) serves
its public pages: `migrate` alone makes the database cache's tables.

The page cache's table came with the page cache, and only `createcachetable` made it, so
after `migrate` every public page answered 500. Here a database is brought to an earlier
release's schema (every migration before the cache tables', without the tables), then only
`migrate` runs, and gunicorn with DEBUG off serves the pages.
"""

from __future__ import annotations

import re

import psycopg
import pytest
from django.db import connection

from tests.crowdfund.instances import Browser, Instance, clean_env, manage
from tests.crowdfund.test_two_instances import _admin, _server_url
from tests.gifts import form_data

CACHE_TABLES = ("crowdfund_cache", "crowdfund_page_cache")
PAGES = [
    "/nl/",
    "/nl/prisoners/{slug}/",
    "/nl/donate/",
    "/nl/donate/?prisoner={slug}",
    "/nl/bank-transfer/",
    "/nl/how-we-use-the-money/",
    "/nl/where-the-money-went/",
    "/nl/anbi/",
    "/nl/privacy/",
    "/nl/my-gifts/",
    "/nl/periodic-gift/",
    "/nl/report.pdf",
    "/sitemap.xml",
]


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as db:
        rows = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {name for (name,) in rows}


@pytest.fixture
def upgrade_database(postgres):
    name = f"{connection.settings_dict['NAME']}_upgrade"
    _admin(name, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _admin(name, "CREATE DATABASE {}")
    yield _server_url(name)
    _admin(name, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


# An earlier release's installation: one that ran createcachetable when the rate limits'
# table was all there was, and one that never ran it.
@pytest.mark.parametrize("missing", [("crowdfund_page_cache",), CACHE_TABLES])
def test_migrate_alone_brings_an_earlier_release_up(upgrade_database, tmp_path, missing):
    env = clean_env(
        DJANGO_SETTINGS_MODULE="tests.crowdfund.instance_settings",
        DEBUG="0",
        SECRET_KEY="upgrade-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-0123",
        DATABASE_URL=upgrade_database,
        REDIS_URL="",
        DEMO_PAYMENTS="1",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        REPORT_CACHE_DIR=str(tmp_path / "reports"),
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo")
    # Back to the earlier release's schema: the crowdfund app's first migration, no tables.
    manage(env, "migrate", "crowdfund", "0001", "--noinput", "-v0")
    with psycopg.connect(upgrade_database, autocommit=True) as db:
        for table in missing:
            db.execute(f"DROP TABLE IF EXISTS {table}")
    for table in set(CACHE_TABLES) - set(missing):
        manage(env, "createcachetable", table)
    assert _tables(upgrade_database) & set(CACHE_TABLES) == set(CACHE_TABLES) - set(missing)

    manage(env, "migrate", "--noinput", "-v0")

    site = Instance("upgraded", env, tmp_path / "gunicorn.log")
    site.start()
    try:
        site.wait_until_up()
        visitor = Browser("198.51.100.7")
        home = visitor.get(f"{site.url}/nl/")
        assert home.status == 200, site.log_text()
        slug = re.search(r'href="/nl/prisoners/([^/"]+)/"', home.text).group(1)
        for page in PAGES:
            url = f"{site.url}{page.format(slug=slug)}"
            for _ in range(2):  # made, then served from the page cache
                answer = Browser("198.51.100.8").get(url)
                assert answer.status == 200, f"{page}: {answer.status}\n{site.log_text()}"
        # The rate limits' table too: a gift starts, and a donor asks for their link.
        visitor.get(f"{site.url}/nl/donate/")
        gift = visitor.post(f"{site.url}/nl/donate/", form_data("demo", prisoner=slug))
        assert gift.status == 302, gift.text[:500]
        visitor.get(f"{site.url}/nl/my-gifts/")
        link = visitor.post(f"{site.url}/nl/my-gifts/", {"email": "camila@example.org"})
        assert link.status == 200
        assert visitor.get(f"{site.url}/healthz").text == "ok\n"
        assert set(CACHE_TABLES) <= _tables(upgrade_database)
    finally:
        site.stop()
