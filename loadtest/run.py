"""`make loadtest`: 200 visitors for 60 seconds against a production-like instance it starts.

The instance: gunicorn with DEBUG off and gthread workers (as deploy/systemd/ runs it), the
PostgreSQL database crowdfund_loadtest (made afresh on the server of DATABASE_URL), Redis
(its own database number, emptied), the demo content, collected static files, and Mollie
replaced by the fake from tests/fakes/ (MOLLIE_API_URL). The visitors are
loadtest/locustfile.py. At the end it prints requests per second and p50/p95/p99 per
endpoint, the errors, and the totals check, says whether the pass criteria hold (exit 0) or
not (exit 1), and stops everything it started.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "crowdfund_loadtest"
REDIS_DB = 12
PUBLIC_PAGES = ("home", "prisoner", "how we use the money", "where the money went", "bank transfer")
# Visited once in each language before the clock starts, as a running site would have been:
# templates compiled, connections open, the public report built.
WARM_UP = (
    "/{}/",
    "/{}/donate/",
    "/{}/bank-transfer/",
    "/{}/how-we-use-the-money/",
    "/{}/where-the-money-went/",
    "/{}/report.pdf",
)
P95_LIMIT_MS = 200
# What the instance's ledger says, before and after: the selector every page shows, and the
# paid gifts themselves.
TOTALS = """
import json
from ledger.models import Donation
from ledger.selectors import campaign_totals
from django.db.models import Sum
paid = Donation.objects.paid()
print(json.dumps({"raised": str(campaign_totals().raised), "paid": paid.count(),
                  "paid_sum": str(paid.aggregate(s=Sum("amount"))["s"] or 0)}))
"""
GIFTS = """
import json, os
from ledger.models import Donation
ids = [row["id"] for row in json.load(open(os.environ["LOADTEST_RESULT"]))]
rows = Donation.objects.filter(provider="mollie", provider_payment_id__in=ids)
print(json.dumps({"paid": {d.provider_payment_id: str(d.amount) for d in rows.paid()},
                  "rows": rows.count()}))
