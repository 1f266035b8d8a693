"""Providers are adapters behind one interface (N2): ``send(outgoing) -> provider message id``.

- ``HttpGatewayProvider``: a real SMS or WhatsApp gateway over HTTPS, configured
  by URL and key (``SMS_GATEWAY_URL``/``SMS_GATEWAY_KEY``, ``WHATSAPP_GATEWAY_*``).
- ``EmailProvider``: Django's e-mail backend (SMTP in production, console in
  development).
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

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
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


class ProviderError(Exception):
    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


class Provider:
    name = "provider"

    def send(self, outgoing: Outgoing) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class HttpGatewayProvider(Provider):
    """POST ``{url}`` with JSON ``{channel, to, body, idempotency_key}``, a bearer key and an
    ``Idempotency-Key`` header; a 2xx answer carries ``{"id": "<provider message id>"}``."""

    name = "http"

    def __init__(self, url: str, key: str, timeout: float):
        if not url:
            raise ProviderError("No gateway URL is configured for this channel.", retryable=True)
        self.url, self.key, self.timeout = url, key, timeout

    def send(self, outgoing: Outgoing) -> str:
        payload = json.dumps(
            {
                "channel": outgoing.channel,
                "to": outgoing.to,
                "body": outgoing.body,
                "idempotency_key": outgoing.key,
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is ours, from settings
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.key}",
                "Idempotency-Key": outgoing.key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as exc:
            retryable = exc.code >= 500 or exc.code in (408, 409, 425, 429)
            detail = exc.read()[:200].decode(errors="replace")
            raise ProviderError(
                f"gateway answered {exc.code}: {detail}", retryable=retryable
            ) from exc
        except (TimeoutError, OSError) as exc:  # URLError, refused, reset, timed out
            raise ProviderError(f"gateway unreachable: {exc}", retryable=True) from exc
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


def provider_for(channel: str, settings_: MessagingConf | None = None) -> Provider:
    c = settings_ or conf()
    choice = {
        Channel.SMS: c.sms_provider,
        Channel.WHATSAPP: c.whatsapp_provider,
        Channel.EMAIL: c.email_provider,
    }[channel]
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
