"""A stand-in for Meta's side of WhatsApp: the customer's phone and the Cloud API, over HTTP.

``orderdesk whatsapp_simulator`` serves it for the demo; the tests start it in a
thread. It plays both ends orderdesk talks to:

- **the Graph API**: ``POST /{version}/{phone-number-id}/messages`` with the bearer
  token, answered as the Cloud API answers (``messages[0].id = "wamid.…"``); every
  send is recorded (``GET /_sim/sent``). A number in ``fail_numbers`` gets its
  message accepted and then a ``failed`` receipt (error 131026, "message
  undeliverable"), as a phone without WhatsApp does.
- **the customer and Meta's webhooks**: it POSTs to orderdesk's webhook, signed
  with the app secret exactly as Meta signs (``X-Hub-Signature-256``):
  ``sent``/``delivered``/``read`` receipts for each send (on a timer with
  ``receipt_delay``, or on request), and inbound customer messages on request:

  - ``POST /_sim/inbound`` ``{"from": "+919812345678", "text": "Hi", "name": "Asha"}``
  - ``POST /_sim/status`` ``{"id": "wamid.…", "status": "delivered"}`` (``failed``
    takes ``"code"`` and ``"title"``)
  - ``POST /_sim/replay`` ``{"n": 1}``: send the last webhook body again (a Meta retry)

Nothing here is used in production; it has no state beyond the process.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from orderdesk.messaging.rules import webhook_signature

logger = logging.getLogger(__name__)

#: Posts a webhook body: (body bytes, headers) -> HTTP status. The default uses urllib.
Poster = Callable[[bytes, dict], int]


def http_poster(url: str, timeout: float = 10.0) -> Poster:
    def post(body: bytes, headers: dict) -> int:
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    return post


@dataclass
class Simulator:
    app_secret: str
    access_token: str
    phone_number_id: str
    post: Poster | None = None  # where webhooks go; None: nowhere (sends are only recorded)
    receipt_delay: float | None = None  # seconds between sent/delivered/read; None: on request
    fail_numbers: frozenset[str] = frozenset()
    business_number: str = "919000000000"
    sent: list[dict] = field(default_factory=list)
    webhooks: list[tuple[bytes, int]] = field(default_factory=list)  # (body, orderdesk's status)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- the Graph API side -------------------------------------------------------------
    def accept(self, path: str, authorization: str, payload: dict) -> tuple[int, dict]:
        """One ``POST /{version}/{phone-number-id}/messages``: (status, answer)."""
        parts = [p for p in path.split("/") if p]
        if len(parts) != 3 or parts[1] != self.phone_number_id or parts[2] != "messages":
            return 404, _graph_error(100, "Unsupported post request.", "GraphMethodException")
        if authorization != f"Bearer {self.access_token}":
            return 401, _graph_error(190, "Invalid OAuth access token.", "OAuthException")
        to = str(payload.get("to", ""))
        kind = payload.get("type")
        if (
            payload.get("messaging_product") != "whatsapp"
            or not to
            or kind
            not in (
                "text",
                "template",
            )
        ):
            return 400, _graph_error(100, "Invalid parameter", "OAuthException")
        if kind == "text" and not (payload.get("text") or {}).get("body"):
            return 400, _graph_error(100, "Param text['body'] is required", "OAuthException")
        with self._lock:
            wamid = f"wamid.SIM{next(self._ids):08d}"
            self.sent.append({"id": wamid, **payload})
        if self.receipt_delay is not None:
            threading.Thread(target=self._receipts, args=(wamid, to), daemon=True).start()
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": wamid}],
        }

    def _receipts(self, wamid: str, to: str) -> None:
        steps = ["sent", "failed"] if to in self.fail_numbers else ["sent", "delivered", "read"]
        for status in steps:
            time.sleep(self.receipt_delay or 0)
            self.status(wamid, status, recipient=to)

    # --- the webhook side ---------------------------------------------------------------
    def _envelope(self, value: dict) -> dict:
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "SIMULATED-WABA",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": self.business_number,
                                    "phone_number_id": self.phone_number_id,
                                },
                                **value,
                            },
                        }
                    ],
                }
            ],
        }

    def deliver(self, payload: dict) -> int:
        """Sign and POST one webhook body to orderdesk. Returns orderdesk's status (0: nowhere)."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        return self.deliver_raw(body)

    def deliver_raw(self, body: bytes, *, signature: str | None = None) -> int:
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": signature or webhook_signature(body, self.app_secret),
        }
        status = self.post(body, headers) if self.post else 0
        with self._lock:
            self.webhooks.append((body, status))
        return status

    def status(
        self,
        wamid: str,
        status: str,
        *,
        recipient: str = "",
        code: int = 131026,
        title: str = "Message undeliverable",
        at: dt.datetime | None = None,
    ) -> int:
        receipt: dict = {
            "id": wamid,
            "status": status,
            "timestamp": str(int((at or dt.datetime.now(dt.UTC)).timestamp())),
            "recipient_id": recipient.lstrip("+"),
        }
        if status == "failed":
            receipt["errors"] = [{"code": code, "title": title, "error_data": {"details": title}}]
        return self.deliver(self._envelope({"statuses": [receipt]}))

    def inbound(
        self,
        from_phone: str,
        text: str,
        *,
        name: str = "",
        at: dt.datetime | None = None,
        wamid: str | None = None,
    ) -> tuple[str, int]:
        """A customer writes to us. Returns (their message id, orderdesk's status)."""
        wa_id = from_phone.lstrip("+")
        with self._lock:
            wamid = wamid or f"wamid.SIMIN{next(self._ids):08d}"
        value = {
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
            "messages": [
                {
                    "from": wa_id,
                    "id": wamid,
                    "timestamp": str(int((at or dt.datetime.now(dt.UTC)).timestamp())),
                    "type": "text",
                    "text": {"body": text},
                }
            ],
        }
        return wamid, self.deliver(self._envelope(value))

    def replay(self, n: int = 1) -> list[int]:
        """Meta retries: the last ``n`` webhook bodies again, byte for byte."""
        with self._lock:
            bodies = [body for body, _ in self.webhooks[-n:]]
        return [self.deliver_raw(body) for body in bodies]