"""


def _say(text: str) -> None:
    print(f"loadtest: {text}", flush=True)


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        sys.exit(f"loadtest: manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def _fresh_database(server_url: str) -> str:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_with_path(server_url, "/postgres"), autocommit=True) as admin:
        name = sql.Identifier(DATABASE)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return _with_path(server_url, f"/{DATABASE}")


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"loadtest: gunicorn stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"loadtest: gunicorn did not answer /healthz:\n{log.read_text()}")


def _stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as rows:
        return list(csv.DictReader(rows))


def _report(stats: list[dict]) -> tuple[int, list[str]]:
    """Print the table; the failures and the public pages whose p95 is too slow."""
    columns = ("requests", 8), ("req/s", 7), ("p50", 6), ("p95", 6), ("p99", 6), ("errors", 6)
    header = f"{'endpoint':38} " + " ".join(f"{name:>{width}}" for name, width in columns)
    print("\n" + header + "\n" + "-" * len(header))
    slow, errors = [], 0
    for row in stats:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        requests, failures = int(row["Request Count"]), int(row["Failure Count"])
        p50, p95, p99 = (row[k] for k in ("50%", "95%", "99%"))
        rate = float(row["Requests/s"])
        print(f"{name[:38]:38} {requests:>8} {rate:>7.1f} {p50:>6} {p95:>6} {p99:>6} {failures:>6}")
        if name == "ALL":
            errors = failures
        elif name in PUBLIC_PAGES and p95 != "N/A" and float(p95) >= P95_LIMIT_MS:
            slow.append(f"{name} (p95 {p95} ms)")
    print(
        "(times in milliseconds; the '[mollie fake]' row is the fake, not the site; the table\n"
        " stops at the time limit, and gifts in hand then finish, so the totals may count more)"
    )
    return errors, slow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--spawn-rate", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not server.startswith("postgres"):
        sys.exit("loadtest: needs PostgreSQL; set DATABASE_URL=postgres://… (any database)")
    pg = urlsplit(server)
    redis_url = _with_path(
        os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0", f"/{REDIS_DB}"
    )
    redis = urlsplit(redis_url)
    if not _answers(pg.hostname, pg.port or 5432):
        sys.exit(f"loadtest: no PostgreSQL answers at {pg.hostname}:{pg.port or 5432}")
    if not _answers(redis.hostname, redis.port or 6379):
        sys.exit(f"loadtest: no Redis answers at {redis.hostname}:{redis.port or 6379}")

    sys.path.insert(0, str(ROOT))
    from tests.fakes.mollie_api import FakeMollie  # the same fake the test suite drives

    work = Path(tempfile.mkdtemp(prefix="crowdfund-loadtest-"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    fake = FakeMollie()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("S3_", "SENTRY_"))},
        "DEBUG": "0",
        "SECRET_KEY": "loadtest-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "SITE_URL": url,
        "DATABASE_URL": _fresh_database(server),
        "REDIS_URL": redis_url,
        "MOLLIE_API_KEY": "test_loadtest0123456789abcdefghij",
        "MOLLIE_API_URL": fake.url,
        "DEMO_PAYMENTS": "0",
        "TASKS_IMMEDIATE": "0",  # receipts wait in the database for a db_worker, as in production
        # Locust is the instance's "proxy": each visitor names its own client address.
        "TRUSTED_PROXIES": "127.0.0.1",
        "MEDIA_ROOT": str(work / "media"),
        "PRIVATE_MEDIA_ROOT": str(work / "private"),
        "REPORT_CACHE_DIR": str(work / "reports"),
    }
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    import redis as redis_client

    redis_client.Redis.from_url(redis_url).flushdb()
    _say(f"setting up {DATABASE}, Redis db {REDIS_DB}, demo content and static files")
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "load_demo")
    _manage(env, "collectstatic", "--noinput", "-v0")

    log = work / "gunicorn.log"
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "crowdfund.wsgi",
        f"--bind=127.0.0.1:{port}",
        "--worker-class=gthread",
        f"--workers={args.workers}",
        f"--threads={args.threads}",
        "--keep-alive=30",
        "--timeout=60",
        f"--error-logfile={log}",
    ]
    gunicorn_log = log.open("ab")
    gunicorn = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=gunicorn_log, stderr=subprocess.STDOUT
    )
    try:
        _wait_until_up(url, gunicorn, log)
        for path in WARM_UP:
            for language in ("es", "nl", "en"):
                with urllib.request.urlopen(url + path.format(language), timeout=120) as page:
                    page.read()
        before = json.loads(_manage(env, "shell", "-c", TOTALS).strip().splitlines()[-1])
        _say(
            f"{args.users} users for {args.seconds} s against {url} "
            f"(gunicorn gthread, {args.workers} workers x {args.threads} threads); "
            f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        builds_before = log.read_text().count("Built public-")
        result, prefix = work / "completed.json", work / "locust"
        locust = [
            *(sys.executable, "-m", "locust", "--headless", "--only-summary"),
            *("-f", str(ROOT / "loadtest" / "locustfile.py"), "--host", url),
            *("--users", str(args.users), "--spawn-rate", str(args.spawn_rate)),
            *("--run-time", f"{args.seconds}s", "--csv", str(prefix), "--loglevel", "WARNING"),
            # Let each visitor finish the gift in hand, so none is cut off half-paid.
            *("--stop-timeout", "20"),
        ]
        with (work / "locust.log").open("w") as locust_log:
            subprocess.run(
                locust,
                cwd=ROOT,
                env={
                    **os.environ,
                    "LOADTEST_FAKE_MOLLIE": fake.url,
                    "LOADTEST_RESULT": str(result),
                },
                stdout=locust_log,
                stderr=subprocess.STDOUT,
                check=False,
                timeout=args.seconds + 120,
            )
        after = json.loads(_manage(env, "shell", "-c", TOTALS).strip().splitlines()[-1])
        completed = json.loads(result.read_text()) if result.exists() else []
        gifts = {"paid": {}, "rows": 0}
        if completed:
            found = _manage({**env, "LOADTEST_RESULT": str(result)}, "shell", "-c", GIFTS)
            gifts = json.loads(found.strip().splitlines()[-1])
        errors, slow = _report(_stats(prefix))
        _report_cache(Path(f"{result}.cache.json"))
        builds = log.read_text().count("Built public-") - builds_before
        _say(
            f"public report built {builds} times during the run; "
            f"load average after: {os.getloadavg()[0]:.1f}"
        )
        return _verdict(before, after, completed, gifts, errors, slow)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
        gunicorn_log.close()
        fake.close()
        _say(f"instance stopped; its log and locust's CSV files are in {work}")


def _report_cache(answers: Path) -> None:
    """How often each page came from the shared cache: every gift makes a new content
    version, so this shows whether the pages were kept long enough to be worth keeping."""
    if not answers.exists():
        return
    print("\nserved from the cache (X-Page-Cache or X-Form-Cache: hit):")
    for name, counts in sorted(json.loads(answers.read_text()).items()):
        total = sum(counts.values())
        kept = counts.get("hit", 0)
        print(f"  {name:30} {kept:5} of {total:5} ({kept / total:.0%})")


def _verdict(before, after, completed, gifts, errors, slow) -> int:
    completed_sum = sum((Decimal(gift["amount"]) for gift in completed), Decimal(0))
    rise = Decimal(after["raised"]) - Decimal(before["raised"])
    ledger_rise = Decimal(after["paid_sum"]) - Decimal(before["paid_sum"])
    new_paid = after["paid"] - before["paid"]
    lost = [g["id"] for g in completed if g["id"] not in gifts["paid"]]
    wrong = [
        g["id"]
        for g in completed
        if g["id"] in gifts["paid"] and Decimal(gifts["paid"][g["id"]]) != Decimal(g["amount"])
    ]
    doubled = new_paid - (len(completed) - len(lost))
    print(
        f"\ntotals check: {len(completed)} gifts completed through the fake, € {completed_sum}"
        f"\n  total raised (campaign_totals) rose by € {rise}; paid gifts in the ledger rose by"
        f" {new_paid} (€ {ledger_rise})"
        f"\n  lost (paid at Mollie, not paid here): {len(lost)}; counted twice: {max(doubled, 0)};"
        f" wrong amount: {len(wrong)}"
    )
    checks = {
        "0 errors": errors == 0,
        "0 lost or double-counted gifts": not lost
        and doubled == 0
        and not wrong
        and rise == completed_sum == ledger_rise,
        f"p95 of public pages < {P95_LIMIT_MS} ms": not slow,
    }
    print("\npass criteria:")
    for name, ok in checks.items():
        print(f"  [{'PASS' if ok else 'FAIL'}] {name}")
    if slow:
        print("  too slow: " + ", ".join(slow))
    print("(figures from a shared 2-core machine are noisy: compare runs side by side)")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
