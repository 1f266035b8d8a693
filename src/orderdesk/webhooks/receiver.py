"""A reference receiver for orderdesk's webhooks, over real HTTP: the simulator of an
integrator's side (``orderdesk webhook_receiver`` serves it for the demo; the tests start
it in a thread on 127.0.0.1 and a random port).

It does what docs/webhooks.md asks of a receiver: verify ``Orderdesk-Signature`` over
the raw body with the shared secret and a timestamp tolerance (401 when wrong), and
de-duplicate on ``Orderdesk-Event-Id`` (a repeat is answered 200 and not processed again).
It records what it saw, so tests can assert exactly-once:

- ``received``: every event id, one entry per request (failed and duplicate ones too);
- ``accepted``: event id -> the parsed body, first time only;
- ``repeats``: event ids that arrived again after being accepted;
- ``bad_signatures``: how many requests failed the signature check.

``fail = True`` answers 503 to everything (after checking the signature); ``hang_seconds``
sleeps before answering; ``hold_after = n`` holds every request once n are accepted until
``release()``, then answers 503 without accepting (a sender is then stopped mid-batch).
Nothing here is used in production.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from orderdesk.webhooks import rules


class Receiver:
    def __init__(self, secret: str = "", *, tolerance: int = 300):
        self.secret = secret
        self.tolerance = tolerance
        self.fail = False
        self.hang_seconds = 0.0
        self.hold_after: int | None = None
        self.held = threading.Event()
        self._released = threading.Event()
        self.received: list[str] = []
        self.accepted: dict[str, dict] = {}
        self.repeats: list[str] = []
        self.bad_signatures = 0
        self.headers: list[dict] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hooks"

    def start(self, host: str = "127.0.0.1", port: int = 0) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, answer = receiver.handle(raw, dict(self.headers.items()))
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a sender that gave up on a hanging request

        self._server = Server((host, port), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def serve_forever(self, host: str, port: int) -> None:
        self.start(host, port)
        while True:
            time.sleep(3600)

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def release(self) -> None:
        self.hold_after = None
        self._released.set()

    def handle(self, raw: bytes, headers: dict) -> tuple[int, dict]:
        lower = {k.lower(): v for k, v in headers.items()}
        event_id = lower.get(rules.EVENT_ID_HEADER.lower(), "")
        if self.hold_after is not None and len(self.accepted) >= self.hold_after:
            self.held.set()
            self._released.wait(timeout=300)
            return 503, {"error": "held by the test, then refused"}
        if self.hang_seconds:
            time.sleep(self.hang_seconds)
        signature = lower.get(rules.SIGNATURE_HEADER.lower(), "")
        with self._lock:
            self.received.append(event_id)
            self.headers.append(lower)
            if not rules.verify(self.secret, raw, signature, tolerance=self.tolerance):
                self.bad_signatures += 1
                return 401, {"error": "bad signature"}
            if self.fail:
                return 503, {"error": "receiver down"}
            if event_id in self.accepted:
                self.repeats.append(event_id)
                return 200, {"duplicate": True}
            self.accepted[event_id] = json.loads(raw)
            return 200, {"ok": True}
