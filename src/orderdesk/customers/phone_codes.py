"""One-time phone codes as pure functions (issue 21, 10: shared by the storefront and the app).

No database, no writes; ``flows.phone_codes`` sends and checks the codes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


def new_salt() -> str:
    return secrets.token_hex(16)


def code_digest(code: str, salt: str) -> str:
    """HMAC-SHA256 of the code with a per-code salt, keyed by SECRET_KEY: a leaked table
    cannot be turned back into codes without the key. (The key's label keeps its old
    ``storefront`` name so codes sent before the move still check.)"""
    key = hashlib.sha256(f"orderdesk.storefront.code:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(typed: str, salt: str, digest: str) -> bool:
    typed = re.sub(r"\s", "", typed or "")
    return hmac.compare_digest(code_digest(typed, salt), digest)


def conf() -> dict:
    """The code's lifetime and attempt limit (``ORDERDESK["STOREFRONT"]``, where they began)."""
    return settings.ORDERDESK["STOREFRONT"]
