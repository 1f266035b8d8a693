"""The call's state machine and the providers' words, as pure functions (no database writes).

A call's status only moves forward: each status has a rank, and an event whose status
ranks at or below the call's present one changes no status (an ``answered`` callback
that arrives after the ``completed`` one is stale). Terminal statuses share the top rank:
the first terminal event decides and is final. Facts (answered/ended time, talk time,
recording URL) are filled in only when still empty, so the final record does not depend
on the order the provider's events arrived in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable

from orderdesk.telephony.choices import CallEventType, CallStatus

RANK: dict[str, int] = {
    CallStatus.QUEUED: 0,
    CallStatus.INITIATED: 1,
    CallStatus.RINGING: 2,
    CallStatus.ANSWERED: 3,
    CallStatus.COMPLETED: 4,
    CallStatus.BUSY: 4,
    CallStatus.NO_ANSWER: 4,
    CallStatus.FAILED: 4,
    CallStatus.CANCELED: 4,
}
TERMINAL = frozenset(s for s, r in RANK.items() if r == 4)
ACTIVE = frozenset(s for s, r in RANK.items() if r < 4)
#: Ended without a conversation: these become the contact attempt by themselves (D9 counts them).
UNANSWERED = frozenset(
    {CallStatus.BUSY, CallStatus.NO_ANSWER, CallStatus.FAILED, CallStatus.CANCELED}
)


def moves_forward(current: str, new: str) -> bool:
    """May a call in ``current`` move to ``new``? Only to a higher rank; a terminal is final."""
    return RANK[new] > RANK[current]


def status_for_event(event: str, provider_status: str = "") -> str | None:
    """Our status for a normalised event (``terminal`` needs the provider's final status)."""
    if event == CallEventType.INITIATED:
        return CallStatus.INITIATED
    if event == CallEventType.RINGING:
        return CallStatus.RINGING
    if event == CallEventType.ANSWERED:
        return CallStatus.ANSWERED
    if event == CallEventType.TERMINAL:
        return terminal_status(provider_status)
    return None  # a recording callback carries facts, not a status


def terminal_status(provider_status: str) -> str:
    """Exotel (completed, failed, busy, no-answer) and Twilio (+ canceled) final words."""
    word = (provider_status or "").strip().lower().replace("_", "-")
    return {
        "completed": CallStatus.COMPLETED,
        "busy": CallStatus.BUSY,
        "no-answer": CallStatus.NO_ANSWER,
        "failed": CallStatus.FAILED,
        "canceled": CallStatus.CANCELED,
        "cancelled": CallStatus.CANCELED,
    }.get(word, CallStatus.FAILED)


def twilio_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """Twilio's X-Twilio-Signature: base64(HMAC-SHA1(auth token, URL + each POST key+value,
    keys sorted)). Repeated keys contribute every value, in order."""
    data = url + "".join(f"{k}{v}" for k, v in sorted(params, key=lambda kv: kv[0]))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def secrets_match(given: str, expected: str) -> bool:
    """Constant-time comparison; an unset secret never matches."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())
