"""O1: the order's life as one table, and the pure checks on it.

``TRANSITIONS`` is every move an order may make, keyed ``(from, to)``. Each
entry says who may make it (``roles``), what the move needs (``required``), what
it may carry (``optional``), what else it checks (``guards``), what it does
(``effects``, in order: e.g. ``release_slot``) and which message then tells the
customer (``after=(notify_customer(kind),)``, O5; ``message`` reads it back). The
guards and effects are named functions of ``orders.effects``; this module itself
writes nothing. ``ACTIONS`` is the same for the things done to an order that do not move it
(amendments O3, reassignment O2, the customer's acceptance of the inspected
price O4, a delay notice O5): the states each is allowed in and by whom.

``orders.lifecycle.transition`` is the one function that reads this table, locks
the order and changes its status through ``core.statemachine.perform`` (guards,
effects, the conditional UPDATE, history, audit, outbox); nothing else assigns ``Order.status``
(``orders.actions.create_order`` sets the first status only). The console shows
the buttons this table allows from the current state, the API refuses the rest
with ``illegal_transition``, and the tests are generated from it, so a new state
or move cannot go untested. ``docs/orders-lifecycle.md`` shows the table as
rendered by ``markdown_table()`` (a test keeps the two equal).

Roles are the *acting* roles of the lifecycle, derived from the one permission
layer by ``orders.lifecycle.actor_role``:

- ``ops``: operations staff (``Perm.ORDERS_OPERATE``);
- ``vendor``: a vendor's API client, for the orders assigned to its own vendor;
- ``cx``: CX agents, for cancellations on the customer's request;
- ``system``: the platform itself (no person; e.g. a worker or the seed);
- ``customer``: the customer, for their own order only, through the signed tracking
  link (storefront): cancel before pickup, move the slot, accept or refuse (cancel
  with ``price_not_accepted``) an inspected price.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from enum import StrEnum

from orderdesk.core import statemachine
from orderdesk.core.errors import FieldError
from orderdesk.orders.choices import (
    PICKUP_FAILURE_TOLD,
    CancellationReason,
    OrderStatus,
    PickupFailureReason,
)
from orderdesk.orders.effects import (
    assign_vendor,
    no_penalty_if_price_refused,
    notify_customer,
    price_acceptance_recorded,
    record_cancellation,
    record_inspected_price,
    record_payment,
    release_slot,
    schedule_slot,
)
from orderdesk.orders.rules import price_needs_acceptance

# Re-exported: the reasons live in ``orders.choices`` (the effects read them too), the O4
# check in ``orders.rules``; callers keep reading them here, beside the table.
__all__ = [
    "PICKUP_FAILURE_TOLD",
    "TRANSITIONS",
    "ActorRole",
    "CancellationReason",
    "Move",
    "PickupFailureReason",
    "price_needs_acceptance",
]

S = OrderStatus


class ActorRole(StrEnum):
    OPS = "ops"  # operations staff: vendors, slots, pickups, inspection, payment, cancellation
    VENDOR = "vendor"  # a vendor's API client: its own pickups only
    CX = "cx"  # CX agents: cancellation when the customer asks for it
    SYSTEM = "system"  # the platform itself: no person acting
    CUSTOMER = "customer"  # the customer, on their own order, through the tracking link


OPS, VENDOR, CX, SYSTEM = ActorRole.OPS, ActorRole.VENDOR, ActorRole.CX, ActorRole.SYSTEM
CUSTOMER = ActorRole.CUSTOMER


# Cancellation reasons a role may give (O1, X4). A role absent here may give any
# reason its transition allows; CX cancels only on the customer's word.
CANCEL_REASONS_BY_ROLE: dict[ActorRole, frozenset[str]] = {
    CX: frozenset({CancellationReason.CUSTOMER_REQUEST, CancellationReason.PRICE_NOT_ACCEPTED}),
    SYSTEM: frozenset(CancellationReason.values) - {CancellationReason.DUPLICATE},
    CUSTOMER: frozenset(
        {CancellationReason.CUSTOMER_REQUEST, CancellationReason.PRICE_NOT_ACCEPTED}
    ),
}

# The customer cancels on their own only before the vendor leaves (their own request), or
# after the inspection by refusing the inspected price (O4, no penalty). From
# out_for_pickup the vendor is on the way: the customer calls CX instead.
CUSTOMER_CANCEL_REASONS_BY_STATE: dict[OrderStatus, frozenset[str]] = {
    S.CREATED: frozenset({CancellationReason.CUSTOMER_REQUEST}),
    S.VENDOR_ASSIGNED: frozenset({CancellationReason.CUSTOMER_REQUEST}),
    S.PICKUP_SCHEDULED: frozenset({CancellationReason.CUSTOMER_REQUEST}),
    S.PICKUP_FAILED: frozenset({CancellationReason.CUSTOMER_REQUEST}),
    S.INSPECTED: frozenset({CancellationReason.PRICE_NOT_ACCEPTED}),
}

# The inputs a move or action can take, and what each means (the API body, the console forms).
INPUTS: dict[str, str] = {
    "reason": "a reason key from the move's list",
    "notes": "free text: why, what was found; required with reason 'other'",
    "vendor_id": "the vendor to assign (default: the least-loaded vendor covering the pincode, O2)",
    "slot_id": "the pickup slot to book (its place is taken in the same transaction, O2)",
    "final_price": "the inspected price in whole rupees (O4): the sum of the accepted items'",
    "items": "each device's outcome, [{position, outcome: accepted|returned, final_price, "
    "accepted_quantity}]; required when the order carries more than one line (issue 15)",
    "reference": "the payment reference (UPI transaction id or bank UTR, O4)",
    "duplicate_of": "the number of the order this one duplicates (X4)",
}


@dataclass(frozen=True, kw_only=True)
class Move(statemachine.Move):
    """One allowed transition: who may make it, what it needs, what it does, whom it tells.

    ``guards``, ``effects`` and ``after`` are the helper's (``core.statemachine.Move``): the
    checks beyond role and inputs, what the move does in order, and the outbox message.
    """

    roles: frozenset[ActorRole]
    label: str  # the button's wording in the console
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()  # the allowed values of ``reason``, when it is an input

    @property
    def holds_slot(self) -> bool:
        """False: the move gives the order's slot place back (its effects name ``release_slot``)."""
        return release_slot not in self.effects

    @property
    def message(self) -> str:
        """The messaging kind sent to the customer (O5); "" for none."""
        return next((e.kind for e in self.after if hasattr(e, "kind")), "")

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.required + self.optional

    @property
    def cancels(self) -> bool:
        """A cancellation: its reasons are the cancellation reasons."""
        return self.reasons == tuple(CancellationReason.values)


