"""The admin screenshots in docs/treasurer.md and docs/editor.md, made from the demo data.

Run from the repository root as `make screenshots` (or `.venv/bin/python docs/screenshots.py`).
It needs Chromium (Debian's `chromium` package; playwright's own browsers are not used) and
touches nothing of a running site: everything happens in a throwaway directory.

1. A fresh SQLite database, media and report folders in a temporary directory; `migrate` and
   `load_demo` fill it, as `make run` does.
2. `runserver` on a free port, with DEBUG on, so that the demo staff accounts log in without a
   second factor (OTP_DEMO_SKIP).
3. Chromium, at 1280 x 800 in English, logs in as `treasurer` and as `editor`, opens each page
   the guides describe (found through the admin's index, not guessed) and saves a PNG of it to
   docs/img/<guide>-<name>.png. The demo data is topped up the way a site fills up: three
   visitors give through the donate form and the demo checkout with a message of support (the
   editors' review queue), and the treasurer imports a small bank statement of the demo
   campaign's account through the upload form (the review queue of statement lines).

A page that answers an error, a login that does not get through or a page that is not in English
stops the run with a non-zero exit. The server and the temporary directory are removed in every
case.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image
from playwright.sync_api import Page, Response, sync_playwright

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "img"
GUIDES = ("treasurer", "editor")
PASSWORD = "demo-password"  # noqa: S105 - the demo accounts of load_demo, DEBUG only.
VIEWPORT = {"width": 1280, "height": 800}
# The site's TIME_ZONE: otherwise the admin's date fields add "you are 1 hour behind".
TIMEZONE = "Europe/Amsterdam"
# No picture taller than this: a guide is read beside the admin, not instead of it.
MAX_HEIGHT = 1100
# Settings that would reach past the throwaway directory (a shared cache, a bucket, a payment
# provider, an error tracker, a mail server) are left out of the server's environment.
OUTSIDE = ("REDIS_URL", "SENTRY_DSN", "ALLOWED_HOSTS", "TRUSTED_PROXIES")
OUTSIDE_PREFIXES = ("S3_", "MOLLIE_", "STRIPE_", "EMAIL_")

sys.path.insert(0, str(REPO))
from demo import content as demo  # noqa: E402 - plain data, no Django needed.


class ScreenshotError(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(tmp: Path, site_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in OUTSIDE and not key.startswith(OUTSIDE_PREFIXES)
    }
    env.update(
        DJANGO_SETTINGS_MODULE="crowdfund.settings",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        DEBUG="1",
        OTP_DEMO_SKIP="1",
        TASKS_IMMEDIATE="1",
        DEMO_PAYMENTS="1",
        SITE_URL=site_url,
        MEDIA_ROOT=str(tmp / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp / "private"),
        REPORT_CACHE_DIR=str(tmp / "reports"),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own manage.py, with our own arguments.
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise ScreenshotError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )


def wait_for_server(server: subprocess.Popen, url: str, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ScreenshotError(f"runserver stopped ({server.returncode}):\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - our localhost.
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise ScreenshotError(f"runserver did not answer {url} within {timeout:.0f} s:\n{tail(log)}")


def tail(log: Path, chars: int = 3000) -> str:
    try:
        return log.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def stop(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def demo_statement(today: date) -> bytes:
    """A CAMT.053 statement of the demo campaign's account, with a line of each kind the
    treasurer's guide names: gifts with a reference, a payout, and lines left for review."""
    iban = demo.CAMPAIGN["iban"]
    prisoner_ref = demo.PRISONERS[0][3]
    other_ref = demo.PRISONERS[1][3]
    general_ref = demo.CAMPAIGN["general_reference"]
    # (days ago, amount, credit, counterparty, their IBAN, description). All names invented.
    lines = [
        (6, "25.00", True, "J. Voorbeeld", "NL02RABO0123456789", f"{prisoner_ref} donatie"),
        (6, "50.00", True, "Buurthuis Ejemplo", "NL69INGB0123456789", f"{general_ref} algemeen"),
        (5, "30.00", True, "M. Ficticio", "NL39RABO0300065264", "Voor de gevangenen, sterkte"),
        (5, "40.00", True, "P. Inventado", "NL44RABO0123456780", f"{prisoner_ref} en {other_ref}"),
        (4, "120.00", True, "Stichting Mollie Payments", "NL57RABO0123456788", "Uitbetaling"),
        (3, "80.00", False, "Advocatenkantoor Voorbeeld", "NL12SNSB0123456789", "Factuur 17"),
    ]
    opening = Decimal("1000.00")
    closing = opening + sum(Decimal(a) if c else -Decimal(a) for _, a, c, *_ in lines)
    first, last = today - timedelta(days=7), today - timedelta(days=1)
    entries = []
    for number, (days, amount, credit, name, their_iban, text) in enumerate(lines, 1):
        day = today - timedelta(days=days)
        role, indicator = ("Dbtr", "CRDT") if credit else ("Cdtr", "DBIT")
        party = (
            f"<{role}><Nm>{name}</Nm></{role}>"
            f"<{role}Acct><Id><IBAN>{their_iban}</IBAN></Id></{role}Acct>"
        )
        entries.append(
            f"""<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>
<Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>
<AcctSvcrRef>DEMO-{day:%Y%m%d}-{number}</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties>{party}</RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf>
</TxDtls></NtryDtls></Ntry>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>DEMO-{last:%Y%m%d}</MsgId><CreDtTm>{last}T23:00:00</CreDtTm></GrpHdr>
<Stmt><Id>DEMO-{last:%Y-%m-%d}</Id>
<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{first}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{last}</Dt></Dt></Bal>
{"".join(entries)}
</Stmt></BkToCstmrStmt></Document>
""".encode()


class Browser:
    """One logged-in staff member's tab, with the checks every page must pass."""

    def __init__(self, page: Page, base: str, guide: str, written: list[Path]):
        self.page, self.base, self.guide, self.written = page, base, guide, written
        self.index: dict[str, str] = {}
        self.problems: dict[str, int] = {}
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message) -> None:
        # A failed resource is reported, with its address, by _response; Chromium's own
        # favicon.ico request is not the site's.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            text = message.text.split(". Either the")[0]
            self._problem(f"{self.guide}: {self.page.url.split(self.base)[-1]}: {text}")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self._problem(f"{self.guide}: {response.status} for {response.url}")

    def _problem(self, text: str) -> None:
        self.problems[text] = self.problems.get(text, 0) + 1

    def check(self, response: Response | None, what: str) -> None:
        page = self.page
        if response is None:
            raise ScreenshotError(f"{self.guide}: no answer for {what}")
        if response.status >= 400:
            raise ScreenshotError(f"{self.guide}: {what} answered {response.status}")
        if "/admin/login/" in page.url or "/admin/2fa/" in page.url:
            raise ScreenshotError(f"{self.guide}: {what} sent us to {page.url}")
        language = page.evaluate("document.documentElement.lang")
        if not language.startswith("en"):
            raise ScreenshotError(f"{self.guide}: {what} is in {language!r}, not English")
        errors = page.locator(".messagelist .error, .errornote")
        if errors.count():
            raise ScreenshotError(f"{self.guide}: {what} says: {errors.first.inner_text()}")

    def login(self) -> None:
        page = self.page
        page.goto(f"{self.base}/admin/login/?next=/admin/")
        page.fill("#id_username", self.guide)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation() as navigation:
            page.click("#login-form [type=submit]")
        if urlsplit(page.url).path != "/admin/":
            message = page.locator(".errornote, .errorlist").all_inner_texts()
            raise ScreenshotError(f"login as {self.guide} failed at {page.url}: {message}")
        self.check(navigation.value, "the admin index after logging in")
        # The lists this account may open, by the address the index links to.
        for link in page.locator("#content-main th a, #content-main caption a").all():
            self.index[link.get_attribute("href")] = link.inner_text().strip()

    def admin_list(self, app_label: str, model: str) -> str:
        """The list's address, as the index links to it: a list that moved or that this account
        cannot see any more stops the run, rather than leaving the guide wrong."""
        path = f"/admin/{app_label}/{model}/"
        if path not in self.index:
            raise ScreenshotError(
                f"{self.guide}: the admin index has no {path}; it has {sorted(self.index)}"
            )
        return path

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        self.check(response, path)

    def click(self, selector: str, what: str) -> None:
        with self.page.expect_navigation() as navigation:
            self.page.locator(selector).first.click()
        self.check(navigation.value, what)

    def shoot(
        self,
        name: str,
        *,
        top: str | None = None,
        bottom: str | None = None,
        height: int = MAX_HEIGHT,
        width: int | None = None,
        margin: int = 12,
    ) -> None:
        """Save the page from the top (or from `top`'s element) to the end of `bottom`'s
        element, at most `height` pixels tall; `width` narrows it, from the left of `top`'s
        element (or of the page)."""
        page = self.page
        page.evaluate("window.scrollTo(0, 0)")
        page_height = page.evaluate("document.documentElement.scrollHeight")
        x0 = y0 = 0
        if top:
            box = self._box(top)
            y0 = max(0, int(box["y"]) - margin)
            if width:
                x0 = max(0, int(box["x"]) - margin)
        y1 = page_height
        if bottom:
            box = self._box(bottom)
            y1 = min(page_height, int(box["y"] + box["height"]) + margin)
        y1 = min(y1, y0 + height)
        clip = {
            "x": x0,
            "y": y0,
            "width": min(width or VIEWPORT["width"], VIEWPORT["width"] - x0),
            "height": y1 - y0,
        }
        self._hidden_columns()
        png = page.screenshot(full_page=True, clip=clip)
        target = OUT / f"{self.guide}-{name}.png"
        with Image.open(io.BytesIO(png)) as image:
            # The admin has few colours; a palette keeps the text sharp at a fraction of the size.
            image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
                target, optimize=True
            )
        self.written.append(target)

    def _hidden_columns(self) -> None:
        """A list whose columns run past its scrolling box: worth a note, since the picture
        (and the treasurer at this width) only sees them by scrolling sideways."""
        hidden = self.page.evaluate(
            """() => {
                const box = document.querySelector('#changelist .results');
                if (!box) return [];
                const right = box.getBoundingClientRect().right;
                return Array.from(box.querySelectorAll('thead th'))
                    .map(th => [th.innerText.trim(), th.getBoundingClientRect()])
                    .filter(([text, r]) => text && r.right > right + 8)
                    .map(([text, r]) => r.left >= right ? text
                         : `${text} (${Math.round(r.right - right)} of ${Math.round(r.width)} px)`);
            }"""
        )
        if hidden:
            path = self.page.url.split(self.base)[-1]
            columns = ", ".join(hidden)
            self._problem(f"{self.guide}: {path}: columns hidden at 1280 px: {columns}")

    def _box(self, selector: str) -> dict:
        box = self.page.locator(selector).first.bounding_box()
        if box is None:
            raise ScreenshotError(f"{self.guide}: nothing visible at {selector} on {self.page.url}")
        return box


