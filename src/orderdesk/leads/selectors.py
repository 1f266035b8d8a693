"""Lead reads that more than one caller needs: the agent's queue, due follow-ups (D10), the
supervisor's views (missed follow-ups, over-contact), a lead's history, the order look-up
(D6) and who may read or work a lead. The console screens are thin over these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, QuerySet, Value, When
from django.utils import timezone

from orderdesk.accounts.permissions import Perm, has_perm, require
from orderdesk.core.errors import Forbidden, NotFound
from orderdesk.customers.selectors import search_customers
from orderdesk.leads import rules
from orderdesk.leads.choices import Direction, DispositionGroup, FollowUpStatus, LeadStatus
from orderdesk.leads.models import (
    ContactAttempt,
    ContactPolicy,
    ContactRefusal,
    Disposition,
    FollowUp,
    Lead,
    Notification,
)
from orderdesk.telephony.models import Call

# --- Who may see and work a lead ----------------------------------------------------------


def may_read_all_leads(user) -> bool:
    """Supervisors read every lead (they audit agents' calls)."""
    return has_perm(user, Perm.AUDITS_RUN)


def may_read_lead_history(user) -> bool:
    """CX agents read a lead and its contact history, never write it (issue 15 item 8: sales
    hands over to CX "with CX visibility")."""
    return has_perm(user, Perm.TICKETS_WORK) and not has_perm(user, Perm.LEADS_WORK)


def follow_up_spent(lead: Lead) -> bool:
    """D4 (issue 15 item 6): the lead's one gentle follow-up has been made and the lead has left
    that Will Place Order episode: outbound sales contact on it is refused (``followup_spent``)."""
    if lead.status == LeadStatus.WILL_PLACE_ORDER or not lead.episode:
        return False  # still in the episode, or never in one: no query needed
    done = FollowUp.objects.filter(lead=lead, episode=lead.episode, done_at__isnull=False)
    return rules.follow_up_spent(lead_status=lead.status, episode_follow_up_done=done.exists())


def lead_for(user, lead_id: int, *, write: bool = False, direction: str = "outbound") -> Lead:
    """The lead ``user`` asked for, or a refusal.

    Reading: sales agents (``leads.work``) read their own leads, unowned ones, and any lead
    of a customer they search for by phone is visible in the search list, but the lead page
    of another agent's lead is refused (403): its owner works it. Supervisors
    (``audits.run``) and CX agents (``tickets.work``, issue 15 item 8) read every lead. Writing: own or unowned leads, and any lead for an
    inbound contact (a customer who calls in is answered by whoever picks up).
    """
    readers = may_read_all_leads(user) or may_read_lead_history(user)
    if not (has_perm(user, Perm.LEADS_WORK) or readers):
        require(user, Perm.LEADS_WORK)  # raises 401/403 with the permission named
    if write:
        require(user, Perm.LEADS_WORK)
    lead = (
        Lead.objects.select_related("customer", "owner", "disposition", "variant__model__brand")
        .filter(pk=lead_id)
        .first()
    )
    if lead is None:
        raise NotFound(f"Lead {lead_id} does not exist.", code="lead_unknown", field="lead_id")
    if not write and readers:
        return lead
    if not rules.may_work_lead(owner_id=lead.owner_id, agent_id=user.pk, direction=direction):
        raise Forbidden(
            f"Lead {lead.pk} is owned by another agent: sales agents work their own and unowned "
            f"leads.",
            code="not_lead_owner",
            field="lead_id",
        )
    return lead


# --- Queues (D10) ------------------------------------------------------------------------------


def lead_queue(agent, *, now: dt.datetime | None = None, limit: int = 50) -> QuerySet[Lead]:
    """The agent's open leads: those with a follow-up due now first (earliest first), then by
    priority (high-end first), then oldest first. Each row has ``follow_up_due`` (0 = due)."""
    now = now or timezone.now()
    return (
        Lead.objects.filter(owner=agent, closed_for_sales=False)
        .select_related("customer", "disposition", "variant__model__brand")
        .annotate(
            follow_up_due=Case(
                When(next_follow_up_at__lte=now, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("follow_up_due", "next_follow_up_at", "-priority", "created_at")[:limit]
    )


def agent_queue(agent, *, now: dt.datetime | None = None, limit: int = 50) -> list[Lead]:
    """D10, the console's queue: ``lead_queue``'s order (follow-ups due now first, earliest
    first; then later follow-ups; then the rest by priority, high-end first, then oldest),
    read as up to three index range scans of at most ``limit`` rows each, instead of one sort
    over all the agent's open leads (a busy agent holds tens of thousands at scale; see
    "Lead queue" in docs/benchmarks.md). Rows carry ``follow_up_due`` (0 = due) like
    ``lead_queue``'s. Leads without a follow-up come after those with a later one on every
    database (``lead_queue`` leaves that to the database's NULL ordering).
    """
    now = now or timezone.now()
    base = Lead.objects.filter(owner=agent, closed_for_sales=False).select_related(
        "customer", "disposition", "variant__model__brand"
    )
    by_follow_up = ("next_follow_up_at", "-priority", "created_at")
    rows = list(base.filter(next_follow_up_at__lte=now).order_by(*by_follow_up)[:limit])
    for lead in rows:
        lead.follow_up_due = 0
    rest: list[Lead] = []
    if len(rows) < limit:
        rest += base.filter(next_follow_up_at__gt=now).order_by(*by_follow_up)[: limit - len(rows)]
    if len(rows) + len(rest) < limit:
        rest += base.filter(next_follow_up_at__isnull=True).order_by("-priority", "created_at")[
            : limit - len(rows) - len(rest)
        ]
    for lead in rest:
        lead.follow_up_due = 1
    return rows + rest


def unowned_leads(*, limit: int = 50) -> QuerySet[Lead]:
    """Open leads nobody owns yet, high-end first, oldest first (the next to pick)."""
    return (
        Lead.objects.filter(owner__isnull=True, closed_for_sales=False)
        .select_related("customer", "variant__model__brand")
        .order_by("-priority", "created_at")[:limit]
    )


def due_follow_ups(
    agent, *, now: dt.datetime | None = None, within: dt.timedelta = dt.timedelta(0)
) -> QuerySet[FollowUp]:
    """D10: the agent's pending follow-ups due by ``now + within``, by due time then priority."""
    now = now or timezone.now()
    return (
        FollowUp.objects.filter(
            assigned_to=agent, status=FollowUpStatus.PENDING, due_at__lte=now + within
        )
        .select_related("lead__customer", "lead__variant__model__brand")
        .order_by("due_at", "-lead__priority", "id")
    )


def missed_follow_ups(
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    agent=None,
    team=None,
) -> QuerySet[FollowUp]:
    """D10, the supervisor's view: follow-ups marked missed (``done_at`` set when made late)."""
    qs = FollowUp.objects.filter(status=FollowUpStatus.MISSED)
    if since:
        qs = qs.filter(due_at__gte=since)
    if until:
        qs = qs.filter(due_at__lt=until)
    if agent is not None:
        qs = qs.filter(assigned_to=agent)
    if team is not None:
        qs = qs.filter(assigned_to__team=team)
    return qs.select_related("lead__customer", "assigned_to").order_by("-due_at")


def over_contact_refusals(
    *, since: dt.datetime | None = None, until: dt.datetime | None = None, agent=None
) -> QuerySet[ContactRefusal]:
    """The supervisor's view of over-contact attempts: contacts the rules refused (D4/D5/D9)."""
    qs = ContactRefusal.objects.all()
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    if agent is not None:
        qs = qs.filter(agent=agent)
    return qs.select_related("lead__customer", "agent")


def over_contact_summary(*, since: dt.datetime | None = None, until: dt.datetime | None = None):
    """Refused over-contact attempts per agent and rule code, most first."""
    return (
        over_contact_refusals(since=since, until=until)
        .values("agent__username", "code")
        .annotate(count=Count("id"))
        .order_by("-count", "agent__username", "code")
    )


def contacts_after_already_ordered(*, since=None, until=None) -> QuerySet[ContactAttempt]:
    """KPI (follow-up compliance): sales contacts (outbound) logged on a lead after it was
    closed as already ordered. Zero by construction (D5); kept as the proof. The customer's
    own calls (inbound) are answered and recorded, never counted here (issue 15)."""
    qs = ContactAttempt.objects.filter(
        direction=Direction.OUTBOUND,
        lead__closed_reason="already_ordered",
        lead__closed_at__isnull=False,
        at__gt=F("lead__closed_at"),
        recorded_by_system=False,
    )
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs


# --- A lead's page ---------------------------------------------------------------------------


@dataclass
class LeadHistory:
    lead: Lead
    contacts: list[ContactAttempt]
    follow_ups: list[FollowUp]
    tickets: list
    refusals: list[ContactRefusal]
    other_leads: list[Lead]
    order_block: str | None


def lead_history(lead: Lead, *, limit: int = 100) -> LeadHistory:
    """Everything the lead page shows from this app (the console adds orders and messages)."""
    return LeadHistory(
        lead=lead,
        contacts=list(
            lead.contacts.select_related("agent", "disposition").order_by("-at", "-id")[:limit]
        ),
        follow_ups=list(lead.follow_ups.select_related("assigned_to").order_by("-episode")),
        tickets=list(lead.tickets.order_by("-created_at")),
        refusals=list(lead.refusals.select_related("agent")[:limit]),
        other_leads=list(
            Lead.objects.filter(customer_id=lead.customer_id)
            .exclude(pk=lead.pk)
            .select_related("owner", "disposition")
            .order_by("-created_at")[:20]
        ),
        order_block=rules.order_creation_blocked(lead),
    )


def find_leads(query: str, *, limit: int = 25) -> QuerySet[Lead]:
    """Leads of the customers found by phone (any format) or name, newest first."""
    customer_ids = list(search_customers(query, limit=limit).values_list("pk", flat=True))
    return (
        Lead.objects.filter(customer_id__in=customer_ids)
        .select_related("customer", "owner", "disposition")
        .order_by("closed_for_sales", "-created_at")[:limit]
    )


def disposition_tree(*, agent_selectable_only: bool = False) -> dict[str, list[Disposition]]:
    """The active tree, grouped Connected / Not Connected, for the call panel and the card."""
    qs = Disposition.objects.filter(active=True)
    if agent_selectable_only:
        qs = qs.filter(agent_selectable=True)
    tree: dict[str, list[Disposition]] = {g.value: [] for g in DispositionGroup}
    for row in qs.order_by("group", "position", "id"):
        tree[row.group].append(row)
    return tree


def unread_notifications(user, *, limit: int = 20) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).select_related(
        "lead__customer"
    )[:limit]


def suggester_agreement(*, since: dt.datetime | None = None, until: dt.datetime | None = None):
    """D2, measured on real calls: how often the agent's final disposition equals the stored
    suggestion (contacts with customer's words only). Returns (agreed, total)."""
    qs = ContactAttempt.objects.exclude(suggested_disposition="").filter(recorded_by_system=False)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    total = qs.count()
    agreed = qs.filter(suggested_disposition=F("disposition__key")).count()
    return agreed, total


def calling_hours_in_force() -> tuple[dt.time, dt.time]:
    """N3 and D9 share one definition of calling hours: the contact policy in force
    (registered as messaging's calling-hours source in LeadsConfig.ready())."""
    policy = ContactPolicy.in_force()
    return policy.calling_hours_start, policy.calling_hours_end


def inbound_claimed_outside_hours(
    *, since: dt.datetime, now: dt.datetime | None = None, limit: int = 200
) -> list[ContactAttempt]:
    """Issue 21: contacts logged as inbound outside calling hours with no telephony call
    record behind them ("inbound" was only the client's word, and D9 does not apply to
    inbound), newest first, for the supervisor's oversight page. Calling hours are the
    policy in force now."""
    from_call = Call.objects.filter(contact_attempt_id=OuterRef("pk"))
    policy = rules.Policy.of(ContactPolicy.in_force(now or timezone.now()))
    qs = (
        ContactAttempt.objects.filter(
            direction=Direction.INBOUND, recorded_by_system=False, at__gte=since
        )
        .exclude(Exists(from_call))
        .select_related("lead__customer", "lead__owner", "agent", "disposition")
        .order_by("-at", "-id")
    )
    out = []
    for contact in qs.iterator(chunk_size=500):
        if not rules.within_calling_hours(contact.at, policy):
            out.append(contact)
            if len(out) >= limit:
                break
    return out
