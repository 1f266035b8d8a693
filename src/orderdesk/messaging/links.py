"""The customer's tracking link: signed, expiring, for one order (storefront serves it).

Every message about an order carries one (``enqueue_message`` fills the template
variable ``tracking_url``). The token is ``django.core.signing`` over the order's
canonical number with its own salt, so a token minted for anything else (a CSAT
link, a session) never opens an order, and a changed character breaks the
signature. It expires ``TRACKING_LINK_DAYS`` after the message that carried it
(``ORDERDESK["STOREFRONT"]``); a later message carries a fresh one.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "orderdesk.storefront.tracking"


def _conf() -> dict:
    return settings.ORDERDESK["STOREFRONT"]


def tracking_token(order_number: str) -> str:
    return signing.dumps({"o": str(order_number)}, salt=SALT, compress=True)


def public_url() -> str:
    """The customer-facing site's address (``ORDERDESK["CX"]["PUBLIC_URL"]``), no trailing
    slash: every link a message carries starts here."""
    return settings.ORDERDESK["CX"]["PUBLIC_URL"].rstrip("/")


def tracking_url(order_number: str) -> str:
    """The absolute link a customer opens (``PUBLIC_URL`` + ``/t/<token>/``)."""
    return f"{public_url()}/t/{tracking_token(order_number)}/"


def read_tracking_token(token: str) -> str | None:
    """The order number a valid, unexpired token names; None for a forged, mangled or old one."""
    try:
        data = signing.loads(token, salt=SALT, max_age=_conf()["TRACKING_LINK_DAYS"] * 24 * 60 * 60)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    number = data.get("o") if isinstance(data, dict) else None
    return number if isinstance(number, str) and number else None
