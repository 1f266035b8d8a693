"""Who is acting and from where, for the audit trail.

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
