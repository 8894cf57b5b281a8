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

import warnings  # noqa: E402

import django  # noqa: E402

# The benchmark serves static files from the finders, like the tests.
warnings.filterwarnings("ignore", message="No directory at")

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

    from statements.importer import statement_import

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
    formats = (
        ("CAMT.053", statements.camt053),
        ("MT940", statements.mt940),
        ("MT940/day", statements.mt940_daily),  # a message a day in SWIFT envelopes
    )
    for fmt, make in formats:
        peaks = {}
        for lines in (1_000, 10_000):
            data = make(lines)
            seconds, result = _import(data, f"bench-{lines}")
            assert result.lines_new == lines, result
            peaks[lines] = _peak_memory(data, f"bench-{lines}")
            print(
                f"{fmt:9} {lines:>6} lines: {seconds:6.2f} s, {lines / seconds:8.0f} lines/s, "
                f"file {len(data) / 1e6:5.1f} MB, peak Python memory {peaks[lines] / 1e6:6.1f} MB "
                f"({result.donations} donations)"
            )
        print(
            f"{fmt:9} memory growth from 1,000 to 10,000 lines: {peaks[10_000] / peaks[1_000]:.1f}x"
        )


def _ledger_year(donations: int) -> None:
    """Paid donations spread over 2025 across the demo's seven prisoners and the general fund."""
    from datetime import date, timedelta
    from decimal import Decimal

    from ledger.models import Donation
    from prisoners.models import Prisoner

    funds = [None, *Prisoner.objects.all()]
    methods = ["ideal", "card", "bank_transfer", "other_online"]
    Donation.objects.bulk_create(
        (
            Donation(
                amount=Decimal(5 + i % 95) + Decimal(i % 100) / 100,
                fee=Decimal("0.29") if i % 4 == 1 else None,
                status="paid",
                method=methods[i % 4],
                prisoner=funds[i % len(funds)],
                received_on=date(2025, 1, 1) + timedelta(days=i % 365),
                donor_email=f"donor{i % 3000}@example.org",
            )
            for i in range(donations)
        ),
        batch_size=2000,
    )


def _expenses(count: int) -> None:
    from datetime import date, timedelta
    from decimal import Decimal

    from ledger.models import Category, Expense
    from prisoners.models import Prisoner

    categories = list(Category.objects.all())
    funds = [None, *Prisoner.objects.all()]
    Expense.objects.bulk_create(
        Expense(
            date=date(2025, 1, 1) + timedelta(days=(i * 7) % 365),
            amount=Decimal(10 + i % 300) + Decimal("0.50"),
            prisoner=funds[i % len(funds)],
            category=categories[i % len(categories)],
            description=f"Invoice {i:04d} for the fund's costs",
        )
        for i in range(count)
    )


def _timed_report():
    import io
    from datetime import date

    from pypdf import PdfReader

    from reports.pdf import treasurer_report_pdf

    started = time.perf_counter()
    pdf = treasurer_report_pdf(start=date(2025, 1, 1), end=date(2025, 12, 31), generated_by="bench")
    seconds = time.perf_counter() - started
    return seconds, len(PdfReader(io.BytesIO(pdf)).pages)


def bench_reports() -> None:
    import tempfile
    from datetime import date

    from django.conf import settings
    from django.test import Client

    from reports.pdf import treasurer_report_pdf

    print(
        "== Treasurer's report for 2025 (targets: 20,000 gifts <= 1.5x the time of 100, < 10 s) =="
    )
    _expenses(300)
    _ledger_year(100)
    treasurer_report_pdf(start=date(2025, 1, 1), end=date(2025, 12, 31), generated_by="warm-up")
    small, small_pages = _timed_report()
    _ledger_year(19_900)
    large, large_pages = _timed_report()
    tracemalloc.start()
    _timed_report()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"100 donations:    {small:5.2f} s, {small_pages} pages")
    print(f"20,000 donations: {large:5.2f} s, {large_pages} pages")
    print(f"ratio {large / small:.2f}x; peak Python memory at 20,000: {peak / 1e6:.1f} MB")

    print("== Public report (target: served from cache in under 50 ms) ==")
    settings.REPORT_CACHE_DIR = Path(tempfile.mkdtemp())
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    started = time.perf_counter()
    response = client.get("/en/report.pdf")
    b"".join(response.streaming_content)
    print(f"first request (builds the PDF): {(time.perf_counter() - started) * 1000:6.0f} ms")
    times = []
    for _ in range(20):
        started = time.perf_counter()
        response = client.get("/en/report.pdf")
        b"".join(response.streaming_content)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"served from cache, 20 requests: median {times[10]:.1f} ms, slowest {times[-1]:.1f} ms")


def main() -> None:
    selected = sys.argv[1:] or ["statements", "reports", "pages"]
    if "pages" in selected or "pages-sync" in selected:
        from bench.load import require_tools

        # Before minutes of setting up: say at once what is missing and how to install it.
        require_tools()
    database = _fresh_database()
    print(f"database: {connection.vendor} ({database})")
    try:
        if "statements" in selected:
            bench_statement_import()
        if "reports" in selected:
            bench_reports()
        if "pages" in selected or "pages-sync" in selected:
            from bench.pages import bench_pages

            bench_pages(workers_too="pages-sync" in selected)
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


if __name__ == "__main__":
    main()
