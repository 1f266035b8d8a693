"""O1: the transition table itself (pure: no database) and its copy in docs/orders-lifecycle.md."""

import contextlib
import itertools
from pathlib import Path

import pytest

from orderdesk.orders import transitions as table
from orderdesk.orders.choices import OPEN_STATUSES, OrderStatus
from orderdesk.orders.transitions import ActorRole

S = OrderStatus
DOC = Path(__file__).resolve().parents[4] / "docs" / "orders-lifecycle.md"


def test_o1_the_spec_journey_is_in_the_table_in_order():
    journey = [
        S.CREATED,
        S.VENDOR_ASSIGNED,
        S.PICKUP_SCHEDULED,
        S.OUT_FOR_PICKUP,
        S.INSPECTED,
        S.PAID,
        S.COMPLETED,
    ]
    for frm, to in itertools.pairwise(journey):
        assert (frm, to) in table.TRANSITIONS
    assert table.path_to(S.COMPLETED) == journey[1:]


def test_o1_a_failed_pickup_is_rescheduled_or_cancelled_and_nothing_else():
    assert table.next_states(S.PICKUP_FAILED) == [S.PICKUP_SCHEDULED, S.CANCELLED]


@pytest.mark.parametrize("status", list(OrderStatus))
def test_o1_every_status_is_reachable_from_created(status):
    assert table.path_to(status)[-1:] == ([status] if status != S.CREATED else [])


@pytest.mark.parametrize("status", sorted(table.FINAL_STATES))
def test_o1_nothing_leaves_a_final_state(status):
    assert table.next_states(status) == []


@pytest.mark.parametrize("status", [s for s in OrderStatus if s not in table.FINAL_STATES])
def test_o1_every_live_state_can_still_end(status):
    """No dead end: from every state that is not final, completion or cancellation is reachable."""
    ends = []
    for end in table.FINAL_STATES:
        with contextlib.suppress(ValueError):
            ends.append(table.path_to(end, status))
    assert ends


def test_o1_every_move_names_a_known_role_inputs_and_message():
    for (frm, to), move in table.TRANSITIONS.items():
        assert move.roles and move.roles <= set(ActorRole), (frm, to)
        assert set(move.inputs) <= set(table.INPUTS), (frm, to)
        assert ("reason" in move.inputs) == bool(move.reasons), (frm, to)


def test_o2_leaving_the_journey_gives_the_slot_back():
    for (_frm, to), move in table.TRANSITIONS.items():
        assert move.holds_slot == (to not in (S.CANCELLED, S.PICKUP_FAILED))


def test_o3_amendments_close_once_the_vendor_is_out():
    closed = {S.OUT_FOR_PICKUP, S.INSPECTED, S.PAID, S.COMPLETED, S.CANCELLED}
    for name in table.AMENDMENTS:
        action = table.ACTIONS[name]
        assert action.closed_code == "amendment_closed"
        assert not (action.states & closed), name


def test_o5_the_customer_is_told_of_every_change_that_matters():
    told = {move.message for move in table.TRANSITIONS.values()}
    assert told >= {
        "vendor_assigned",
        "pickup_scheduled",
        "pickup_rescheduled",
        "pickup_failed",
        "inspection_price",
        "payment_done",
        "order_cancelled",
        "feedback_request",
    }
    assert table.TRANSITIONS[(S.PAID, S.COMPLETED)].message == "feedback_request"


def test_o5_a_failed_pickup_is_told_as_a_failure_not_as_running_late():
    """Issue 15 item 5: both ways into pickup_failed send their own kind, with a told reason."""
    for frm in (S.PICKUP_SCHEDULED, S.OUT_FOR_PICKUP):
        assert table.TRANSITIONS[(frm, S.PICKUP_FAILED)].message == "pickup_failed"
    assert set(table.PICKUP_FAILURE_TOLD) == set(table.PickupFailureReason.values)


def test_x4_only_ops_may_cancel_as_a_duplicate():
    move = table.TRANSITIONS[(S.CREATED, S.CANCELLED)]
    inputs = {"reason": "duplicate", "duplicate_of": "OD23456789"}
    assert table.input_problems(move, inputs, role=ActorRole.OPS) == []
    for role in (ActorRole.CX, ActorRole.SYSTEM):
        codes = {p.code for p in table.input_problems(move, inputs, role=role)}
        assert codes == {"reason_not_allowed_for_role"}


def test_cx_cancels_only_on_the_customers_word():
    move = table.TRANSITIONS[(S.PICKUP_SCHEDULED, S.CANCELLED)]
    assert table.input_problems(move, {"reason": "customer_request"}, role=ActorRole.CX) == []
    problems = table.input_problems(move, {"reason": "not_serviceable"}, role=ActorRole.CX)
    assert [p.code for p in problems] == ["reason_not_allowed_for_role"]


@pytest.mark.parametrize(
    ("frm", "to", "inputs", "field", "code"),
    [
        (S.OUT_FOR_PICKUP, S.INSPECTED, {"notes": "fine"}, "final_price", "required"),
        (S.OUT_FOR_PICKUP, S.INSPECTED, {"final_price": 100}, "notes", "required"),
        (
            S.OUT_FOR_PICKUP,
            S.INSPECTED,
            {"final_price": -1, "notes": "ok ok"},
            "final_price",
            "price_invalid",
        ),
        (S.INSPECTED, S.PAID, {}, "reference", "required"),
        (S.INSPECTED, S.PAID, {"reference": "x"}, "reference", "reference_invalid"),
        (S.CREATED, S.CANCELLED, {}, "reason", "required"),
        (S.CREATED, S.CANCELLED, {"reason": "bored"}, "reason", "reason_unknown"),
        (S.CREATED, S.CANCELLED, {"reason": "other"}, "notes", "notes_required"),
        (S.CREATED, S.CANCELLED, {"reason": "duplicate"}, "duplicate_of", "required"),
        (
            S.CREATED,
            S.CANCELLED,
            {"reason": "customer_request", "final_price": 1},
            "final_price",
            "input_not_allowed",
        ),
        (
            S.PICKUP_SCHEDULED,
            S.PICKUP_FAILED,
            {"reason": "customer_request"},
            "reason",
            "reason_unknown",
        ),
        (S.PICKUP_FAILED, S.PICKUP_SCHEDULED, {}, "slot_id", "required"),
        (S.CREATED, S.VENDOR_ASSIGNED, {"vendor_id": "7"}, "vendor_id", "not_an_integer"),
    ],
)
def test_o1_inputs_are_checked_by_the_table(frm, to, inputs, field, code):
    problems = table.input_problems(table.TRANSITIONS[(frm, to)], inputs, role=ActorRole.OPS)
    assert (field, code) in [(p.field, p.code) for p in problems]


def test_o1_open_statuses_and_the_table_agree_on_what_is_over():
    """Final states are closed for the duplicate guard (X1); pickup_failed is closed but not final."""
    assert not (table.FINAL_STATES & set(OPEN_STATUSES))
    assert S.PICKUP_FAILED not in OPEN_STATUSES and table.next_states(S.PICKUP_FAILED)


def test_the_documented_table_matches_the_code():
    text = DOC.read_text()
    assert table.markdown_table() in text, (
        "regenerate: see docs/orders-lifecycle.md (markdown_table)"
    )
    assert table.markdown_actions() in text