_CANCEL = Move(
    roles=frozenset({OPS, CX, SYSTEM}),
    label="Cancel the order",
    required=("reason",),
    optional=("notes", "duplicate_of"),
    reasons=tuple(CancellationReason.values),
    effects=(record_cancellation, release_slot),
    after=(notify_customer("order_cancelled"),),
)
# The same cancellation, which the customer may also make from their tracking link
# (before the vendor leaves, or by refusing the inspected price: O4).
_CANCEL_BY_CUSTOMER_TOO = replace(_CANCEL, roles=_CANCEL.roles | {CUSTOMER})
_FAIL = Move(
    roles=frozenset({OPS, VENDOR}),
    label="Record a failed pickup",
    required=("reason",),
    optional=("notes",),
    reasons=tuple(PickupFailureReason.values),
    effects=(release_slot,),
    # its own kind: the reason and how to rebook (issue 15, item 5)
    after=(notify_customer("pickup_failed"),),
)

# O1: the one table. (from, to) -> Move. Everything not here is illegal.
TRANSITIONS: dict[tuple[OrderStatus, OrderStatus], Move] = {
    (S.CREATED, S.VENDOR_ASSIGNED): Move(
        roles=frozenset({OPS, SYSTEM}),
        label="Assign a vendor",
        optional=("vendor_id", "notes"),
        effects=(assign_vendor,),
        after=(notify_customer("vendor_assigned"),),
    ),
    (S.VENDOR_ASSIGNED, S.PICKUP_SCHEDULED): Move(
        roles=frozenset({OPS, VENDOR, SYSTEM}),
        label="Confirm the pickup slot",
        optional=("slot_id", "notes"),
        effects=(schedule_slot,),
        after=(notify_customer("pickup_scheduled"),),
    ),
    (S.PICKUP_SCHEDULED, S.OUT_FOR_PICKUP): Move(
        roles=frozenset({OPS, VENDOR}),
        label="Vendor is out for pickup",
        optional=("notes",),
    ),
    (S.OUT_FOR_PICKUP, S.INSPECTED): Move(
        roles=frozenset({OPS, VENDOR}),
        label="Record the inspection",
        required=("final_price", "notes"),
        optional=("items",),
        effects=(record_inspected_price,),
        after=(notify_customer("inspection_price"),),
    ),
    (S.INSPECTED, S.PAID): Move(
        roles=frozenset({OPS, VENDOR}),
        label="Record the payment",
        required=("reference",),
        optional=("notes",),
        guards=(price_acceptance_recorded,),
        effects=(record_payment,),
        after=(notify_customer("payment_done"),),
    ),
    (S.PAID, S.COMPLETED): Move(
        roles=frozenset({OPS, VENDOR, SYSTEM}),
        label="Complete the order",
        optional=("notes",),
        after=(notify_customer("feedback_request"),),
    ),
    (S.PICKUP_SCHEDULED, S.PICKUP_FAILED): _FAIL,
    (S.OUT_FOR_PICKUP, S.PICKUP_FAILED): _FAIL,
    (S.PICKUP_FAILED, S.PICKUP_SCHEDULED): Move(
        roles=frozenset({OPS}),
        label="Reschedule the pickup",
        required=("slot_id",),
        optional=("notes",),
        effects=(schedule_slot,),
        after=(notify_customer("pickup_rescheduled"),),
    ),
    (S.CREATED, S.CANCELLED): _CANCEL_BY_CUSTOMER_TOO,
    (S.VENDOR_ASSIGNED, S.CANCELLED): _CANCEL_BY_CUSTOMER_TOO,
    (S.PICKUP_SCHEDULED, S.CANCELLED): _CANCEL_BY_CUSTOMER_TOO,
    (S.OUT_FOR_PICKUP, S.CANCELLED): _CANCEL,
    (S.INSPECTED, S.CANCELLED): replace(
        _CANCEL_BY_CUSTOMER_TOO,
        effects=(*_CANCEL.effects, no_penalty_if_price_refused),
    ),
    (S.PICKUP_FAILED, S.CANCELLED): _CANCEL_BY_CUSTOMER_TOO,
}