def donors(shots: Browser) -> None:
    """Three paid gifts with a message of support, through the public donate form and the demo
    checkout, so that the editors' review queue has messages waiting in it."""
    gifts = [
        (0, "María Ejemplo", "Fuerza, {first}. Te esperamos en casa.", "first_name"),
        (1, "Pieter Voorbeeld", "Veel sterkte, {first}. Je bent niet vergeten.", "full_name"),
        (2, "Lucía Ficticia", "Un abrazo grande desde Rotterdam, {first}.", "no_name"),
    ]
    page = shots.page
    for number, (prisoner, name, message, signature) in enumerate(gifts, 1):
        slug, prisoner_name = demo.PRISONERS[prisoner][:2]
        shots.open(f"/en/donate/?prisoner={slug}")
        page.fill("#id_donor_name", name)
        page.fill("#id_donor_email", f"demo.giver{number}@example.org")
        page.click("details.more summary")
        page.fill("#id_public_message", message.format(first=prisoner_name.split()[0]))
        page.check("#id_message_is_public")
        page.check(f"input[name=message_signature][value={signature}]")
        page.check("#id_consent")
        shots.click("#donate-submit", "the donate form")
        shots.click("button[name=outcome][value=paid]", "the demo checkout")
        if "/donate/thanks/" not in page.url:
            raise ScreenshotError(f"donor: the demo gift ended at {page.url}")


