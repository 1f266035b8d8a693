"""One state-machine helper for every status field (issue 14, item 3): orders, tickets, leads.

A ``Machine`` is a transition table — ``(from, to) -> Move`` — plus how its model keeps
history and audit. A ``Move`` names its ``guards`` (checks that refuse with a
``DomainError``), its ``effects`` (what the move does to the row and around it, in the
table's order) and its ``after`` effects (what goes out once the history row exists: the
outbox messages). ``perform(machine, obj, to, ...)`` is the one guarded transition:

1. the move must be in the table (else the machine's ``illegal`` refusal, e.g. 409
   ``illegal_transition``); a move to the same state is a no-op when ``same_state_noop``;
2. the machine's guards, then the move's, in order: the first refusal raises and nothing
   has been written;
3. the move's effects, in order (each may add to ``change.data``, which feeds the history
   row and the audit event);
4. a conditional UPDATE of the row — ``UPDATE … SET status=<to>, … WHERE id=<id> AND
   status=<from>``: the row count decides. 0 rows means someone moved the row first (a
   stale or concurrent move): 409 ``state_changed``, and nothing is kept;
5. the history row (``machine.history``), the audit event through ``core.audit.record``
   (the one masking path), exactly once each;
6. the move's ``after`` effects (outbox messages keyed on the history row).

All of it runs inside the caller's atomic block (``perform`` refuses to run outside one),
so a refusal at any step rolls back everything before it. The caller still locks the row
(``select_for_update``) when two people can act at once; the conditional UPDATE is the
net under the lock, and the whole mechanism for bulk paths that cannot lock every row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import models, transaction

from orderdesk.core import audit, events
from orderdesk.core.errors import Conflict, DomainError

M = TypeVar("M", bound=models.Model)

STATE_CHANGED = "state_changed"  # 409: the row is no longer in the state the move is from


@dataclass
class Change(Generic[M]):
    """One transition under way: what guards read and effects write."""

    machine: Machine[M]
    obj: M
    frm: str
    to: str
    actor: Any = None
    # What the caller was given and knows (inputs, the acting role, ``now``...): guards and
    # effects read it; the helper does not interpret it.
    context: dict[str, Any] = field(default_factory=dict)
    # What the move did, for the history row and the audit event ``after`` (effects add).
    data: dict[str, Any] = field(default_factory=dict)
    before: dict[str, Any] | None = None  # the audit event's ``before`` (machine.snapshot)
    history: models.Model | None = None  # the history row, once written (step 5)


Guard = Callable[[Change], None]  # raises a DomainError to refuse; writes nothing
Effect = Callable[[Change], None]  # changes ``change.obj`` (and around it); may add to data


@dataclass(frozen=True)
class Move:
    """One entry of a transition table: the checks and the named effects of ``from -> to``."""

    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    after: tuple[Effect, ...] = ()  # once the history row exists: outbox messages

    def effect_names(self) -> tuple[str, ...]:
        """The effects' names, in order (for docs and tests)."""
        return tuple(effect_name(e) for e in (*self.effects, *self.after))


def effect_name(fn: Callable) -> str:
    return getattr(fn, "effect_name", None) or getattr(fn, "__name__", repr(fn))


def named(name: str, fn: Effect) -> Effect:
    """``fn`` under ``name`` (for parametrised effects such as ``notify_customer(kind)``)."""

    def effect(change: Change) -> None:
        fn(change)

    effect.effect_name = name  # type: ignore[attr-defined]
    effect.__name__ = name
    return effect


