"""What telephony announces to the apps above it, without importing them (STYLE: layers).

An upper app registers a receiver at ``ready()``; telephony calls every receiver with the
call, inside the transaction that ended it (so a receiver's writes commit or roll back with
the call's). ``leads`` registers ``leads.calls.call_ended``: an unanswered call on a lead
becomes its contact attempt.
"""

from __future__ import annotations

from collections.abc import Callable

_call_ended: list[Callable] = []


def on_call_ended(receiver: Callable) -> None:
    if receiver not in _call_ended:
        _call_ended.append(receiver)


def call_ended_receivers() -> tuple[Callable, ...]:
    return tuple(_call_ended)
