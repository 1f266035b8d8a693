"""N3 and D9 share one definition of calling hours: the contact policy in force."""

import datetime as dt

from orderdesk.leads.models import ContactPolicy
from orderdesk.messaging.conf import conf


def test_calling_hours_follow_the_contact_policy_in_force(db, settings):
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "MESSAGING": {**settings.ORDERDESK.get("MESSAGING", {}), "CALLING_HOURS": ""},
    }
    assert conf().calling_hours == (dt.time(9), dt.time(21))
    current = ContactPolicy.in_force()
    ContactPolicy.objects.create(
        version=current.version + 1,
        calling_hours_start=dt.time(10),
        calling_hours_end=dt.time(19, 30),
        max_attempts_per_lead_per_day=current.max_attempts_per_lead_per_day,
        change_note="festival season: shorter hours",
    )
    assert conf().calling_hours == (dt.time(10), dt.time(19, 30))
