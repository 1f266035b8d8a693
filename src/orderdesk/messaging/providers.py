"""Providers are adapters behind one interface (N2): ``send(outgoing) -> provider message id``.

- ``HttpGatewayProvider``: a real SMS or WhatsApp gateway over HTTPS, configured
  by URL and key (``SMS_GATEWAY_URL``/``SMS_GATEWAY_KEY``, ``WHATSAPP_GATEWAY_*``).
- ``EmailProvider``: Django's e-mail backend (SMTP in production, console in
  development).
- ``WhatsAppCloudProvider``: Meta's WhatsApp Cloud API (``POST /{phone-number-id}/messages``
  on the Graph API), free text or an approved template, over a keep-alive connection
  (docs/whatsapp.md). ``WHATSAPP_PROVIDER = "cloud"``.
- ``FileProvider``: the demo's stand-in for SMS and WhatsApp: one JSON line per
  message in ``var/messages.jsonl`` and a log line.

Every adapter passes ``outgoing.key`` (the message's ``provider_key``) to the
provider as its idempotency key: the sender delivers at least once (a crash
after the provider accepted a message but before we recorded it means one more
try), and the provider's de-duplication on that key makes it exactly once.

An adapter raises ``ProviderError(retryable=...)``: retryable errors (timeouts,
5xx, 429, connection refused) are retried with back-off; permanent ones (4xx: an
invalid number, a rejected template) fail the message at once.
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
import urllib.parse
from dataclasses import dataclass, field
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage

from orderdesk.messaging.choices import Channel
from orderdesk.messaging.conf import MessagingConf, conf

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    key: str  # the idempotency key the provider de-duplicates on
    channel: str
    to: str
    subject: str
    body: str
    language: str = "en"
    # SMS in India: the DLT template this wording is registered as, and our entity id.
    dlt_template_id: str = ""
    dlt_entity_id: str = ""
    # WhatsApp: an approved template's name and its positional parameters; blank = free text.
    whatsapp_template: str = ""
    template_params: list = field(default_factory=list)


class ProviderError(Exception):
    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


class Provider:
    name = "provider"

    def send(self, outgoing: Outgoing) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class KeepAlive:
    """One persistent HTTP(S) connection per thread and host: the sender sends a batch over
    one TLS session instead of a handshake per message. A connection the server closed is
    reopened once; a second failure is the caller's ProviderError."""

    def __init__(self):
        self._local = threading.local()

    def _connection(self, scheme: str, netloc: str, timeout: float) -> http.client.HTTPConnection:
        pool = self._local.__dict__.setdefault("pool", {})
        key = (scheme, netloc)
        conn = pool.get(key)
        if conn is None:
            cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            conn = pool[key] = cls(netloc, timeout=timeout)
        conn.timeout = timeout
        return conn

    def _drop(self, scheme: str, netloc: str) -> None:
        conn = self._local.__dict__.get("pool", {}).pop((scheme, netloc), None)
        if conn is not None:
            conn.close()

    def request(self, method: str, url: str, *, body: bytes, headers: dict, timeout: float):
        """(status, body bytes). Raises OSError/HTTPException when the server cannot be reached."""
        parts = urllib.parse.urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        for attempt in (1, 2):
            conn = self._connection(parts.scheme, parts.netloc, timeout)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed the idle connection: one fresh connection, then give up.
                self._drop(parts.scheme, parts.netloc)
                if attempt == 2:
                    raise
                continue
            except (OSError, http.client.HTTPException):
                self._drop(parts.scheme, parts.netloc)
                raise
            if response.will_close:
                self._drop(parts.scheme, parts.netloc)
            return response.status, data
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        for conn in self._local.__dict__.pop("pool", {}).values():
            conn.close()


#: Shared by every HTTP gateway and WhatsApp Cloud provider in this process (one connection
#: per sender thread and host).
KEEP_ALIVE = KeepAlive()


