"""Issue 15 item 15: complaint SLA defaults follow India's Consumer Protection (E-Commerce)
Rules 2020 — acknowledged within 48 hours, redressed within one month."""

import pytest

from orderdesk.cx import rules
from orderdesk.cx.choices import TicketPriority, TicketType
from orderdesk.cx.models import SlaPolicy


def test_complaint_defaults_are_the_ecommerce_rules_limits_at_normal_and_low_priority():
    for priority in (TicketPriority.NORMAL, TicketPriority.LOW):
        assert rules.default_sla(TicketType.COMPLAINT, priority) == (48 * 60, 30 * 24 * 60)


def test_no_shipped_complaint_target_is_looser_than_the_law():
    for priority in TicketPriority.values:
        first, resolution = rules.default_sla(TicketType.COMPLAINT, priority)
        assert first <= rules.COMPLAINT_ACKNOWLEDGE_WITHIN_MINUTES
        assert resolution <= rules.COMPLAINT_REDRESS_WITHIN_MINUTES


@pytest.mark.django_db
def test_the_complaint_policy_in_force_after_migrating_is_the_law_for_normal_and_low():
    for priority in ("normal", "low"):
        latest = SlaPolicy.objects.filter(ticket_type="complaint", priority=priority).latest(
            "version"
        )
        assert (latest.version, latest.first_response_minutes, latest.resolution_minutes) == (
            2,
            2880,
            43200,
        )
        assert SlaPolicy.in_force("complaint", priority, latest.effective_from) == latest
    # urgent and high stay at their tighter shipped version 1
    high = SlaPolicy.objects.get(ticket_type="complaint", priority="high")
    assert (high.version, high.first_response_minutes, high.resolution_minutes) == (1, 30, 480)
