"""Demo and scale data for leads (wired into ``orderdesk seed`` by the seed command).

``seed_leads`` makes a small, realistic demo through the real actions (so every rule
applies and every write is audited): new leads, unanswered calls, Will Place Order with
follow-ups due today and tomorrow, one missed, Waiting for Quote, Not Interested, and
Already Placed an Order (found when the customer has an order, else a CX "order not
found" case, D6).

``seed_leads_bulk`` is for scale (the 5,000,000-contact benchmark): rows go in with
``bulk_create`` in batches, one transaction a batch, bypassing the actions (a bulk system
load is not a person's action, and audit events per row would bury the trail). It keeps
the invariants the actions keep: status agrees with the last disposition and
``closed_for_sales``; at most one follow-up per episode.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence

from django.db import transaction
from django.utils import timezone

from orderdesk.core.timeutil import IST
from orderdesk.leads import actions
from orderdesk.leads.choices import (
    OPEN_LEAD_STATUSES,
    Channel,
    ClosedReason,
    Direction,
    DispositionKey,
    FollowUpStatus,
    LeadPriority,
    LeadSource,
    LeadStatus,
)
from orderdesk.leads.models import ContactAttempt, ContactPolicy, Disposition, FollowUp, Lead
from orderdesk.leads.rules import DEFAULT_DISPOSITIONS

K = DispositionKey

WORDS = {
    K.WILL_PLACE_ORDER: [
        "I'll place it tonight from the app",
        "kal app se kar dunga",
        "main khud kar lunga, thoda time do",
    ],
    K.WAITING_FOR_QUOTE: ["pehle rate batao kitna milega", "send me the price on WhatsApp first"],
    K.NOT_INTERESTED: ["I sold it to a local shop", "nahi bechna abhi"],
    K.ALREADY_ORDERED: ["maine already order kar diya", "pickup is fixed for tomorrow"],
}
NOTES = {
    K.WILL_PLACE_ORDER: "Customer will place order themselves. Agreed to one follow-up if not placed.",
    K.WAITING_FOR_QUOTE: "Wants the estimate on WhatsApp before deciding; shared the quote.",
    K.NOT_INTERESTED: "Customer sold the device elsewhere; closed without re-pitching.",
    K.ALREADY_ORDERED: "Customer confirmed order placed. Pickup scheduled.",
}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=IST)


def seed_leads(
    customers: Sequence,
    agents: Sequence,
    *,
    rng: random.Random,
    variants: Sequence = (),
    now: dt.datetime | None = None,
    d6=None,
) -> dict:
    """Demo leads for ``customers`` (those without a lead yet), worked by ``agents`` (sales).

    Scenarios cycle over the customers: 0 new & unowned, 1 new & owned, 2 Will Place Order
    yesterday with the follow-up due today, 3 Will Place Order today with the follow-up
    tomorrow 11:00, 4 no answer, 5 Waiting for Quote, 6 Already Placed an Order, 7 Not
    Interested, 8 Will Place Order two days ago whose follow-up was missed, 9 busy.
    Returns counts per scenario. ``d6`` is the order look-up of scenario 6
    (``flows.contacts.D6_LOOKUP``; leads cannot import it).
    """
    now = now or timezone.now()
    today = now.astimezone(IST).date()
    yesterday, two_days_ago = today - dt.timedelta(days=1), today - dt.timedelta(days=2)
    counts: dict[str, int] = {}
    pending = [c for c in customers if not Lead.objects.filter(customer=c).exists()]
    for i, customer in enumerate(pending):
        agent = agents[i % len(agents)]
        variant = variants[i % len(variants)] if variants else None
        scenario = i % 10
        lead, _ = actions.create_lead(
            customer=customer,
            source=rng.choice(list(LeadSource.values)),
            variant=variant,
            owner=None if scenario == 0 else agent,
            actor=agent,
        )
        if scenario in (0, 1) or customer.do_not_contact:
            name = "new"
        elif scenario == 2:
            due = _at(today, rng.choice([10, 11, 12, 15, 17]), rng.choice([0, 30]))
            _wpo(lead, agent, _at(yesterday, 15, 10), due, rng)
            name = "will_place_order_due_today"
        elif scenario == 3:
            contact_at = min(now - dt.timedelta(minutes=5), _at(today, 20, 30))
            if contact_at.astimezone(IST).time() < dt.time(9, 5):
                contact_at = _at(yesterday, 19, 0)
            deadline_day = contact_at.astimezone(IST).date() + dt.timedelta(days=1)
            _wpo(lead, agent, contact_at, _at(deadline_day, 11), rng)
            name = "will_place_order_due_later"
        elif scenario == 4:
            _simple(lead, agent, K.NO_ANSWER, _at(yesterday, 11, 20), connected=False)
            name = "no_answer"
        elif scenario == 5:
            _simple(lead, agent, K.WAITING_FOR_QUOTE, _at(yesterday, 12, 40), rng=rng)
            name = "waiting_for_quote"
        elif scenario == 6:
            result = _simple(lead, agent, K.ALREADY_ORDERED, _at(yesterday, 16, 5), rng=rng, d6=d6)
            name = "already_ordered" if result.order_found else "order_not_found_with_cx"
        elif scenario == 7:
            _simple(lead, agent, K.NOT_INTERESTED, _at(yesterday, 13, 15), rng=rng)
            name = "not_interested"
        elif scenario == 8:
            _wpo(lead, agent, _at(two_days_ago, 14, 0), _at(yesterday, 11, 0), rng)
            name = "will_place_order_missed"
        else:
            _simple(lead, agent, K.BUSY, _at(yesterday, 18, 45), connected=False)
            name = "busy"
        counts[name] = counts.get(name, 0) + 1
    actions.mark_missed_follow_ups(now=now)
    return counts


def _wpo(lead, agent, at, due, rng):
    return actions.log_contact(
        lead,
        agent=agent,
        channel=Channel.CALL,
        direction=Direction.OUTBOUND,
        connected=True,
        disposition=K.WILL_PLACE_ORDER,
        notes=NOTES[K.WILL_PLACE_ORDER] + f" Follow-up {due.astimezone(IST):%d %b %H:%M}.",
        customer_words=rng.choice(WORDS[K.WILL_PLACE_ORDER]),
        follow_up_at=due,
        follow_up_permission=True,
        now=at,
    )


def _simple(lead, agent, key, at, *, connected=True, rng=None, d6=None):
    return actions.log_contact(
        lead,
        agent=agent,
        channel=Channel.CALL,
        direction=Direction.OUTBOUND,
        connected=connected,
        disposition=key,
        notes=NOTES.get(key, "") if connected else "",
        customer_words=rng.choice(WORDS[key]) if (rng and key in WORDS) else "",
        now=at,
        d6=d6,
    )


# --- Scale ------------------------------------------------------------------------------------------

# Share of leads by final disposition (the rest of a lead's contacts are not-connected tries).
FINAL_MIX = [
    (K.NO_ANSWER, 0.22),
    (K.BUSY, 0.06),
    (K.SWITCHED_OFF, 0.05),
    (K.WILL_PLACE_ORDER, 0.2),
    (K.WAITING_FOR_QUOTE, 0.14),
    (K.ALREADY_ORDERED, 0.1),
    (K.NOT_INTERESTED, 0.15),
    (K.WRONG_PERSON, 0.04),
    (K.INVALID_NUMBER, 0.04),
]
STATUS_OF = {
    K.NO_ANSWER: (LeadStatus.CONTACTING, ""),
    K.BUSY: (LeadStatus.CONTACTING, ""),
    K.SWITCHED_OFF: (LeadStatus.CONTACTING, ""),
    K.WILL_PLACE_ORDER: (LeadStatus.WILL_PLACE_ORDER, ""),
    K.WAITING_FOR_QUOTE: (LeadStatus.WAITING_FOR_QUOTE, ""),
    K.ALREADY_ORDERED: (LeadStatus.ALREADY_ORDERED, ClosedReason.ALREADY_ORDERED),
    K.NOT_INTERESTED: (LeadStatus.CLOSED, ClosedReason.NOT_INTERESTED),
    K.WRONG_PERSON: (LeadStatus.CLOSED, ClosedReason.WRONG_PERSON),
    K.INVALID_NUMBER: (LeadStatus.CLOSED, ClosedReason.INVALID_NUMBER),
}
NOT_CONNECTED = (K.NO_ANSWER, K.BUSY, K.SWITCHED_OFF)
# Not-connected tries before a lead's final contact, drawn uniformly (mean 2.125).
DEFAULT_TRIES = (0, 0, 1, 1, 2, 3, 4, 6)


def seed_leads_bulk(
    n_contacts: int,
    *,
    customer_ids: Sequence[int],
    agent_ids: Sequence[int],
    rng: random.Random,
    batch_size: int = 10_000,
    days: int = 90,
    now: dt.datetime | None = None,
    progress: Callable[[int], None] | None = None,
    tries: Sequence[int] = DEFAULT_TRIES,
) -> dict:
    """Leads and about ``n_contacts`` contact attempts for ``customer_ids`` (one lead each, in
    order, skipping customers that already have a lead), spread over the last ``days`` days
    within calling hours. Each batch of ``batch_size`` leads is one transaction. ``tries``:
    the not-connected tries before each lead's final contact are drawn from it (raise it
    for more contacts per lead when customers are few).
    Returns {"leads", "contacts", "follow_ups"}.
    """
    now = now or timezone.now()
    disp = dict(Disposition.objects.values_list("key", "pk"))
    keys, weights = zip(*FINAL_MIX, strict=True)
    have = set(
        Lead.objects.filter(customer_id__in=customer_ids).values_list("customer_id", flat=True)
    )
    todo = [c for c in customer_ids if c not in have]
    made = {"leads": 0, "contacts": 0, "follow_ups": 0}
    start = 0
    while made["contacts"] < n_contacts and start < len(todo):
        chunk = todo[start : start + batch_size]
        start += batch_size
        with transaction.atomic():
            plans = []
            leads = []
            for customer_id in chunk:
                final = rng.choices(keys, weights)[0]
                n = 1 + rng.choice(tries)
                first_day = now - dt.timedelta(days=rng.randrange(days))
                times = sorted(
                    _calling_time(first_day + dt.timedelta(days=rng.randrange(3)), rng)
                    for _ in range(n)
                )
                times = [min(t, now) for t in times]
                status, reason = STATUS_OF[final]
                owner = rng.choice(agent_ids)
                wpo = final == K.WILL_PLACE_ORDER
                due = _calling_time(times[-1] + dt.timedelta(days=1), rng) if wpo else None
                leads.append(
                    Lead(
                        customer_id=customer_id,
                        source=rng.choice(list(LeadSource.values)),
                        owner_id=owner,
                        status=status,
                        disposition_id=disp[final],
                        priority=LeadPriority.HIGH if rng.random() < 0.2 else LeadPriority.NORMAL,
                        closed_for_sales=status not in OPEN_LEAD_STATUSES,
                        closed_reason=reason,
                        closed_at=times[-1] if reason else None,
                        episode=1 if wpo else 0,
                        episode_started_at=times[-1] if wpo else None,
                        last_contact_at=times[-1],
                        next_follow_up_at=due if due and due > now else None,
                    )
                )
                plans.append((final, times, owner, due))
                if made["contacts"] + sum(len(p[1]) for p in plans) >= n_contacts:
                    break
            Lead.objects.bulk_create(leads, batch_size=2_000)
            contacts, follow_ups = [], []
            for lead, (final, times, owner, due) in zip(leads, plans, strict=True):
                for j, at in enumerate(times):
                    key = final if j == len(times) - 1 else rng.choice(NOT_CONNECTED)
                    connected = key not in NOT_CONNECTED and key != K.INVALID_NUMBER
                    contacts.append(
                        ContactAttempt(
                            lead_id=lead.pk,
                            agent_id=owner,
                            channel=Channel.CALL,
                            direction=Direction.OUTBOUND,
                            at=at,
                            connected=connected,
                            disposition_id=disp[key],
                            notes=NOTES.get(key, "") if connected else "",
                            episode=1 if final == K.WILL_PLACE_ORDER and j == len(times) - 1 else 0,
                        )
                    )
                if due is not None:
                    follow_ups.append(
                        FollowUp(
                            lead_id=lead.pk,
                            episode=1,
                            due_at=due,
                            status=FollowUpStatus.PENDING if due > now else FollowUpStatus.MISSED,
                            missed_at=None if due > now else due + dt.timedelta(hours=2),
                            assigned_to_id=owner,
                            permission_given=True,
                            permission_recorded_by_id=owner,
                            permission_recorded_at=times[-1],
                        )
                    )
            ContactAttempt.objects.bulk_create(contacts, batch_size=5_000)
            FollowUp.objects.bulk_create(follow_ups, batch_size=5_000)
        made["leads"] += len(leads)
        made["contacts"] += len(contacts)
        made["follow_ups"] += len(follow_ups)
        if progress:
            progress(len(contacts))
    return made


def ensure_default_settings() -> None:
    """The default disposition tree and contact policy v1, if missing (migration 0002 seeds
    them; a test database flushed by a transactional test loses them)."""
    for row in DEFAULT_DISPOSITIONS:
        Disposition.objects.get_or_create(key=row["key"], defaults=row)
    if not ContactPolicy.objects.exists():
        ContactPolicy.objects.create(
            version=1,
            effective_from=timezone.now() - dt.timedelta(days=365),
            change_note="SPEC §3 D9 defaults",
        )


def _calling_time(day: dt.datetime, rng: random.Random) -> dt.datetime:
    local_day = day.astimezone(IST).date()
    return _at(local_day, rng.randrange(9, 21), rng.randrange(60))