def treasurer(shots: Browser, statement: Path) -> None:
    shots.open("/admin/")
    shots.shoot("index", bottom="#content-main", height=1600)

    # Books -> Bank statements -> Add: the upload form, then the file imported through it.
    shots.admin_list("ledger", "bankstatement")
    shots.open("/admin/ledger/bankstatement/add/")
    shots.shoot("statement-upload", bottom="#content")
    shots.page.set_input_files("input[type=file]", str(statement))
    shots.click("#content-main [type=submit]", "importing the demo statement")
    if "/admin/ledger/statementline/" not in shots.page.url:
        raise ScreenshotError(f"treasurer: the import ended at {shots.page.url}")
    warnings = shots.page.locator(".messagelist .warning")
    if warnings.count():
        raise ScreenshotError(f"treasurer: the import warns: {warnings.all_inner_texts()}")
    if not shots.page.locator("#result_list tbody tr").count():
        raise ScreenshotError("treasurer: the review queue is empty after the import")
    shots.shoot("statement-lines", bottom="#changelist")

    shots.open(shots.admin_list("ledger", "donation"))
    shots.shoot("donations", bottom="#changelist", height=900)

    shots.admin_list("ledger", "expense")
    shots.open("/admin/ledger/expense/add/")
    shots.shoot("expense", bottom="#content")

    shots.open(shots.admin_list("reports", "fundoverview"))
    shots.shoot("fund-balances", bottom="table.fund-balances")
    shots.shoot(
        "attention",
        top="#content-main h2:has-text('attention')",
        bottom="#content-main p:has(a[href$='/report/'])",
        width=560,
    )
    # Reports -> Fund balances -> Treasurer's report, as the guide walks it.
    shots.click("#content-main a[href$='/report/']", "the treasurer's report form")
    shots.shoot("report", bottom="#content")

    shots.open(shots.admin_list("ledger", "ledgerentry"))
    shots.shoot("journal", bottom="#changelist", height=700)

    shots.open(shots.admin_list("agreements", "periodicgiftagreement"))
    shots.shoot("agreements", bottom="#changelist", height=700)


