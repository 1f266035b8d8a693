"""Who is acting and from where, for the audit trail and every log line.

The request middleware sets these for the duration of a request; the worker
and management commands set them with ``acting_as``. Actions never take an IP
argument: the audit facility reads it from here.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

_actor: contextvars.ContextVar = contextvars.ContextVar("orderdesk_actor", default=None)
_ip: contextvars.ContextVar = contextvars.ContextVar("orderdesk_ip", default=None)
_via: contextvars.ContextVar = contextvars.ContextVar("orderdesk_via", default="system")
# For the logs (core/logging.py): the request's id (X-Request-ID) and the object it acts on
# ("order:OD12345678", "lead:42"), set from the URL and by audit.record.
_request_id: contextvars.ContextVar = contextvars.ContextVar("orderdesk_request_id", default=None)
_object: contextvars.ContextVar = contextvars.ContextVar("orderdesk_object", default=None)


def current_actor():
    return _actor.get()


def current_ip() -> str | None:
    return _ip.get()


def current_via() -> str:
    return _via.get()


@contextmanager
def acting_as(actor, *, ip: str | None = None, via: str = "system"):
    tokens = (_actor.set(actor), _ip.set(ip), _via.set(via))
    try:
        yield
    finally:
        _actor.reset(tokens[0])
        _ip.reset(tokens[1])
        _via.reset(tokens[2])


def set_request_context(actor, ip: str | None, via: str):
    return (_actor.set(actor), _ip.set(ip), _via.set(via))


def reset_request_context(tokens) -> None:
    _actor.reset(tokens[0])
    _ip.reset(tokens[1])
    _via.reset(tokens[2])


def current_request_id() -> str | None:
    return _request_id.get()


def current_object() -> str | None:
    return _object.get()


def set_current_object(label: str | None) -> None:
    """Name the object this request (or task) acts on, for its log lines; the request
    middleware resets it at the end of the request."""
    _object.set(label)


def set_request_log_context(request_id: str | None, obj: str | None = None):
    return (_request_id.set(request_id), _object.set(obj))


def reset_request_log_context(tokens) -> None:
    _request_id.reset(tokens[0])
    _object.reset(tokens[1])


def actor_label() -> str | None:
    """The actor's username, without touching the database: a lazy ``request.user``
    that nothing has evaluated yet (so no query ran for it) is left alone."""
    actor = _actor.get()
    if actor is None:
        return None
    wrapped = getattr(actor, "_wrapped", actor)
    from django.utils.functional import empty

    if wrapped is empty:
        return None
    if not getattr(wrapped, "is_authenticated", False):
        return "anonymous"
    return wrapped.get_username()


class CustomerActor:
    """A customer acting for themselves, with no account: through a signed tracking link
    or a phone verified by a one-time code (storefront).

    Not a user (``is_authenticated`` is False, so no ``User`` foreign key is written); the
    audit trail names it ``customer:<id>`` and the order lifecycle gives it the ``customer``
    role, for that customer's own orders only.
    """

    is_authenticated = False
    is_anonymous = True

    def __init__(self, customer_id: int):
        self.customer_id = int(customer_id)

    @property
    def audit_label(self) -> str:
        return f"customer:{self.customer_id}"

    def __eq__(self, other) -> bool:
        return isinstance(other, CustomerActor) and other.customer_id == self.customer_id

    def __hash__(self) -> int:
        return hash(("customer", self.customer_id))

    def __repr__(self) -> str:
        return f"CustomerActor({self.customer_id})"
