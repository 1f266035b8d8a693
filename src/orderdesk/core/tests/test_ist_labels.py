"""Issue 18: every time a person reads is IST, labels in the audit log included ("duplicate of
… at 02:55" was UTC beside IST columns)."""

from __future__ import annotations

import datetime as dt

from orderdesk.core.models import AuditEvent
from orderdesk.core.timeutil import ist_label
from orderdesk.leads.models import ContactAttempt, FollowUp
from orderdesk.orders.models import DuplicateAttempt, Order

UTC_0255 = dt.datetime(2026, 12, 6, 2, 55, tzinfo=dt.UTC)


def test_ist_label_reads_a_utc_time_in_ist():
    assert ist_label(UTC_0255) == "2026-12-06 08:25 IST"
    assert ist_label(None) == ""


def test_labels_written_into_the_audit_log_are_ist():
    duplicate = DuplicateAttempt(at=UTC_0255, existing_order=Order(number="OD7K4M9QXR"))
    assert str(duplicate) == "duplicate of OD-7K4M-9QXR at 2026-12-06 08:25 IST"
    for label in (
        str(ContactAttempt(at=UTC_0255, lead_id=7, channel="call", direction="outbound")),
        str(FollowUp(due_at=UTC_0255, lead_id=7, status="pending")),
        str(AuditEvent(at=UTC_0255, action="lead.update", object_type="lead", object_id="7")),
    ):
        assert "08:25 IST" in label and "02:55" not in label, label
