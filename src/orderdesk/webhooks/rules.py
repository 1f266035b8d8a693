"""The webhooks' pure rules: the signature scheme, the SSRF check, which events a change makes.

Signature (docs/webhooks.md): each try carries

    Orderdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
    Orderdesk-Event-Id: evt_…      (the same on every try and replay: de-duplicate on it)
    Orderdesk-Event: order.created

A receiver recomputes the HMAC over the exact bytes it received, compares in constant
time, and refuses a timestamp more than the tolerance away from its clock (a replayed
capture is refused even though its signature is right).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import time
from urllib.parse import urlsplit

from orderdesk.webhooks.choices import EventType

SIGNATURE_HEADER = "Orderdesk-Signature"
EVENT_ID_HEADER = "Orderdesk-Event-Id"
EVENT_HEADER = "Orderdesk-Event"

# Problem codes (docs/problem-codes.md).
URL_SCHEME = "webhook_url_scheme"
URL_PRIVATE = "webhook_url_private"
URL_INVALID = "webhook_url_invalid"
UNKNOWN_EVENT = "webhook_unknown_event"
NO_EVENTS = "webhook_no_events"
NOT_PAUSED = "webhook_endpoint_not_paused"
NOT_REPLAYABLE = "webhook_delivery_in_flight"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The ``Orderdesk-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str, body: bytes, header: str, *, tolerance: int = 300, now: float | None = None
) -> bool:
    """The receiver's check: a ``v1`` signature over ``<t>.<body>`` and a fresh ``t``."""
    parts: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts.get("t", [""])[0])
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))


def retry_delay(tries: int, *, base: int, cap: int) -> float:
    """Back-off before try ``tries + 1``: base · 2^(tries-1), capped (no jitter needed:
    deliveries to one endpoint are spread by their events)."""
    return float(min(cap, base * 2 ** max(0, tries - 1)))


def _address_refusal(address: str) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        return f"{address} is a private, loopback or reserved address"
    return None


def url_refusal(url: str, *, allow_private: bool, resolve=socket.getaddrinfo):
    """SSRF: (code, message) when ``url`` may not receive webhooks, else None.

    http(s) only, a host, no credentials in the URL; every address the host resolves to
    must be public unless ``allow_private`` (the demo's and the tests' local receiver).
    Checked at registration and again before every try (DNS can change).
    """
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        return URL_INVALID, "Not a valid URL."
    if parts.scheme not in ("http", "https"):
        return URL_SCHEME, "Only http:// and https:// URLs can receive webhooks."
    if not parts.hostname:
        return URL_INVALID, "The URL names no host."
    if parts.username or parts.password:
        return URL_INVALID, "Put no user name or password in the URL; the signature authenticates."
    if allow_private:
        return None
    try:
        infos = resolve(parts.hostname, port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError):
        return URL_INVALID, f"The host {parts.hostname} does not resolve."
    for info in infos:
        refusal = _address_refusal(info[4][0])
        if refusal:
            return URL_PRIVATE, f"Refused: {parts.hostname} resolves to {refusal}."
    return None


def webhook_events(name: str, frm: str = "", to: str = "") -> list[str]:
    """The webhook events a domain event (``core.events``) makes, in order."""
    if name == "order.created":
        return [EventType.ORDER_CREATED]
    if name == "ticket.opened":
        return [EventType.TICKET_OPENED]
    if name == "order.transition":
        found = [EventType.ORDER_STATUS_CHANGED]
        if to == "cancelled":
            found.append(EventType.ORDER_CANCELLED)
        if to == "paid":
            found.append(EventType.ORDER_PAID)
        return found
    if name == "ticket.transition":
        if to == "escalated":
            return [EventType.TICKET_ESCALATED]
        if to == "resolved":
            return [EventType.TICKET_RESOLVED]
        return []
    if name == "lead.transition" and to == "closed":
        return [EventType.LEAD_CLOSED]
    return []
