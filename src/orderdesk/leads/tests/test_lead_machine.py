"""The lead's status changes go through the one state-machine helper (core/statemachine.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from orderdesk.core.errors import Conflict
from orderdesk.core.statemachine import perform
from orderdesk.leads import rules
from orderdesk.leads.actions import LEAD_MACHINE
from orderdesk.leads.choices import ClosedReason, LeadStatus
from orderdesk.leads.models import Lead

S = LeadStatus


def test_the_machine_has_exactly_the_moves_of_the_lead_table():
    pairs = {(frm, to) for frm, tos in rules.LEAD_TRANSITIONS.items() for to in tos}
    assert set(LEAD_MACHINE.table) == pairs


def test_closing_mirrors_closed_for_sales_and_reopening_clears_it(lead):
    now = timezone.now()
    with transaction.atomic():
        perform(
            LEAD_MACHINE,
            lead,
            S.ORDER_NOT_FOUND,
            context={"closed_reason": ClosedReason.ORDER_NOT_FOUND, "now": now},
        )
    row = Lead.objects.get(pk=lead.pk)
    assert (row.status, row.closed_for_sales, row.closed_reason) == (
        S.ORDER_NOT_FOUND,
        True,
        ClosedReason.ORDER_NOT_FOUND,
    )
    assert row.closed_at == now
    with transaction.atomic():
        perform(
            LEAD_MACHINE,
            lead,
            S.CONTACTING,
            context={"closed_reason": "", "now": now + dt.timedelta(minutes=1)},
        )
    row = Lead.objects.get(pk=lead.pk)
    assert (row.status, row.closed_for_sales, row.closed_reason, row.closed_at) == (
        S.CONTACTING,
        False,
        "",
        None,
    )


def test_a_closed_lead_cannot_move_and_the_same_status_is_a_no_op(lead):
    now = timezone.now()
    context = {"closed_reason": ClosedReason.NOT_INTERESTED, "now": now}
    with transaction.atomic():
        perform(LEAD_MACHINE, lead, S.CLOSED, context=context)
        assert perform(LEAD_MACHINE, lead, S.CLOSED, context=context) is None
    with pytest.raises(Conflict) as exc, transaction.atomic():
        perform(LEAD_MACHINE, lead, S.CONTACTING, context=context)
    assert exc.value.code == "lead_transition_invalid"
    assert exc.value.message == "A lead cannot go from Closed to Contacting."


def test_a_move_from_a_stale_picture_changes_nothing(lead):
    stale = Lead.objects.get(pk=lead.pk)
    now = timezone.now()
    with transaction.atomic():
        perform(LEAD_MACHINE, lead, S.CONTACTING, context={"closed_reason": "", "now": now})
    with pytest.raises(Conflict) as exc, transaction.atomic():
        perform(
            LEAD_MACHINE,
            stale,
            S.CLOSED,
            context={"closed_reason": ClosedReason.WRONG_PERSON, "now": now},
        )
    assert exc.value.code == "state_changed"
    row = Lead.objects.get(pk=lead.pk)
    assert (row.status, row.closed_for_sales) == (S.CONTACTING, False)
