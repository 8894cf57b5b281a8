"""Helpers for tests/crowdfund/test_two_instances.py: app instances under gunicorn, and a
small browser (cookies, CSRF, forms with files) that talks to them over HTTP."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    """A management command in the instances' environment; its output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stderr}"
    return result.stdout


@dataclass
class Instance:
    """One app server: gunicorn with gthread workers, as deploy/ runs it."""

    name: str
    env: dict
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            str(GUNICORN),
            "crowdfund.wsgi",
            f"--bind=127.0.0.1:{self.port}",
            "--workers=2",
            "--worker-class=gthread",
            "--threads=2",
            "--timeout=120",
            f"--error-logfile={self.log}",
        ]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def wait_until_up(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} stopped:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"{self.name} did not answer /healthz:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class Browser:
    """One visitor: a cookie jar shared by every instance (they share the host), and a made-up
    client address passed as our trusted proxy would."""

    def __init__(self, address: str):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )
        self.address = address

    def _csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def request(self, url: str, *, data: bytes | None = None, headers=None) -> Answer:
        all_headers = {
            "X-Forwarded-For": self.address,
            "Accept-Language": "en",
            **(headers or {}),
        }
        if data is not None:
            all_headers.update({"X-CSRFToken": self._csrf(), "Referer": url})
        request = urllib.request.Request(url, data=data, headers=all_headers)
        try:
            with self.opener.open(request, timeout=120) as answer:
                return Answer(answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    def get(self, url: str) -> Answer:
        return self.request(url)

    def post(self, url: str, fields: dict, files: dict | None = None) -> Answer:
        fields = {"csrfmiddlewaretoken": self._csrf(), **fields}
        if not files:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            body, kind = _multipart(fields, files)
        return self.request(url, data=body, headers={"Content-Type": kind})


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def image_src(html: str, css_class: str) -> str:
    return re.search(rf'<img class="{css_class}" src="([^"]+)"', html).group(1)


def clean_env(**overrides) -> dict:
    """The machine's environment without what the test run sets for itself."""
    unset = {"DEBUG", "SITE_URL", "DEMO_PAYMENTS", "TASKS_IMMEDIATE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in unset and not k.startswith("S3_")}
    return {**env, **overrides}
