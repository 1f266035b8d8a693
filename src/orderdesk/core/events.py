"""Domain events: how the domain apps announce a change to the apps above them (issue 20).

A lower app (orders, cx, leads, or ``core.statemachine`` for every guarded move) calls
``announce(name, obj, **data)`` inside the transaction of the change; every listener an
upper app registered in its ``AppConfig.ready()`` (``register_listener``) runs right
there, in the same transaction. So whatever a listener writes (the webhooks app's outbox
rows) commits or rolls back with the change itself; a refused change announces nothing
that survives.

The names announced:

- ``order.created`` (``orders.actions.create_order``), ``ticket.opened``
  (``cx.actions.opening``);
- ``<machine>.transition`` for every move ``core.statemachine.perform`` makes
  (``order``, ``ticket``, ``lead``), with ``frm`` and ``to``.

A listener must not raise for an event it does not care about; an exception it raises
refuses the change (as any error inside the transaction does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction


@dataclass(frozen=True)
class DomainEvent:
    name: str  # "order.created", "order.transition", ...
    obj: models.Model
    data: dict[str, Any] = field(default_factory=dict)


Listener = Callable[[DomainEvent], None]
_listeners: list[Listener] = []


def register_listener(listener: Listener) -> None:
    """Add ``listener`` (once; a second registration of the same function is ignored)."""
    if listener not in _listeners:
        _listeners.append(listener)


def announce(name: str, obj: models.Model, **data: Any) -> None:
    """Tell every listener, inside the caller's transaction (refused outside one)."""
    if not _listeners:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events.announce runs inside the change's transaction.atomic")
    event = DomainEvent(name=name, obj=obj, data=data)
    for listener in list(_listeners):
        listener(event)
