"""`make bench`: speed and memory of the heavy paths, printed as figures (never asserted).

Runs against a throwaway database: PostgreSQL when DATABASE_URL points at one, else SQLite.
"""

import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crowdfund.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnop")
os.environ.setdefault("TASKS_IMMEDIATE", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench import statements  # noqa: E402


def _fresh_database():
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    call_command("load_demo", verbosity=0)
    return name


def _import(data: bytes, name: str):
    from django.db import transaction

    from donations.statements.importer import statement_import

    # Each run starts from the same database: the import is rolled back afterwards.
    with transaction.atomic():
        started = time.perf_counter()
        result = statement_import(file_name=name, data=data)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, result


def _peak_memory(data: bytes, name: str) -> int:
    tracemalloc.start()
    _import(data, name)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def bench_statement_import() -> None:
    print("== Statement import (target: 10,000 lines in under 10 s, memory flat) ==")
    for fmt, make in (("CAMT.053", statements.camt053), ("MT940", statements.mt940)):
        peaks = {}
        for lines in (1_000, 10_000):
            data = make(lines)
            seconds, result = _import(data, f"bench-{lines}")
            assert result.lines_new == lines, result
            peaks[lines] = _peak_memory(data, f"bench-{lines}")
            print(
                f"{fmt:8} {lines:>6} lines: {seconds:6.2f} s, {lines / seconds:8.0f} lines/s, "
                f"file {len(data) / 1e6:5.1f} MB, peak Python memory {peaks[lines] / 1e6:6.1f} MB "
                f"({result.donations} donations)"
            )
        print(f"{fmt:8} memory growth from 1,000 to 10,000 lines: "
              f"{peaks[10_000] / peaks[1_000]:.1f}x")  # fmt: skip


def main() -> None:
    selected = sys.argv[1:] or ["statements"]
    database = _fresh_database()
    print(f"database: {connection.vendor} ({database})")
    try:
        if "statements" in selected:
            bench_statement_import()
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


if __name__ == "__main__":
    main()
