"""A small HTTP/1.1 load generator for `make bench`: keep-alive GETs on a few connections at
once from one process, bounded in time, against 127.0.0.1 only. No dependency.

On a 2-core machine it shares the cores with gunicorn, so its own cost per answer must not
depend on the page: it finds the three headers it needs with one search each instead of
reading every header (the site's answers carry a dozen security headers a bare view does not,
and reading them cost the generator as much as a middleware costs the server)."""

from __future__ import annotations

import re
import selectors
import socket
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


class _Connection:
    def __init__(self, port: int, request: bytes):
        self.port, self.request = port, request
        self.sock: socket.socket | None = None
        self.buffer = b""
        self.started = 0.0

    def open(self) -> socket.socket:
        self.sock = socket.create_connection(("127.0.0.1", self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.buffer = b""
        return self.sock

    def send(self) -> None:
        self.started = time.perf_counter()
        self.sock.sendall(self.request)

    def response(self) -> tuple[int, bytes, bool] | None:
        """A complete response from the buffer: (status, header block, closes), or None yet."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = self.buffer[:end]
        if _CHUNKED.search(head):
            last = self.buffer.find(b"\r\n0\r\n\r\n", end)
            if last < 0:
                return None
            self.buffer = self.buffer[last + 7 :]
        else:
            length = _LENGTH.search(head)
            length = int(length[1]) if length else 0
            if len(self.buffer) < end + 4 + length:
                return None
            self.buffer = self.buffer[end + 4 + length :]
        return int(head[9:12]), head, _CLOSES.search(head) is not None


_CHUNKED = re.compile(rb"\r\ntransfer-encoding:[ \t]*chunked", re.IGNORECASE)
_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)
_CLOSES = re.compile(rb"\r\nconnection:[ \t]*close", re.IGNORECASE)


def _headers(head: bytes) -> dict[str, str]:
    headers = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _sep, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers


def _first_answer(conn: _Connection) -> None:
    """Open the connection and wait for one whole answer on it, before the clock runs.

    Opened all at once, the connections wait in the listening socket's queue until one
    gunicorn worker takes them all in one go; the other worker then idles, and on 2 cores a
    page measured at a third of its speed, by chance (in about half the rounds). One at a time,
    each connection goes to whichever worker is free first, so the figures compare the pages,
    not the luck of the split.
    """
    sock = conn.open()
    sock.setblocking(True)
    conn.send()
    while conn.response() is None:
        chunk = sock.recv(262144)
        if not chunk:
            raise ConnectionError("the server closed the connection before answering")
        conn.buffer += chunk
    sock.setblocking(False)


def load(port: int, path: str, *, seconds: float, connections: int, cookie: str = "") -> Result:
    """GET `path` on 127.0.0.1:`port` as fast as the server answers, for `seconds`."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Accept-Language: en"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    selector = selectors.DefaultSelector()
    result = Result()
    for _ in range(connections):
        conn = _Connection(port, request)
        _first_answer(conn)
        selector.register(conn.sock, selectors.EVENT_READ, conn)
        conn.send()
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for key, _events in selector.select(timeout=1):
            conn = key.data
            chunk = conn.sock.recv(262144)
            if not chunk:
                selector.unregister(conn.sock)
                conn.sock.close()
                selector.register(conn.open(), selectors.EVENT_READ, conn)
                conn.send()
                continue
            conn.buffer += chunk
            answer = conn.response()
            if answer is None:
                continue
            status, head, closes = answer
            result.latencies.append(time.perf_counter() - conn.started)
            result.requests += 1
            result.errors += status != 200
            if not result.headers:
                result.headers = _headers(head)
            if closes:
                selector.unregister(conn.sock)
                conn.sock.close()
                selector.register(conn.open(), selectors.EVENT_READ, conn)
            conn.send()
    result.seconds = time.perf_counter() - started
    for key in list(selector.get_map().values()):
        key.fileobj.close()
    return result
