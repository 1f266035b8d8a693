"""How an address reads aloud and on screen."""

from __future__ import annotations

import re

# A landmark typed with its own preposition ("Near Forum Mall", "Opp. the temple") keeps it.
_HAS_PREPOSITION = re.compile(
    r"^(near|nr\.?|opp\.?|opposite|behind|beside|next to|in front of|across|adjacent|"
    r"close to|above|below|beneath|inside|off|facing|after|before)\b",
    re.IGNORECASE,
)


def landmark_phrase(landmark: str | None) -> str:
    """``"Forum Mall"`` -> ``"near Forum Mall"``; ``"Near Forum Mall"`` stays as typed
    (issue 18: "near Near Forum Mall")."""
    text = (landmark or "").strip()
    if not text:
        return ""
    return text if _HAS_PREPOSITION.match(text) else f"near {text}"