class HttpGatewayProvider(Provider):
    """POST ``{url}`` with JSON ``{channel, to, body, idempotency_key}``, a bearer key and an
    ``Idempotency-Key`` header; a 2xx answer carries ``{"id": "<provider message id>"}``.

    Over the process's keep-alive pool (``KEEP_ALIVE``: one persistent connection per sender
    thread and gateway host), not a new connection per message; the timeout is unchanged and
    applies to connecting and to each read."""

    name = "http"

    def __init__(self, url: str, key: str, timeout: float, session: KeepAlive | None = None):
        if not url:
            raise ProviderError("No gateway URL is configured for this channel.", retryable=True)
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ProviderError(f"The gateway URL must be http(s): {url!r}.", retryable=True)
        self.url, self.key, self.timeout = url, key, timeout
        self.session = session or KEEP_ALIVE

    def send(self, outgoing: Outgoing) -> str:
        fields = {
            "channel": outgoing.channel,
            "to": outgoing.to,
            "body": outgoing.body,
            "idempotency_key": outgoing.key,
        }
        if outgoing.channel == Channel.SMS:
            # India's DLT: operators drop an SMS whose template and entity ids are missing.
            fields["dlt_template_id"] = outgoing.dlt_template_id
            fields["dlt_entity_id"] = outgoing.dlt_entity_id
        payload = json.dumps(fields).encode()
        try:
            status, body = self.session.request(
                "POST",
                self.url,
                body=payload,
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {self.key}",
                    "Idempotency-Key": outgoing.key,
                },
                timeout=self.timeout,
            )
        except (TimeoutError, OSError, http.client.HTTPException) as exc:  # refused, reset, timeout
            raise ProviderError(f"gateway unreachable: {exc}", retryable=True) from exc
        if not 200 <= status < 300:
            retryable = status >= 500 or status in (408, 409, 425, 429)
            detail = body[:200].decode(errors="replace")
            raise ProviderError(f"gateway answered {status}: {detail}", retryable=retryable)
        try:
            return str(json.loads(body)["id"])
        except (ValueError, KeyError, TypeError):
            # Accepted (2xx) but unreadable: not retried, the provider has it.
            logger.warning("gateway accepted %s without an id: %r", outgoing.key, body[:200])
            return f"unknown:{outgoing.key}"


class EmailProvider(Provider):
    """Django's e-mail backend. The Message-ID is derived from the key, so a resent
    copy carries the same Message-ID and mail clients show it once."""

    name = "email"

    def send(self, outgoing: Outgoing) -> str:
        message_id = make_msgid(idstring=outgoing.key, domain="orderdesk")
        email = EmailMessage(
            subject=outgoing.subject,
            body=outgoing.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[outgoing.to],
            headers={"Message-ID": message_id, "X-Orderdesk-Message-Key": outgoing.key},
        )
        try:
            email.send(fail_silently=False)
        except Exception as exc:
            # SMTPRecipientsRefused is a permanent no; anything else may pass.
            import smtplib

            permanent = isinstance(exc, smtplib.SMTPRecipientsRefused)
            raise ProviderError(f"e-mail not sent: {exc}", retryable=not permanent) from exc
        return message_id


class FileProvider(Provider):
    """The demo gateway: appends one JSON line per message and logs it. Each line
    carries the key, so a reader de-duplicates the rare resend after a crash."""

    name = "file"

    def __init__(self, path):
        self.path = path

    def send(self, outgoing: Outgoing) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(outgoing.__dict__, ensure_ascii=False) + "\n")
        logger.info(
            "message %s %s to %s: %s",
            outgoing.key,
            outgoing.channel,
            outgoing.to[-4:],
            outgoing.body[:80],
        )
        return f"file:{outgoing.key}"


#: Cloud API error codes that will not pass on a retry (the number, the template, the window,
#: the customer's block or spam limit). Everything else 4xx is permanent too, except rate limits.
WHATSAPP_RETRYABLE_CODES = frozenset({4, 80007, 130429, 131000, 131016, 131048, 131056, 133004})


