"""`make bench BENCH_ARGS=pages`: each public page's requests per second under gunicorn, side by
side with a bare Django view without middleware (the framework's floor) and the site's own bare
view behind all its middleware; at demo size and with 50 prisoners and 100,000 paid gifts.

Needs PostgreSQL (gunicorn's workers share the throwaway database with this process), and wrk
and ss (bench/load.py says how to install them).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from urllib.request import urlopen

from bench.load import Result, load, require_tools
from bench.servers import copy_database, gunicorn, on_server, site_env

# Seconds (wrk counts whole ones): a warm-up, then each measured round.
WARM_UP, ROUND, CONNECTIONS = 1, 1, 8
# Each page's rounds, each one after a round of the bare Django view and one of the site's bare
# view: the three meet the same moment of a shared machine, and a ratio is the median of the
# rounds' own ratios. Apart, the bare view alone moved by 16% between two runs.
TRIPLETS = 9
# Alternating rounds of the two sizes, page by page (see sizes_side_by_side).
PAIRS = 9
WORKERS = 2
# What the README's deployment line says; `pages-sync` measures the alternative.
GTHREAD = ["--worker-class", "gthread", "--workers", str(WORKERS), "--threads", "4"]
SYNC = ["--worker-class", "sync", "--workers", str(WORKERS)]


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


@dataclass
class Row:
    """A page's rounds, each with the bare Django view's and the site's bare view's before it."""

    page: list[Result] = field(default_factory=list)
    bare: list[Result] = field(default_factory=list)
    site: list[Result] = field(default_factory=list)
    # The page cache's answer to one request after the warm-up ("hit", "miss"), if any.
    state: str = ""

    def ratios(self, to: str) -> list[float]:
        floors = getattr(self, to)
        return sorted(p.per_second / f.per_second for p, f in zip(self.page, floors, strict=True))


def _warm(port: int, path: str) -> str:
    # One whole answer first: a page's copy or a PDF is built before the clock runs.
    urlopen(f"http://127.0.0.1:{port}{path}", timeout=300).read()  # noqa: S310
    load(port, path, seconds=WARM_UP, connections=CONNECTIONS, check_split=False)
    with urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as answer:  # noqa: S310
        return answer.headers.get("X-Page-Cache") or answer.headers.get("X-Form-Cache") or ""


def alternated(bare_port: int, site_port: int, port: int, path: str, check_split=True) -> Row:
    """TRIPLETS rounds of the page, each after a round of each bare view."""
    row = Row()
    _warm(bare_port, "/bare/")
    _warm(site_port, "/bench/bare/")
    row.state = _warm(port, path)
    for _ in range(TRIPLETS):
        for results, at, where in (
            (row.bare, bare_port, "/bare/"),
            (row.site, site_port, "/bench/bare/"),
            (row.page, port, path),
        ):
            results.append(
                load(at, where, seconds=ROUND, connections=CONNECTIONS, check_split=check_split)
            )
    return row


def _pages() -> dict[str, tuple[str, str]]:
    """Each page measured: the server it is measured on (the page cache on, off, or off with
    no home-page card kept either) and its address."""
    from prisoners.models import Prisoner
    from reports.data import closed_years

    slug = Prisoner.objects.published().order_by("order", "name").first().slug
    rendered = {
        "home": "/en/",
        "prisoner page": f"/en/prisoners/{slug}/",
        "how we use the money": "/en/how-we-use-the-money/",
        "where the money went": "/en/where-the-money-went/",
        "ANBI page": "/en/anbi/",
    }
    pages = {f"{name} (cached)": ("cached", path) for name, path in rendered.items()}
    pages["privacy statement (cached)"] = ("cached", "/en/privacy/")
    pages["public PDF (built once)"] = ("cached", "/en/report.pdf")
    year = closed_years()[0]
    pages[f"statements {year} PDF (built once)"] = (
        "cached",
        f"/en/anbi/financial-statements/{year}.pdf",
    )
    pages["donate (form)"] = ("cached", "/en/donate/")
    pages["bank transfer (form)"] = ("cached", "/en/bank-transfer/")
    pages |= {f"{name} (uncached)": ("uncached", path) for name, path in rendered.items()}
    # The only page with parts kept apart: its prisoner cards (public/cards.py).
    pages["home (uncached, no card kept)"] = ("cold", "/en/")
    return pages


def run_size(label: str, report_dir: str, workers: list[str] = GTHREAD) -> dict[str, Row]:
    check_split = workers is GTHREAD  # sync workers close each connection after one answer
    rows: dict[str, Row] = {}
    with (
        gunicorn("bench.bare_app:application", workers) as bare,
        gunicorn("crowdfund.wsgi:application", workers, **site_env(report_dir, True)) as cached,
        gunicorn("crowdfund.wsgi:application", workers, **site_env(report_dir, False)) as fresh,
        gunicorn("crowdfund.wsgi:application", workers, **site_env(report_dir, "cold")) as cold,
    ):
        servers = {"cached": cached, "uncached": fresh, "cold": cold}
        for name, (server, path) in _pages().items():
            rows[name] = alternated(bare, cached, servers[server], path, check_split)
    _print(label, rows)
    return rows


def _print(label: str, rows: dict[str, Row]) -> None:
    every = [r for row in rows.values() for r in (*row.page, *row.bare, *row.site)]
    bare = [r for row in rows.values() for r in row.bare]
    site = Row(
        page=[r for row in rows.values() for r in row.site],
        bare=bare,
        site=[r for row in rows.values() for r in row.site],
    )
    print(f"-- {label} --")
    print(
        f"{'':40} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'÷ bare Django':>21} "
        f"{'÷ site bare':>21} errors"
    )
    _line("bare Django view, no middleware", Row(page=bare, bare=bare, site=bare))
    _line("site's bare view, full middleware", site)
    for name, row in rows.items():
        _line(name, row)
    redone = sum(r.redone for r in every)
    splits = [r.split for r in every if r.split]
    if splits:
        fewest = min(split[-1] for split in splits)
        print(
            f"each round's {CONNECTIONS} connections over the {WORKERS} workers: at least "
            f"{fewest} on each; {redone} of {len(every) + redone} rounds started again for an "
            f"uneven split"
        )
    _goals(rows, site)


def _line(name: str, row: Row) -> None:
    def ratio(to: str) -> str:
        values = row.ratios(to)
        return f"{_median(values):5.2f} ({values[0]:.2f}–{values[-1]:.2f})"

    print(
        f"{name:40} {_median([r.per_second for r in row.page]):7.0f} "
        f"{_median([r.p50 for r in row.page]) * 1000:7.1f} "
        f"{_median([r.p99 for r in row.page]) * 1000:7.1f} {ratio('bare'):>21} "
        f"{ratio('site'):>21} {sum(r.errors for r in row.page):6}"
        + (f"  ({row.state})" if row.state else "")
    )


def _goals(rows: dict[str, Row], site: Row) -> None:
    def verdict(name: str, value: float, goal: float) -> str:
        return f"  {name}: {value:.2f} ({'met' if value >= goal else 'NOT met'})"

    cached = {n: _median(r.ratios("site")) for n, r in rows.items() if n.endswith("(cached)")}
    forms = {n: _median(r.ratios("bare")) for n, r in rows.items() if n.endswith("(form)")}
    print("goals (medians of the rounds' ratios):")
    print(verdict("site's bare view >= 0.6 x bare Django", _median(site.ratios("bare")), 0.6))
    for name, value in cached.items():
        print(verdict(f"{name} >= 0.8 x the site's bare view", value, 0.8))
    for name, value in forms.items():
        print(verdict(f"{name} >= 0.3 x bare Django", value, 0.3))


def grow(prisoners: int, gifts: int) -> float:
    """Published prisoners up to `prisoners`, then `gifts` paid gifts spread over every fund
    and two years, with 3,000 donors and some without an email (bank transfers)."""
    from django.db import connection

    from ledger.models import Donation
    from prisoners.models import Prisoner

    started = time.perf_counter()
    existing = Prisoner.objects.count()
    for n in range(existing, prisoners):
        Prisoner.objects.create(
            name=f"Preso Ejemplo {n}",
            slug=f"preso-bench-{n}",
            summary_es=f"Resumen {n}",
            summary_en=f"Summary {n}",
            story_es=f"<p>Historia {n}</p>" * 40,
            story_nl=f"<p>Verhaal {n}</p>" * 40,
            story_en=f"<p>Story {n}</p>" * 40,
            is_published=True,
            consent_given_by="Family",
            consent_given_on=date(2021, 1, 1),
            order=n,
        )
    funds = [None, *Prisoner.objects.values_list("pk", flat=True)]
    methods = ["ideal", "card", "bank_transfer", "other_online"]
    batch = 5000
    for start in range(0, gifts, batch):
        Donation.objects.bulk_create(
            Donation(
                amount=Decimal(5 + i % 95) + Decimal(i % 100) / 100,
                status="paid",
                method=methods[i % 4],
                prisoner_id=funds[i % len(funds)],
                received_on=date(2024, 1, 1) + timedelta(days=i % 730),
                donor_email="" if i % 10 == 0 else f"donor{i % 3000}@example.org",
            )
            for i in range(start, min(start + batch, gifts))
        )
    # As a database at rest would be: else autovacuum wakes up for the 100,000 new rows while
    # the large half is measured, and every page there seemed up to 1.3x slower.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def bench_pages(workers_too: bool = False) -> None:
    from django.core.management import call_command
    from django.db import connection

    print("== Public pages under gunicorn (goals: site's bare view >= 0.6 x bare Django; cached")
    print("   pages >= 0.8 x the site's bare view; donate and bank transfer >= 0.3 x bare Django;")
    print("   at 50 prisoners and 100,000 gifts at most 1.2 x slower than at demo size) ==")
    if connection.vendor != "postgresql":
        print("skipped: needs PostgreSQL (set DATABASE_URL=postgres://…)")
        return
    require_tools()
    call_command("createcachetable", verbosity=0)
    report_dir = tempfile.mkdtemp()
    print(
        f"gunicorn {' '.join(GTHREAD)}; wrk, {CONNECTIONS} keep-alive connections; each page "
        f"{TRIPLETS} rounds of {ROUND} s, each after a round of either bare view"
    )
    demo = run_size("demo size (7 prisoners, a few gifts)", report_dir)
    if workers_too:
        run_size("the same with sync workers", report_dir, SYNC)
    demo_database = copy_database("demo")
    seconds = grow(50, 100_000)
    print(f"grew to 50 prisoners and 100,000 paid gifts in {seconds:.0f} s")
    from reports.totals_check import totals_differences

    differences = totals_differences()
    print("running totals agree with the ledger" if not differences else differences[:5])
    large = run_size("50 prisoners, 100,000 paid gifts", report_dir)
    print("-- slowdown at 100,000 gifts, runs minutes apart (req/s at demo size ÷ at 100,000) --")
    for name, row in large.items():
        before = _median([r.per_second for r in demo[name].page])
        print(f"{name:40} {before / _median([r.per_second for r in row.page]):6.2f} x")
    try:
        sizes_side_by_side(report_dir, demo_database)
    finally:
        on_server(f'DROP DATABASE IF EXISTS "{demo_database}"')


def sizes_side_by_side(report_dir: str, demo_database: str) -> None:
    """The pages that read the data, at both sizes at once, in alternating rounds: runs
    minutes apart met different moments of a shared machine, and moved by 20% between two runs
    of the same code."""
    print(
        f"-- slowdown at 100,000 gifts side by side: both sizes served at once, median of "
        f"{PAIRS} alternating rounds (demo req/s ÷ large req/s), with its range --"
    )
    pages = _pages()
    chosen: dict = {False: {}, "cold": {}}
    for name, (server, path) in pages.items():
        if server == "uncached" or "(form)" in name or "statements" in name:
            chosen[False][name] = path
        elif server == "cold":
            chosen["cold"][name] = path
    for mode, paths in chosen.items():
        with (
            gunicorn(
                "crowdfund.wsgi:application", GTHREAD, **site_env(report_dir, mode, demo_database)
            ) as demo,
            gunicorn("crowdfund.wsgi:application", GTHREAD, **site_env(report_dir, mode)) as large,
        ):
            for name, path in paths.items():
                ratios = _paired(demo, large, path)
                spread = f"(from {ratios[0]:.2f} to {ratios[-1]:.2f})"
                print(f"{name:40} {_median(ratios):6.2f} x  {spread}")


def _paired(first: int, second: int, path: str) -> list[float]:
    for port in (first, second):
        _warm(port, path)
    ratios = []
    for _ in range(PAIRS):
        a = load(first, path, seconds=ROUND, connections=CONNECTIONS)
        b = load(second, path, seconds=ROUND, connections=CONNECTIONS)
        ratios.append(a.per_second / max(b.per_second, 0.001))
    return sorted(ratios)
