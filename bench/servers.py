"""The servers `make bench BENCH_ARGS=pages` measures: gunicorn serving the site or the bare
Django view on a free port, and the throwaway PostgreSQL databases behind them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(name: str = "") -> str:
    from django.db import connection

    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgres://{s['USER']}{password}@{host}/{name or s['NAME']}"


def on_server(*statements: str) -> None:
    import psycopg
    from django.db import connection

    s = connection.settings_dict
    # Nobody may be connected to a database that is copied: this process lets go of it.
    connection.close()
    server = {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432, "user": s["USER"]}
    with psycopg.connect(**server, password=s["PASSWORD"] or None, dbname="postgres") as admin:
        admin.autocommit = True
        for statement in statements:
            admin.execute(statement)


def copy_database(suffix: str) -> str:
    """The bench's database as it is now, copied (PostgreSQL's TEMPLATE), so that two sizes
    can be measured side by side."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    copy = f"{name}_{suffix}"
    on_server(f'DROP DATABASE IF EXISTS "{copy}"', f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    return copy


@contextmanager
def gunicorn(app: str, workers: list[str], **env):
    """A gunicorn serving `app` on a free port of 127.0.0.1, stopped afterwards."""
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", *workers]
    # --reuse-port: a listening socket per worker, so that the kernel spreads the load
    # generator's connections over them (bench/load.py).
    command += ["--log-level", "warning", "--keep-alive", "5", "--reuse-port"]
    environment = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(command, cwd=ROOT, env=environment)  # noqa: S603
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def site_env(report_dir: str, cached: bool | str, database: str = "") -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.site_settings",
        "DATABASE_URL": _database_url(database),
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REPORT_CACHE_DIR": report_dir,
        "BENCH_PAGE_CACHE": cached if isinstance(cached, str) else "1" if cached else "0",
    }