def _graph_error(code: int, message: str, kind: str) -> dict:
    return {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "SIM"}}


def make_handler(sim: Simulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as graph.facebook.com

        def log_message(self, format, *args):
            logger.debug("simulator: " + format, *args)

        def _answer(self, status: int, payload) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                data = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return {}
            return data if isinstance(data, dict) else {}

        def do_GET(self):
            if self.path.startswith("/_sim/sent"):
                return self._answer(200, {"sent": sim.sent})
            return self._answer(404, {"error": "not found"})

        def do_POST(self):
            data = self._json()
            if self.path == "/_sim/inbound":
                wamid, status = sim.inbound(
                    str(data.get("from", "")), str(data.get("text", "")), name=data.get("name", "")
                )
                return self._answer(200, {"id": wamid, "webhook_status": status})
            if self.path == "/_sim/status":
                status = sim.status(
                    str(data.get("id", "")),
                    str(data.get("status", "delivered")),
                    code=int(data.get("code", 131026)),
                    title=str(data.get("title", "Message undeliverable")),
                )
                return self._answer(200, {"webhook_status": status})
            if self.path == "/_sim/replay":
                return self._answer(200, {"webhook_status": sim.replay(int(data.get("n", 1)))})
            status, answer = sim.accept(self.path, self.headers.get("Authorization", ""), data)
            return self._answer(status, answer)

    return Handler


def serve(sim: Simulator, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Start the simulator in a daemon thread; ``server.server_address`` has the real port.
    Stop it with ``server.shutdown(); server.server_close()``."""
    server = ThreadingHTTPServer((host, port), make_handler(sim))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