def editor(shots: Browser) -> None:
    shots.open("/admin/")
    shots.shoot("index", bottom="#content-main")

    shots.open(shots.admin_list("prisoners", "prisoner"))
    shots.shoot("prisoners", bottom="#changelist")
    # The first prisoner's page: name, situation and photo; then the languages, publication
    # and money.
    shots.click("#result_list tbody tr th a", "a prisoner's page")
    shots.shoot("prisoner", bottom="fieldset:has(h2:text-is('Photo'))")
    shots.shoot(
        "prisoner-languages",
        top="fieldset:has(h2:text-is('Español'))",
        bottom="fieldset:has(h2:text-is('Money'))",
    )

    shots.open(shots.admin_list("prisoners", "update"))
    shots.shoot("updates", bottom="#changelist", height=700)

    shots.open(shots.admin_list("messages_of_support", "messageofsupport"))
    if shots.page.locator("#result_list tbody tr").count() < 3:
        raise ScreenshotError("editor: the demo gifts' messages are not waiting for review")
    shots.shoot("messages", bottom="#changelist", height=700)


def main() -> int:
    started = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("Chromium not found: install Debian's chromium package.", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="crowdfund-screenshots-"))
    server = None
    written: list[Path] = []
    problems: dict[str, int] = {}
    try:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = server_environment(tmp, base)
        print(f"Demo database in {tmp}")
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        statement = tmp / "demo-statement.xml"
        statement.write_bytes(demo_statement(date.today()))
        log = tmp / "runserver.log"
        with log.open("w") as log_file:
            server = subprocess.Popen(  # noqa: S603 - our own manage.py.
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=REPO,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        wait_for_server(server, f"{base}/healthz", log)
        print(f"Serving on {base}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium)
            try:
                for role in ("donor", *GUIDES):
                    context = browser.new_context(
                        viewport=VIEWPORT, locale="en-US", timezone_id=TIMEZONE
                    )
                    shots = Browser(context.new_page(), base, role, written)
                    if role == "donor":
                        donors(shots)
                    elif role == "treasurer":
                        shots.login()
                        treasurer(shots, statement)
                    else:
                        shots.login()
                        editor(shots)
                    problems.update(shots.problems)
                    context.close()
            finally:
                browser.close()
    except ScreenshotError as error:
        print(f"screenshots: {error}", file=sys.stderr)
        return 1
    finally:
        stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
        for path in written:
            print(f"wrote {path.relative_to(REPO)} ({path.stat().st_size // 1024} KB)")
    for path in sorted(set(OUT.glob("*.png")) - set(written)):
        if path.name.startswith(tuple(f"{guide}-" for guide in GUIDES)):
            print(f"removed {path.relative_to(REPO)}: no page makes it any more")
            path.unlink()
    for problem, count in problems.items():
        print(f"note: {problem}" + (f" ({count} times)" if count > 1 else ""))
    total = sum(path.stat().st_size for path in written)
    elapsed = time.monotonic() - started
    print(f"{len(written)} screenshots, {total / 1e6:.1f} MB, in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
