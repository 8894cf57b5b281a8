"""An installation filled by the code of before the split upgrades the usual way (pull,
`migrate`) and no datum and no figure changes.

tests/fixtures/upgrade/before_split.sql.gz is a database that the code of commit 8017bc1
(everything still in `donations`) migrated and filled through its own services: the demo,
one-off gifts in every status, fees, a refund, a chargeback and its reversal, corrections,
spending, fund transfers, expected bank transfers and a bank statement, monthly
sponsorships (paid, failed, changed, cancelled, suspended), periodic-gift agreements and
annual statements. figures_before.json holds what that code read from it (figures.py, run
with the old code). Here the dump is restored into a fresh database, today's `migrate` runs
against it, and figures.py, run with today's code, must read the same: every table's rows
(new tables aside), every figure, `verify_totals` content, and a journal that adds up to
the ledger. tests/fixtures/upgrade/README.md says how the fixture was made.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest
from django.db import connection

from tests.conftest import skip_or_fail
from tests.crowdfund.instances import ROOT, clean_env, manage
from tests.crowdfund.test_two_instances import _admin, _server_url

pytestmark = pytest.mark.postgres

FIXTURE = ROOT / "tests" / "fixtures" / "upgrade"
BEFORE = FIXTURE / "figures_before.json"
# The journal's kinds, and the ledger's names for the same money (reports.data.Movements).
JOURNAL_KINDS = {
    "received": "received",
    "fee": "fees",
    "refunded": "refunded",
    "corrected": "corrected",
    "spent": "spent",
    "transferred_in": "transferred_in",
    "transferred_out": "transferred_out",
}


def _figures_module():
    spec = importlib.util.spec_from_file_location("upgrade_figures", FIXTURE / "figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def upgraded(postgres, tmp_path):
    """The old release's database, restored and migrated by today's code: its environment."""
    psql = shutil.which("psql")
    if psql is None:
        skip_or_fail("needs psql to restore the old release's dump", "REQUIRE_POSTGRES")
    name = f"{connection.settings_dict['NAME']}_split_upgrade"
    _admin(name, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _admin(name, "CREATE DATABASE {}")
    url = _server_url(name)
    restored = subprocess.run(
        [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url],
        input=gzip.decompress((FIXTURE / "before_split.sql.gz").read_bytes()),
        capture_output=True,
        timeout=120,
    )
    assert restored.returncode == 0, restored.stderr.decode(errors="replace")
    env = clean_env(
        DJANGO_SETTINGS_MODULE="crowdfund.settings",
        DEBUG="0",
        SECRET_KEY="split-upgrade-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        DATABASE_URL=url,
        REDIS_URL="",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        REPORT_CACHE_DIR=str(tmp_path / "reports"),
    )
    manage(env, "migrate", "--noinput", "-v0")
    yield env
    _admin(name, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _listed(differences: list[str]) -> str:
    return "\n".join(differences[:60]) + (
        f"\n… and {len(differences) - 60} more" if len(differences) > 60 else ""
    )


def test_the_upgrade_changes_no_data_and_no_figure(upgraded):
    env = upgraded
    figures = _figures_module()
    before = json.loads(BEFORE.read_text())
    assert before["code"] == "old"
    read = _run(env, str(FIXTURE / "figures.py"), "--columns-from", str(BEFORE))
    assert read.returncode == 0, read.stderr
    after = json.loads(read.stdout)
    assert after["code"] == "new"

    # Every table of the old release: the same rows, to the byte, over the columns it had.
    # Tables the upgrade adds (the journal) may hold what they like; checked below.
    tables = figures.compare(before["tables"], after["tables"], "tables")
    assert tables == [], _listed(tables)

    # Django's own tables change on purpose (migrations applied, content types moved to the
    # new apps, their permissions); nothing is lost: no row, and no permission of a role.
    book_before, book_after = before["bookkeeping"], after["bookkeeping"]
    shrunk = {
        table: (rows, book_after["rows"].get(table))
        for table, rows in book_before["rows"].items()
        if book_after["rows"].get(table, -1) < rows
    }
    assert shrunk == {}
    for holders in ("groups", "users"):
        lost = {
            name: sorted(set(codenames) - set(book_after[holders].get(name, [])))
            for name, codenames in book_before[holders].items()
        }
        assert {name: gone for name, gone in lost.items() if gone} == {}, holders
    gone = set(book_before["content_type_models"]) - set(book_after["content_type_models"])
    assert gone == set()

    # Every figure: totals, balances, the treasurer's report and fund statements of several
    # periods, the public accounts, money in, the transparency page, the donors' years.
    changed = figures.compare(before["figures"], after["figures"], "figures")
    assert changed == [], _listed(changed)

    # verify_totals, as the nightly job runs it: the journal and the running totals agree.
    check = _run(env, "manage.py", "verify_totals")
    assert check.returncode == 0, check.stderr

    # The journal, backfilled by the upgrade, sums per fund and kind to the old ledger.
    assert after["journal_differences"] == []
    journal = after["journal_by_fund_and_kind"]
    ledger = {}
    for fund in before["figures"]["fund_balances"]["all"]:
        key = (fund["prisoner"] or "prisoner:general").removeprefix("prisoner:")
        movements = fund["movements"]
        ledger[key] = {kind: Decimal(movements[name]) for kind, name in JOURNAL_KINDS.items()}
    mismatches = []
    for key in sorted(ledger.keys() | journal.keys()):
        sums = {kind: Decimal(total) for kind, total in journal.get(key, {}).items()}
        for kind in sorted(ledger.get(key, {}).keys() | sums.keys()):
            want, have = ledger.get(key, {}).get(kind, Decimal(0)), sums.get(kind, Decimal(0))
            if have != want:
                mismatches.append(f"{key} {kind}: {have} in the journal, {want} in the ledger")
    assert mismatches == []
    assert sum(ledger["general"].values()) and journal["general"]