# Where an order's life ends: no move leaves these.
FINAL_STATES: frozenset[OrderStatus] = frozenset({S.COMPLETED, S.CANCELLED})

# Before the vendor leaves, the order can still be changed (O3).
AMENDABLE_STATES: frozenset[OrderStatus] = frozenset(
    {S.CREATED, S.VENDOR_ASSIGNED, S.PICKUP_SCHEDULED, S.PICKUP_FAILED}
)


@dataclass(frozen=True)
class Action:
    """Something done to an order that does not move it (or, for duplicates, moves it by the table)."""

    states: frozenset[OrderStatus]
    roles: frozenset[ActorRole]
    label: str
    closed_code: str = "action_not_allowed"  # the code when the state does not allow it
    message: str = ""


ACTIONS: dict[str, Action] = {
    # O2: ops may move the order to another vendor covering the pincode.
    "reassign_vendor": Action(
        states=frozenset({S.VENDOR_ASSIGNED, S.PICKUP_SCHEDULED, S.PICKUP_FAILED}),
        roles=frozenset({OPS}),
        label="Reassign the vendor",
        message="vendor_assigned",
    ),
    # O3: amendments before pickup; refused with amendment_closed from out_for_pickup on.
    "amend_address": Action(
        states=AMENDABLE_STATES,
        roles=frozenset({OPS}),
        label="Change the pickup address",
        closed_code="amendment_closed",
        message="order_confirmation",
    ),
    "amend_slot": Action(
        states=frozenset({S.CREATED, S.VENDOR_ASSIGNED, S.PICKUP_SCHEDULED}),
        roles=frozenset({OPS, CUSTOMER}),
        label="Change the pickup slot",
        closed_code="amendment_closed",
        message="pickup_rescheduled",
    ),
    "amend_payment": Action(
        states=AMENDABLE_STATES,
        roles=frozenset({OPS}),
        label="Change the payment method",
        closed_code="amendment_closed",
        message="order_confirmation",
    ),
    "amend_device": Action(
        states=AMENDABLE_STATES,
        roles=frozenset({OPS}),
        label="Change the device or condition (re-quote, fresh consent)",
        closed_code="amendment_closed",
        message="order_confirmation",
    ),
    # O4: the customer accepts an inspected price that differs from the estimate.
    "accept_final_price": Action(
        states=frozenset({S.INSPECTED}),
        roles=frozenset({OPS, VENDOR, CX, CUSTOMER}),
        label="Record the customer's acceptance of the inspected price",
    ),
    # O5: tell the customer the pickup runs late.
    "report_delay": Action(
        states=frozenset({S.PICKUP_SCHEDULED, S.OUT_FOR_PICKUP}),
        roles=frozenset({OPS, VENDOR}),
        label="Tell the customer the pickup is delayed",
        message="pickup_delayed",
    ),
    # X4: ops mark an order as a duplicate of another: it is cancelled by the table.
    "mark_duplicate": Action(
        states=frozenset(frm for (frm, to) in TRANSITIONS if to == S.CANCELLED),
        roles=frozenset({OPS}),
        label="Mark as a duplicate of another order",
        message="order_cancelled",
    ),
}

