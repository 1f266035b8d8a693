"""A real local HTTP gateway for tests and the benchmark (127.0.0.1, a random free port).

It de-duplicates on the idempotency key, as a real SMS/WhatsApp provider does,
and records what it saw so tests can assert exactly-once:

- ``received``: every key, one entry per request that reached it (failed ones too);
- ``accepted``: key -> provider message id, for the requests it accepted;
- ``resent``: keys that arrived again after being accepted (answered with the same id).

It can be told to fail a share of calls (503), to refuse for good (400) or to
hang (longer than the client's timeout). ``hold_after = n`` holds every request that
arrives once n are accepted (``held`` is set) until ``release()``, then answers 503
without accepting: a sender is then certainly stopped in the middle of a batch.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway:
    def __init__(self, *, fail_rate: float = 0.0, seed: int = 7):
        self.fail_rate = fail_rate
        self.refuse = False
        self.hang_seconds = 0.0
        self.delay = 0.0
        self.hold_after: int | None = None
        self.held = threading.Event()
        self._released = threading.Event()
        self.received: list[str] = []
        self.accepted: dict[str, str] = {}
        self.accepted_at: dict[str, float] = {}
        self.resent: list[str] = []
        self.bodies: dict[str, dict] = {}
        self.auth_headers: set[str] = set()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/messages"

    def start(self) -> Gateway:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real providers offer
            # TCP_NODELAY, as real servers set: the answer goes out in two writes (headers,
            # then body), and with Nagle on, the body waits for the client's delayed ACK
            # (40 ms) on a keep-alive connection: 25 requests/s per connection.
            disable_nagle_algorithm = True

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                key = self.headers.get("Idempotency-Key") or payload.get("idempotency_key")
                status, answer = gateway.handle(key, payload, self.headers.get("Authorization", ""))
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client that gave up on a hanging request is expected here

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.request_queue_size = 128
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def release(self) -> None:
        self.hold_after = None
        self._released.set()

    def handle(self, key: str, payload: dict, auth: str) -> tuple[int, dict]:
        if self.hold_after is not None and len(self.accepted) >= self.hold_after:
            self.held.set()
            self._released.wait(timeout=300)
            return 503, {"error": "held by the test, then refused"}
        if self.hang_seconds:
            time.sleep(self.hang_seconds)
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.received.append(key)
            self.auth_headers.add(auth)
            if key in self.accepted:
                self.resent.append(key)
                return 200, {"id": self.accepted[key], "duplicate": True}
            if self.refuse:
                return 400, {"error": "invalid destination"}
            if self.fail_rate and self._random.random() < self.fail_rate:
                return 503, {"error": "try later"}
            provider_id = f"gw-{len(self.accepted) + 1}"
            self.accepted[key] = provider_id
            self.accepted_at[key] = time.time()
            self.bodies[key] = payload
            return 200, {"id": provider_id}

    def received_counts(self) -> Counter:
        with self._lock:
            return Counter(self.received)
