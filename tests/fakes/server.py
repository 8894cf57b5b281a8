"""A small threaded HTTP server on 127.0.0.1 for fake provider APIs."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeAPI:
    """Subclasses implement `route(method, path, query, body, headers) -> (status, dict)`."""

    #: What the API answers during an outage, in the provider's own error format.
    down_body: dict = {"error": "service unavailable"}

    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.down = False  # answer 503 to every API call, like an outage
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self, method):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with api.lock:
                    api.requests.append((method, parts.path))
                    if api.down and not parts.path.startswith("/_control"):
                        status, payload = 503, api.down_body
                    else:
                        status, payload = api.route(
                            method, parts.path, parse_qs(parts.query), body, self.headers
                        )
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def do_DELETE(self):
                self._handle("DELETE")

            def do_PATCH(self):
                self._handle("PATCH")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def route(self, method, path, query, body, headers):  # pragma: no cover - abstract
        raise NotImplementedError

    def calls(self, method: str, prefix: str) -> int:
        with self.lock:
            return sum(1 for m, p in self.requests if m == method and p.startswith(prefix))
