"""The provider's door: ``POST /telephony/webhooks/<provider>/<secret>/``.

It answers fast and does no call work: check the secret (constant time) and, for
Twilio, the signature; store the events (``actions.store_events``, idempotent per
provider, call and event); the worker applies them. A bad secret or signature gets 403
and nothing is stored. Each request is logged with its request id (core middleware).
"""

from __future__ import annotations

import logging

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orderdesk.core.context import current_request_id
from orderdesk.telephony import actions, rules
from orderdesk.telephony.conf import conf
from orderdesk.telephony.providers import PROVIDERS, get_provider

logger = logging.getLogger(__name__)


@csrf_exempt  # the provider posts without our cookie; the secret and signature are the check
@require_POST
def webhook(request, provider: str, secret: str):
    settings = conf()
    if provider not in PROVIDERS or not rules.secrets_match(secret, settings.webhook_secret):
        logger.warning("telephony webhook refused: unknown provider or wrong secret (%s)", provider)
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    adapter = get_provider(provider)
    full_url = settings.public_url.rstrip("/") + request.get_full_path()
    if not adapter.verify(request, full_url):
        logger.warning("telephony webhook refused: bad signature (%s)", provider)
        return HttpResponse("forbidden", status=403, content_type="text/plain")
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
