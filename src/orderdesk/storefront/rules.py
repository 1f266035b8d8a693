"""The storefront's rules as pure functions: device search, one-time codes, bot checks.

No database, no writes; ``actions`` and ``selectors`` call these.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

# --- device search with typo tolerance ------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


def _word_score(typed: str, candidates: list[str]) -> float:
    """How well one typed word matches the best word of a device name (0..1).

    A prefix counts fully ("iph" → "iphone"); otherwise the similarity ratio of the
    two words, so one wrong, missing, extra or swapped letter still scores high
    ("samsng" → "samsung" 0.92, "iphoen" → "iphone" 0.83).
    """
    best = 0.0
    for word in candidates:
        if word.startswith(typed) and (len(typed) >= 2 or typed == word):
            return 1.0
        if typed.isdigit() or word.isdigit():
            # numbers must match exactly (an "iPhone 13" is not an "iPhone 15")
            score = 1.0 if typed == word else 0.0
        else:
            score = SequenceMatcher(None, typed, word).ratio()
        best = max(best, score)
    return best


def match_score(query: str, name: str) -> float:
    """0..1: every typed word must find a close word in ``name`` (brand + model)."""
    typed = words(query)
    if not typed:
        return 0.0
    candidates = words(name)
    scores = [_word_score(t, candidates) for t in typed]
    if min(scores) < 0.7:  # one typed word with no close match: not this device
        return 0.0
    return sum(scores) / len(scores)


def rank_devices(query: str, names: dict[int, str], *, limit: int = 20) -> list[int]:
    """The ids of ``names`` ({id: "Brand Model"}) that match ``query``, best first."""
    scored = [(match_score(query, name), name, pk) for pk, name in names.items()]
    scored = [s for s in scored if s[0] > 0]
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [pk for _, _, pk in scored[:limit]]


# --- bots --------------------------------------------------------------------------


def looks_like_a_bot(
    *, honeypot: str, shown_at: float | None, now: float, min_seconds: int
) -> bool:
    """A filled hidden field, or a form sent back faster than a person can fill it."""
    if (honeypot or "").strip():
        return True
    if shown_at is None:
        return True  # the form was never shown in this session
    return now - shown_at < min_seconds