@dataclass(frozen=True)
class Machine(Generic[M]):
    """A model's state machine: its table and how it keeps history and audit."""

    name: str  # the audit prefix: "order" -> "order.transition"
    model: type[M]
    table: Mapping[tuple[str, str], Move]
    illegal: Callable[[str, str], DomainError]  # the refusal of a move not in the table
    field: str = "status"
    guards: tuple[Guard, ...] = ()  # checked before every move's own guards
    same_state_noop: bool = False  # a move to the current state does nothing (leads)
    # The fields the UPDATE writes besides ``field`` (None: every concrete field, as
    # ``save()`` would, ``auto_now`` included). The caller saves anything else it changes.
    write_fields: tuple[str, ...] | None = None
    snapshot: Callable[[M], dict] | None = None  # the audit ``before``
    history: Callable[[Change], models.Model] | None = None  # writes the history row
    audit_action: str = "transition"  # "" : the caller writes one composite audit event

    def move_for(self, frm: str, to: str) -> Move | None:
        return self.table.get((frm, to))


def perform(
    machine: Machine[M],
    obj: M,
    to: str,
    *,
    actor=None,
    context: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> Change[M] | None:
    """Move ``obj`` to ``to`` through ``machine`` (steps in the module docstring).

    Returns the ``Change`` (``history`` set when the machine keeps one), or None for a
    no-op move to the same state. Raises the machine's refusal, a guard's, an effect's, or
    409 ``state_changed`` when the row is no longer in the state ``obj`` says.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("statemachine.perform runs inside the caller's transaction.atomic")
    frm = str(getattr(obj, machine.field))
    to = str(to)
    if frm == to and machine.same_state_noop:
        return None
    move = machine.move_for(frm, to)
    if move is None:
        raise machine.illegal(frm, to)
    change = Change(
        machine=machine,
        obj=obj,
        frm=frm,
        to=to,
        actor=actor,
        context=dict(context or {}),
        data=dict(data or {}),
        before=machine.snapshot(obj) if machine.snapshot else None,
    )
    for guard in (*machine.guards, *move.guards):
        guard(change)
    for effect in move.effects:
        effect(change)
    _write(machine, obj, frm, to)
    if machine.history is not None:
        change.history = machine.history(change)
    if machine.audit_action:
        audit.record(
            f"{machine.name}.{machine.audit_action}",
            obj,
            actor=actor,
            before=change.before,
            after={machine.field: to, **change.data},
        )
    for effect in move.after:
        effect(change)
    # Upper apps hear of the move in the same transaction (webhooks: core.events).
    events.announce(f"{machine.name}.transition", obj, frm=frm, to=to, data=dict(change.data))
    return change


def perform_if_current(
    machine: Machine[M],
    obj: M,
    to: str,
    *,
    actor=None,
    context: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> Change[M] | None:
    """``perform`` for bulk paths that read rows without locking them (an SLA sweep, a
    closing job): a row someone moved meanwhile is skipped — None, and everything this move
    wrote is rolled back to a savepoint — instead of refusing the whole batch. Only the
    rows actually moved get their history row and audit event."""
    try:
        with transaction.atomic():
            return perform(machine, obj, to, actor=actor, context=context, data=data)
    except Conflict as exc:
        if exc.code != STATE_CHANGED:
            raise
        return None


def _write(machine: Machine, obj: models.Model, frm: str, to: str) -> None:
    """The conditional UPDATE: the row moves only if it is still in ``frm``."""
    setattr(obj, machine.field, to)
    opts = obj._meta
    if machine.write_fields is None:
        fields = [f for f in opts.concrete_fields if not f.primary_key]
    else:
        names = {machine.field, *machine.write_fields}
        fields = [f for f in opts.concrete_fields if f.name in names or f.attname in names]
        fields += [
            f for f in opts.concrete_fields if getattr(f, "auto_now", False) and f not in fields
        ]
    values = {f.attname: f.pre_save(obj, False) for f in fields}
    rows = machine.model._base_manager.filter(pk=obj.pk, **{machine.field: frm}).update(**values)
    if rows != 1:
        setattr(obj, machine.field, frm)
        raise Conflict(
            f"This {machine.name} is no longer {frm}: someone changed it meanwhile. "
            "Reload it and try again.",
            code="state_changed",  # STATE_CHANGED (a literal, for the problem-code scan)
            field=machine.field,
            extra={"from": frm, "to": to},
        )