AMENDMENTS: tuple[str, ...] = tuple(name for name in ACTIONS if name.startswith("amend_"))


# --- pure checks ----------------------------------------------------------------


def move_for(frm: str, to: str) -> Move | None:
    """O1: the table's entry for ``frm`` → ``to``, or None when the move is illegal."""
    try:
        return TRANSITIONS.get((OrderStatus(frm), OrderStatus(to)))
    except ValueError:
        return None


def next_states(frm: str) -> list[OrderStatus]:
    """O1: the states an order in ``frm`` may move to, in the table's order."""
    return [to for (f, to) in TRANSITIONS if f == frm]


def moves_for_role(frm: str, role: ActorRole | None) -> list[tuple[OrderStatus, Move]]:
    """O1: the moves ``role`` may make from ``frm`` (what the console offers)."""
    return [(to, move) for (f, to), move in TRANSITIONS.items() if f == frm and role in move.roles]


def actions_for_role(status: str, role: ActorRole | None) -> list[str]:
    """The non-moving actions ``role`` may take on an order in ``status``."""
    return [
        name for name, action in ACTIONS.items() if status in action.states and role in action.roles
    ]


def cancel_reasons_for(role: ActorRole | None, frm: str | None = None) -> frozenset[str] | None:
    """The cancellation reasons ``role`` may give from ``frm`` (None: any the move allows)."""
    if role == CUSTOMER and frm is not None:
        return CUSTOMER_CANCEL_REASONS_BY_STATE.get(OrderStatus(frm), frozenset())
    return CANCEL_REASONS_BY_ROLE.get(role)


def illegal_message(frm: str, to: str) -> str:
    allowed = ", ".join(next_states(frm)) or "none: its life is over"
    return f"An order cannot go from {frm} to {to}. From {frm} it can go to: {allowed}."


