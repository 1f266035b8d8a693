"""The provider's door: ``POST /telephony/webhooks/<provider>/<secret>/``.

It answers fast and does no call work: check the secret (constant time) and, for
Twilio, the signature; store the events (``actions.store_events``, idempotent per
provider, call and event); the worker applies them. A bad secret or signature gets 403
and nothing is stored. Each request is logged with its request id (core middleware).
"""

from __future__ import annotations

import logging
from email.utils import format_datetime

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orderdesk.core.context import current_request_id
from orderdesk.telephony import actions, rules, selectors
from orderdesk.telephony.choices import ProviderName
from orderdesk.telephony.conf import conf
from orderdesk.telephony.providers import PROVIDERS, Provider, get_provider

logger = logging.getLogger(__name__)


def _forbidden() -> HttpResponse:
    return HttpResponse("forbidden", status=403, content_type="text/plain")


def _verified(request, provider: str, secret: str, door: str) -> Provider | None:
    """The check every provider request passes first, at both doors: a known provider, the
    secret (constant time) and the provider's signature over our public URL. The provider's
    adapter when it passes; None (the door answers 403 and stores nothing) otherwise."""
    settings = conf()
    if provider not in PROVIDERS or not rules.secrets_match(secret, settings.webhook_secret):
        logger.warning("%s refused: unknown provider or wrong secret (%s)", door, provider)
        return None
    adapter = get_provider(provider)
    full_url = settings.public_url.rstrip("/") + request.get_full_path()
    if not adapter.verify(request, full_url):
        logger.warning("%s refused: bad signature (%s)", door, provider)
        return None
    return adapter


@csrf_exempt  # the provider posts without our cookie; the secret and signature are the check
@require_POST
def webhook(request, provider: str, secret: str):
    adapter = _verified(request, provider, secret, "telephony webhook")
    if adapter is None:
        return _forbidden()
    events = adapter.parse_webhook(request.POST)
    new = actions.store_events(provider, events, request_id=current_request_id() or "")
    logger.info(
        "telephony webhook %s: %s event(s) %s, %d new",
        provider,
        len(events),
        ",".join(f"{e.provider_call_id}:{e.event}" for e in events),
        len(new),
    )
    return JsonResponse({"accepted": len(events), "new": len(new)})


def _twiml(body: str) -> HttpResponse:
    return HttpResponse('<?xml version="1.0" encoding="UTF-8"?>' + body, content_type="text/xml")


@csrf_exempt  # Twilio posts without our cookie; the secret and the signature are the check
@require_POST
def twilio_voice(request, secret: str):
    """A Twilio number's Voice URL: a customer calls the company number (docs/telephony.md).

    The first request (``CallStatus=ringing``, ``Direction=inbound``) is stored as the call's
    ``ringing`` event (the worker makes the call's row: the caller looked up by E.164) and is
    answered with TwiML ringing the available agents; each agent leg reports ``answered``
    to the status webhook (whose phone took it: the screen-pop); the ``<Dial action>``
    request back here carries ``DialCallStatus``: the call's end. Secret and signature are
    checked as for every callback; 403 and nothing stored otherwise.
    """
    adapter = _verified(request, ProviderName.TWILIO, secret, "twilio voice webhook")
    if adapter is None:
        return _forbidden()
    settings = conf()
    params = {k: (v[0] if len(v) == 1 else v) for k, v in request.POST.lists()}
    params.setdefault("Timestamp", format_datetime(timezone.now()))  # Twilio sends none here
    ending = bool(params.get("DialCallStatus"))
    phones = [] if ending else selectors.available_agent_phones()
    events = adapter.parse_webhook(params)
    if not ending and not phones:  # nobody to ring: the call is missed at once
        events += adapter.parse_webhook({**params, "DialCallStatus": "no-answer"})
    new = actions.store_events(ProviderName.TWILIO, events, request_id=current_request_id() or "")
    logger.info(
        "twilio voice %s: %s, %d agent(s) rung, %d new event(s)",
        params.get("CallSid", ""),
        params.get("DialCallStatus") or params.get("CallStatus", ""),
        len(phones),
        len(new),
    )
    if ending:
        return _twiml("<Response><Hangup/></Response>")
    action = settings.public_url.rstrip("/") + reverse(
        "telephony:twilio_voice", kwargs={"secret": settings.webhook_secret}
    )
    return _twiml(
        adapter.inbound_twiml(
            agent_numbers=phones,
            action=action,
            status_callback=actions.webhook_url(ProviderName.TWILIO),
        )
    )