class WhatsAppCloudProvider(Provider):
    """Meta's WhatsApp Cloud API: ``POST {base}/{version}/{phone-number-id}/messages``.

    Free text (``type: text``) or an approved template (``type: template`` with the body's
    parameters in order). The answer's ``messages[0].id`` (``wamid.…``) is the provider
    message id that the webhook's statuses name. The Cloud API has no idempotency key:
    ``biz_opaque_callback_data`` carries ours, so a rare duplicate after a crash can be
    recognised in the receipts (docs/whatsapp.md, failure modes).
    """

    name = "whatsapp_cloud"

    def __init__(self, c: MessagingConf, session: KeepAlive | None = None):
        if not (c.whatsapp_phone_number_id and c.whatsapp_access_token):
            raise ProviderError(
                "WhatsApp Cloud API: WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_ACCESS_TOKEN are not set.",
                retryable=True,
            )
        self.url = (
            f"{c.whatsapp_cloud_base_url}/{c.whatsapp_api_version}/"
            f"{c.whatsapp_phone_number_id}/messages"
        )
        self.token = c.whatsapp_access_token
        self.timeout = c.gateway_timeout
        self.session = session or KEEP_ALIVE

    @staticmethod
    def payload(outgoing: Outgoing) -> dict:
        body: dict = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": outgoing.to.lstrip("+"),  # the Cloud API takes the number without "+"
            "biz_opaque_callback_data": outgoing.key,
        }
        if outgoing.whatsapp_template:
            template: dict = {
                "name": outgoing.whatsapp_template,
                "language": {"code": outgoing.language or "en"},
            }
            if outgoing.template_params:
                template["components"] = [
                    {
                        "type": "body",
                        "parameters": [
                            {"type": "text", "text": str(p)} for p in outgoing.template_params
                        ],
                    }
                ]
            body |= {"type": "template", "template": template}
        else:
            body |= {"type": "text", "text": {"preview_url": False, "body": outgoing.body}}
        return body

    def send(self, outgoing: Outgoing) -> str:
        data = json.dumps(self.payload(outgoing), ensure_ascii=False).encode()
        try:
            status, answer = self.session.request(
                "POST",
                self.url,
                body=data,
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {self.token}",
                },
                timeout=self.timeout,
            )
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            raise ProviderError(f"WhatsApp Cloud API unreachable: {exc}", retryable=True) from exc
        try:
            parsed = json.loads(answer or b"{}")
        except ValueError:
            parsed = {}
        if 200 <= status < 300:
            try:
                return str(parsed["messages"][0]["id"])
            except (KeyError, IndexError, TypeError):
                logger.warning("WhatsApp accepted %s without an id: %r", outgoing.key, answer[:200])
                return f"unknown:{outgoing.key}"
        error = parsed.get("error", {}) if isinstance(parsed, dict) else {}
        code = error.get("code")
        # 401: our token expired or was revoked: not this message's fault; retried until ops fix it.
        retryable = status >= 500 or status in (401, 429) or code in WHATSAPP_RETRYABLE_CODES
        raise ProviderError(
            f"WhatsApp Cloud API answered {status}: code {code}: "
            f"{str(error.get('message') or answer[:200])[:300]}",
            retryable=retryable,
        )


def provider_for(channel: str, settings_: MessagingConf | None = None) -> Provider:
    c = settings_ or conf()
    choice = {
        Channel.SMS: c.sms_provider,
        Channel.WHATSAPP: c.whatsapp_provider,
        Channel.EMAIL: c.email_provider,
    }[channel]
    if choice == "cloud" and channel == Channel.WHATSAPP:
        return WhatsAppCloudProvider(c)
    if choice == "http":
        if channel == Channel.WHATSAPP:
            return HttpGatewayProvider(
                c.whatsapp_gateway_url, c.whatsapp_gateway_key, c.gateway_timeout
            )
        return HttpGatewayProvider(c.sms_gateway_url, c.sms_gateway_key, c.gateway_timeout)
    if choice == "email":
        return EmailProvider()
    if choice == "file":
        return FileProvider(c.file_path)
    raise ProviderError(f"Unknown provider {choice!r} for {channel}.", retryable=False)
