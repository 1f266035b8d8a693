"""The disposition tree and contact policy as data (SPEC §3, §10)."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from orderdesk.core.models import AuditEvent
from orderdesk.leads import rules, selectors
from orderdesk.leads.models import ContactPolicy, Disposition


def test_migration_seeded_the_default_tree_as_in_rules():
    for row in rules.DEFAULT_DISPOSITIONS:
        stored = Disposition.objects.get(key=row["key"])
        for field, value in row.items():
            assert getattr(stored, field) == value, (row["key"], field)
    tree = selectors.disposition_tree(agent_selectable_only=True)
    assert [d.key for d in tree["connected"]] == [
        "will_place_order",
        "already_ordered",
        "waiting_for_quote",
        "not_interested",
        "wrong_person",
    ]
    assert [d.key for d in tree["not_connected"]] == [
        "no_answer",
        "busy",
        "switched_off",
        "invalid_number",
    ]


def test_policy_v1_defaults():
    policy = ContactPolicy.in_force()
    assert (
        policy.version,
        f"{policy.calling_hours_start:%H:%M}",
        f"{policy.calling_hours_end:%H:%M}",
        policy.max_attempts_per_lead_per_day,
    ) == (1, "09:00", "21:00", 3)


def test_admin_change_to_the_policy_saves_a_new_audited_version(cast):
    from orderdesk.leads.admin import ContactPolicyAdmin

    admin = ContactPolicyAdmin(ContactPolicy, site)
    request = RequestFactory().post("/")
    request.user = cast["admin"]
    v1 = ContactPolicy.objects.get(version=1)
    v1.max_attempts_per_lead_per_day = 2
    admin.save_model(request, v1, form=None, change=True)
    assert list(
        ContactPolicy.objects.order_by("version").values_list(
            "version", "max_attempts_per_lead_per_day"
        )
    ) == [(1, 3), (2, 2)]
    assert ContactPolicy.in_force().version == 2
    event = AuditEvent.objects.get(action="contactpolicy.new_version")
    assert (
        event.before["max_attempts_per_lead_per_day"] == 3
        and event.after["max_attempts_per_lead_per_day"] == 2
    )


@pytest.mark.parametrize("key", ["will_place_order", "already_ordered"])
def test_sop_scripts_are_in_the_tree(key):
    d = Disposition.objects.get(key=key)
    assert {
        "will_place_order": "Perfect 👍 If you need any help, I'm here.",
        "already_ordered": "Great! Thanks for confirming.",
    }[key] in d.script