def input_problems(
    move: Move, inputs: dict, *, role: ActorRole | None = None, frm: str | None = None
) -> list[FieldError]:
    """O1/O4/X4: what is missing or wrong in the inputs of ``move``, as field errors.

    ``inputs`` holds only what the caller gave (None and "" count as not given).
    Inputs the move does not take are refused, so a price cannot ride along on a
    cancellation. The database-dependent checks (the vendor covers the pincode,
    the slot has a place) are the action's.
    """
    given = {k: v for k, v in inputs.items() if v not in (None, "")}
    problems: list[FieldError] = []

    def problem(field: str, code: str, message: str) -> None:
        if not any(p.field == field for p in problems):  # one problem per field
            problems.append(FieldError(field, code, message))

    for name in given:
        if name not in move.inputs:
            problem(name, "input_not_allowed", f"'{name}' does not belong to this move.")
    for name in move.required:
        if name not in given:
            problem(name, "required", f"This move needs {INPUTS[name]}.")
    reason = given.get("reason")
    if reason is not None and "reason" in move.inputs:
        allowed_for_role = cancel_reasons_for(role, frm) if move.cancels else None
        if reason not in move.reasons:
            problem(
                "reason", "reason_unknown", f"{reason!r} is not one of: {', '.join(move.reasons)}."
            )
        elif allowed_for_role is not None and reason not in allowed_for_role:
            problem(
                "reason",
                "reason_not_allowed_for_role",
                f"Your role may cancel only for: {', '.join(sorted(allowed_for_role))}."
                if allowed_for_role
                else "You may not cancel the order now: call us.",
            )
        if reason == "other" and len(str(given.get("notes", "")).strip()) < 5:
            problem("notes", "notes_required", "Say in the notes why ('other' reason).")
    if move.cancels:
        if reason == CancellationReason.DUPLICATE and "duplicate_of" not in given:
            problem("duplicate_of", "required", "Name the order this one duplicates (X4).")
        if "duplicate_of" in given and reason != CancellationReason.DUPLICATE:
            problem(
                "duplicate_of",
                "input_not_allowed",
                "Only a cancellation for reason 'duplicate' names another order.",
            )
    for name in ("vendor_id", "slot_id"):
        value = given.get(name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            problem(name, "not_an_integer", f"'{name}' is an id (a whole number).")
    price = given.get("final_price")
    if price is not None and (isinstance(price, bool) or not isinstance(price, int) or price < 0):
        problem("final_price", "price_invalid", "The final price is whole rupees, 0 or more.")
    if "notes" in move.required and len(str(given.get("notes", "")).strip()) < 3:
        problem("notes", "required", "Record what the inspection found (O4).")
    reference = given.get("reference")
    if reference is not None and len(str(reference).strip()) < 4:
        problem("reference", "reference_invalid", "A payment reference has at least 4 characters.")
    return problems


def path_to(target: OrderStatus, start: OrderStatus = S.CREATED) -> list[OrderStatus]:
    """The shortest walk through the table from ``start`` to ``target`` (states after start).

    Used by the seed and the tests to put an order in any state the real way.
    Raises ValueError when ``target`` cannot be reached (a table bug).
    """
    seen = {start: [start]}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if here == target:
            return seen[here][1:]
        for to in next_states(here):
            if to not in seen:
                seen[to] = [*seen[here], to]
                queue.append(to)
    raise ValueError(f"{target} cannot be reached from {start}")


def markdown_table() -> str:
    """The transition table as Markdown, for docs/orders-lifecycle.md (a test keeps them equal)."""
    lines = [
        "| from | to | who | needs | may add | checks, then does | tells the customer |",
        "|---|---|---|---|---|---|---|",
    ]
    for (frm, to), move in TRANSITIONS.items():
        roles = ", ".join(r.value for r in ActorRole if r in move.roles)
        does = [statemachine.effect_name(f) for f in (*move.guards, *move.effects)]
        lines.append(
            f"| `{frm.value}` | `{to.value}` | {roles} | "
            f"{', '.join(f'`{i}`' for i in move.required) or '—'} | "
            f"{', '.join(f'`{i}`' for i in move.optional) or '—'} | "
            f"{', '.join(f'`{d}`' for d in does) or '—'} | "
            f"{f'`{move.message}`' if move.message else '—'} |"
        )
    return "\n".join(lines)


def markdown_actions() -> str:
    """The non-moving actions as Markdown, for docs/orders-lifecycle.md."""
    lines = ["| action | allowed in | who | tells the customer |", "|---|---|---|---|"]
    for name, action in ACTIONS.items():
        states = ", ".join(f"`{s.value}`" for s in OrderStatus if s in action.states)
        roles = ", ".join(r.value for r in ActorRole if r in action.roles)
        lines.append(
            f"| `{name}` | {states} | {roles} | {f'`{action.message}`' if action.message else '—'} |"
        )
    return "\n".join(lines)
