"""Every write on calls: atomic, audited where a person acts, refused with stable codes.

The webhook path is split in two so the provider is answered fast and never loses an event:

1. ``store_events`` (in the request): one ``CallEvent`` row per normalised event, unique per
   (provider, call, event) — a replay finds its row and changes nothing — then a task.
2. ``process_event`` (in the worker): match the event to its call, move the call forward
   (``rules.RANK``; never backwards), fill in the facts, and when the call ends tell the
   apps above (``hooks``), copy the recording, free the agent.

An event for a call we do not know yet stays ``unmatched`` and is applied by ``reconcile``
when the call's provider id becomes known (``dial``) or by the next sweep.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from orderdesk.accounts.permissions import Perm, has_perm, require
from orderdesk.core import audit
from orderdesk.core.errors import Conflict, DomainError, NotFound
from orderdesk.core.phones import normalise_phone
from orderdesk.customers.models import Customer
from orderdesk.telephony import hooks, rules, tasks
from orderdesk.telephony.choices import (
    AgentState,
    CallDirection,
    CallStatus,
    ContextKind,
    EventOutcome,
    ProviderName,
)
from orderdesk.telephony.conf import conf
from orderdesk.telephony.models import AgentPresence, Call, CallEvent, MissedCallback, RateWindow
from orderdesk.telephony.providers import Incoming, ProviderError, get_provider

logger = logging.getLogger(__name__)

CALL_AUDIT_FIELDS = ("status", "provider_call_id", "answered_at", "ended_at", "talk_seconds")


class CallRefused(DomainError):
    """Telephony refuses to place or link the call."""

    title = "Call refused"


# --- placing a call ------------------------------------------------------------------------


def _agent_number(agent) -> str:
    presence = AgentPresence.objects.filter(agent=agent).first()
    if presence and presence.phone:
        return presence.phone
    if conf().provider == ProviderName.SIMULATOR:
        return f"+9190000{agent.pk % 100000:05d}"  # the simulator rings a pretend desk phone
    raise CallRefused(
        "Your phone number for calls is not set: ask a supervisor to set it before calling.",
        code="agent_phone_missing",
        field="agent",
    )


def take_rate_slot(key: str, limit: int, *, now: dt.datetime) -> bool:
    """One provider API request in this minute, if fewer than ``limit`` were made (any process).

    The conditional UPDATE's row count decides, so two processes never both take the last slot.
    """
    window = now.replace(second=0, microsecond=0)
    RateWindow.objects.get_or_create(key=key, window_start=window)
    taken = RateWindow.objects.filter(key=key, window_start=window, count__lt=limit).update(
        count=F("count") + 1
    )
    RateWindow.objects.filter(key=key, window_start__lt=window - dt.timedelta(hours=1)).delete()
    return taken == 1


def start_call(
    *,
    agent,
    customer_number: str,
    customer=None,
    context_kind: str = "",
    context_id: int | None = None,
    now: dt.datetime | None = None,
) -> Call:
    """Ask the provider to ring ``agent`` and then ``customer_number`` (click-to-call).

    Call inside the caller's transaction, after its own rules (D9 for a lead) passed.
    1. Telephony on, the agent may call, has a phone, has no call in progress (the partial
       unique index is the last word when two clicks race).
    2. Exotel allows 200 requests a minute: take a slot or refuse (nothing written).
    3. Write the call (queued), the agent goes on a call; audit.
    4. After commit, ``dial`` asks the provider (a slow provider never holds a row lock).
    """
    now = now or timezone.now()
    require(agent, Perm.CALLS_MAKE)
    settings = conf()
    if not settings.enabled:
        raise CallRefused(
            "Telephony is off: dial from your phone and log the contact by hand.",
            code="telephony_off",
            field="call",
        )
    if Call.objects.filter(agent=agent, status__in=rules.ACTIVE).exists():
        raise Conflict(
            "You already have a call in progress: finish it before starting another.",
            code="call_in_progress",
            field="call",
        )
    agent_number = _agent_number(agent)
    provider = get_provider()
    if getattr(provider, "rate_limited", False) and not take_rate_slot(
        provider.name, settings.exotel_requests_per_minute, now=now
    ):
        raise CallRefused(
            "The telephony provider's limit of requests a minute is reached: try again in a "
            "minute.",
            code="provider_rate_limited",
            field="call",
            status=429,
        )
    try:
        with transaction.atomic():
            call = Call.objects.create(
                provider=provider.name,
                direction=CallDirection.OUTBOUND,
                from_number=agent_number,
                to_number=customer_number,
                agent=agent,
                customer=customer,
                context_kind=context_kind,
                context_id=context_id,
                created_at=now,
            )
    except IntegrityError as exc:
        raise Conflict(
            "You already have a call in progress: finish it before starting another.",
            code="call_in_progress",
            field="call",
        ) from exc
    _set_presence(agent, AgentState.ON_CALL, call=call, now=now)
    # Calling the customer back settles their missed inbound calls on the callback list.
    MissedCallback.objects.filter(done_at__isnull=True, call__from_number=customer_number).update(
        done_at=now, done_call=call
    )
    audit.record(
        "call.start",
        call,
        after={"context": f"{context_kind}:{context_id}", "provider": provider.name},
        actor=agent,
    )
    transaction.on_commit(lambda: dial(call.pk), robust=True)
    return call


def webhook_url(provider_name: str) -> str:
    settings = conf()
    path = reverse(
        "telephony:webhook", kwargs={"provider": provider_name, "secret": settings.webhook_secret}
    )
    return settings.public_url.rstrip("/") + path


def dial(call_pk: int) -> Call:
    """Ask the provider for a queued call (after commit; no lock held while it answers)."""
    call = Call.objects.get(pk=call_pk)
    if call.status != CallStatus.QUEUED or call.provider_call_id:
        return call
    provider = get_provider(call.provider)
    try:
        sid = provider.connect(
            agent_number=call.from_number,
            customer_number=call.to_number,
            our_call_id=str(call.public_id),
            status_callback=webhook_url(call.provider),
            record=conf().record,
        )
    except ProviderError as exc:
        logger.warning("call %s not placed: %s", call.public_id, exc)
        with transaction.atomic():
            call = Call.objects.select_for_update().get(pk=call_pk)
            if call.status == CallStatus.QUEUED:
                call.status = CallStatus.FAILED
                call.ended_at = timezone.now()
                call.note = f"not placed: {exc}"[:300]
                call.save(update_fields=["status", "ended_at", "note"])
                _free_agent(call, answered=False, now=call.ended_at)
        return call
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_pk)
        if not call.provider_call_id:
            call.provider_call_id = sid
            update = ["provider_call_id"]
            if rules.moves_forward(call.status, CallStatus.INITIATED):
                call.status = CallStatus.INITIATED
                update.append("status")
            call.save(update_fields=update)
    reconcile(call)
    return call


# --- webhooks ----------------------------------------------------------------------------


def store_events(
    provider_name: str, events: list[Incoming], *, request_id: str = "", now=None
) -> list[int]:
    """Store each event once (replays find their row); return the ids of the new ones and
    enqueue their processing after commit. Nothing else is done in the request."""
    now = now or timezone.now()
    new: list[int] = []
    for incoming in events:
        try:
            with transaction.atomic():
                row, created = CallEvent.objects.get_or_create(
                    provider=provider_name,
                    provider_call_id=incoming.provider_call_id,
                    event=incoming.event,
                    defaults={
                        "our_call_id": incoming.our_call_id,
                        "occurred_at": incoming.occurred_at,
                        "received_at": now,
                        "request_id": request_id[:64],
                        "payload": incoming.payload,
                    },
                )
        except IntegrityError:  # a concurrent replay inserted it first
            created = False
        if created:
            new.append(row.pk)
    if new:
        transaction.on_commit(lambda: tasks.enqueue_events(new), robust=True)
    return new


def _incoming_of(event: CallEvent) -> Incoming | None:
    for incoming in get_provider(event.provider).parse_webhook(event.payload):
        if incoming.event == event.event:
            return incoming
    return None


def _find_call(event: CallEvent) -> Call | None:
    call = (
        Call.objects.select_for_update()
        .filter(provider=event.provider, provider_call_id=event.provider_call_id)
        .first()
    )
    if call is None and event.our_call_id:
        try:
            call = (
                Call.objects.select_for_update()
                .filter(provider=event.provider, public_id=event.our_call_id, provider_call_id="")
                .first()
            )
        except (ValueError, DomainError):
            call = None
        if call is not None:
            call.provider_call_id = event.provider_call_id
            call.save(update_fields=["provider_call_id"])
    return call


def _number(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except DomainError:
        return (raw or "")[:20]


def _inbound_call(event: CallEvent, incoming: Incoming) -> Call:
    """A customer called the company number: the call's row, made from its first event. The
    caller is looked up by E.164; the agent by the phone that took it (when the event says)."""
    caller = _number(incoming.from_number)
    call = Call.objects.create(
        provider=event.provider,
        provider_call_id=event.provider_call_id,
        direction=CallDirection.INBOUND,
        from_number=caller,
        to_number=_number(incoming.to_number),
        customer=Customer.objects.filter(phone=caller).first(),
        created_at=incoming.occurred_at or event.received_at,
    )
    return call


def _take_inbound(call: Call, incoming: Incoming, *, now: dt.datetime) -> None:
    """The agent whose phone answered an inbound call is on it (their screen pops)."""
    if call.agent_id is not None or not incoming.agent_number:
        return
    presence = AgentPresence.objects.filter(phone=_number(incoming.agent_number)).first()
    if presence is None:
        return
    try:
        with transaction.atomic():
            Call.objects.filter(pk=call.pk).update(agent=presence.agent)
    except IntegrityError:  # the agent has another active call on record: leave it unassigned
        logger.warning("inbound call %s: agent %s has another call", call.pk, presence.agent_id)
        return
    call.agent = presence.agent
    _set_presence(presence.agent, AgentState.ON_CALL, call=call, now=now)


def process_event(event_pk: int, *, now: dt.datetime | None = None) -> str:
    """Apply one stored event to its call (the worker's half). Returns the event's outcome.

    Locks the event, then the call; an event already applied or stale is left alone, so a
    task run twice changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = CallEvent.objects.select_for_update().get(pk=event_pk)
        if event.outcome in (EventOutcome.APPLIED, EventOutcome.STALE):
            return event.outcome
        call = _find_call(event)
        incoming = _incoming_of(event)
        if call is None and incoming is not None and incoming.inbound:
            call = _inbound_call(event, incoming)
        if call is None:
            event.outcome = EventOutcome.UNMATCHED
            event.save(update_fields=["outcome"])
            return event.outcome
        changed = incoming is not None and apply_event(
            call, incoming, now=now, heard_at=event.received_at
        )
        event.call = call
        event.outcome = EventOutcome.APPLIED if changed else EventOutcome.STALE
        event.processed_at = now
        event.save(update_fields=["call", "outcome", "processed_at"])
        return event.outcome


def apply_event(
    call: Call, incoming: Incoming, *, now: dt.datetime, heard_at: dt.datetime | None = None
) -> bool:
    """Move ``call`` forward with one event and fill in facts still empty. Call holding the
    call's row lock. True if anything changed. When the call ends: ``_finish``."""
    before = audit.snapshot(call, CALL_AUDIT_FIELDS)
    recording_before = call.recording_url
    was_terminal = call.status in rules.TERMINAL
    status = rules.status_for_event(incoming.event, incoming.provider_status)
    if status and rules.moves_forward(call.status, status):
        call.status = status
    if status == CallStatus.COMPLETED and incoming.answered_at is not None:
        # The terminal event's end time minus the talk time is the provider's own word on
        # when the conversation began: it wins whichever event came first.
        call.answered_at = incoming.answered_at
    elif status == CallStatus.ANSWERED and call.answered_at is None:
        call.answered_at = incoming.answered_at or heard_at or now
    if status in rules.TERMINAL and call.status in rules.TERMINAL:
        if call.ended_at is None:
            call.ended_at = incoming.ended_at or incoming.occurred_at or now
        if call.talk_seconds is None and incoming.talk_seconds is not None:
            call.talk_seconds = incoming.talk_seconds
    if call.direction == CallDirection.INBOUND and call.status in rules.ACTIVE:
        _take_inbound(call, incoming, now=now)
    if incoming.recording_url and not call.recording_url:
        call.recording_url = incoming.recording_url[:500]
    after = audit.snapshot(call, CALL_AUDIT_FIELDS)
    if after == before and call.recording_url == recording_before:
        return False
    call.save()
    if call.status in rules.TERMINAL and not was_terminal:
        _finish(call, now=now)
    elif call.status in rules.TERMINAL and call.recording_url and not call.recording:
        _copy_after_commit(call)
    return True


def _finish(call: Call, *, now: dt.datetime) -> None:
    """The call ended: free the agent, keep a missed inbound call for a callback, tell the
    apps above (an unanswered call on a lead becomes its contact attempt), copy the recording."""
    settings = conf()
    answered = call.answered_at is not None and call.status == CallStatus.COMPLETED
    _free_agent(call, answered=answered, now=now)
    if call.direction == CallDirection.INBOUND and not answered:
        MissedCallback.objects.get_or_create(
            call=call,
            defaults={
                "customer": call.customer,
                "owner": call.agent,
                "due_at": (call.ended_at or now)
                + dt.timedelta(minutes=settings.missed_callback_minutes),
            },
        )
    for receiver in hooks.call_ended_receivers():
        try:
            with transaction.atomic():
                receiver(call)
        except DomainError as exc:
            logger.warning("call %s: %s refused: %s", call.public_id, receiver.__name__, exc)
            Call.objects.filter(pk=call.pk).update(note=f"{exc.code}: {exc.message}"[:300])
    if call.recording_url:
        _copy_after_commit(call)


def _copy_after_commit(call: Call) -> None:
    pk = call.pk
    transaction.on_commit(lambda: tasks.enqueue_recording_copy(pk), robust=True)


def reconcile(call: Call, *, now: dt.datetime | None = None) -> int:
    """Apply the events that arrived before ``call`` was known. Returns how many applied."""
    if not call.provider_call_id:
        return 0
    todo = CallEvent.objects.filter(
        provider=call.provider,
        provider_call_id=call.provider_call_id,
        outcome__in=(EventOutcome.PENDING, EventOutcome.UNMATCHED),
    ).order_by("received_at", "id")
    return sum(
        process_event(pk, now=now) == EventOutcome.APPLIED
        for pk in todo.values_list("pk", flat=True)
    )


# --- agents' presence ----------------------------------------------------------------------


def _set_presence(agent, state: str, *, call: Call | None = None, now: dt.datetime) -> None:
    AgentPresence.objects.update_or_create(
        agent=agent, defaults={"state": state, "since": now, "call": call}
    )


def _free_agent(call: Call, *, answered: bool, now: dt.datetime) -> None:
    """The call ended: the agent is available again — or in after-call work when an answered
    call on a lead waits for its disposition (logging it frees the agent, ``link_contact``)."""
    if call.agent_id is None:
        return
    logs_a_contact = call.context_kind == ContextKind.LEAD and call.contact_attempt_id is None
    state = AgentState.AFTER_CALL_WORK if answered and logs_a_contact else AgentState.AVAILABLE
    AgentPresence.objects.filter(agent_id=call.agent_id, call=call).update(state=state, since=now)


def set_presence(agent, state: str, *, now: dt.datetime | None = None) -> AgentPresence:
    """The agent sets their own state: available or away (a call sets on-call by itself)."""
    now = now or timezone.now()
    require(agent, Perm.CALLS_MAKE)
    if state not in (AgentState.AVAILABLE, AgentState.AWAY):
        raise CallRefused(
            "Set yourself available or away; a call sets the other states.",
            code="presence_invalid",
            field="state",
            status=422,
        )
    with transaction.atomic():
        if Call.objects.filter(agent=agent, status__in=rules.ACTIVE).exists():
            raise Conflict(
                "You are on a call: your state changes when it ends.",
                code="call_in_progress",
                field="state",
            )
        presence, _ = AgentPresence.objects.select_for_update().get_or_create(
            agent=agent, defaults={"since": now}
        )
        before = {"state": presence.state}
        presence.state, presence.since, presence.call = state, now, None
        presence.save()
        audit.record("presence.set", presence, before=before, after={"state": state}, actor=agent)
    return presence


# --- the contact attempt a call becomes -------------------------------------------------------


def claim_call_for_contact(
    call_id, *, agent, context_kind: str, context_id: int, connected: bool
) -> Call:
    """The call an agent logs a contact for: theirs, about this record, not yet logged, and —
    for a connected contact — answered as the provider saw it. Returns the call locked.

    Call inside the logging transaction; ``link_contact`` then records the attempt's id.
    """
    try:
        call = Call.objects.select_for_update().get(pk=int(call_id))
    except (Call.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound("No such call.", code="call_not_found", field="call") from exc
    if call.agent_id != agent.pk or (call.context_kind, call.context_id) != (
        context_kind,
        context_id,
    ):
        raise CallRefused(
            "This call is not yours or not about this record.", code="call_mismatch", field="call"
        )
    if call.contact_attempt_id is not None:
        raise Conflict(
            "This call is already logged as a contact.", code="call_already_logged", field="call"
        )
    if connected and call.answered_at is None:
        raise CallRefused(
            "The provider never saw this call answered: log it as not connected (or wait for "
            "the call to connect).",
            code="call_not_answered",
            field="connected",
            status=409,
        )
    return call


def link_contact(call: Call, contact_attempt_id: int) -> None:
    """Record the contact attempt ``call`` became (call holding its lock, or just created).
    The unique column refuses a second attempt for one call."""
    updated = Call.objects.filter(pk=call.pk, contact_attempt_id__isnull=True).update(
        contact_attempt_id=contact_attempt_id
    )
    if updated != 1:
        raise Conflict(
            "This call is already logged as a contact.", code="call_already_logged", field="call"
        )
    call.contact_attempt_id = contact_attempt_id
    presence = AgentPresence.objects.filter(
        agent_id=call.agent_id, call=call, state=AgentState.AFTER_CALL_WORK
    )
    presence.update(state=AgentState.AVAILABLE, since=timezone.now())


# --- recordings ------------------------------------------------------------------------------


def copy_recording(call_pk: int, *, now: dt.datetime | None = None) -> bool:
    """Copy the provider's recording into our storage (its links expire within the hour).

    The download runs outside any transaction (it can take seconds); the row is then
    updated only if no other run stored a copy meanwhile. True if this run stored it.
    """
    now = now or timezone.now()
    call = Call.objects.get(pk=call_pk)
    if call.recording or not call.recording_url or call.recording_deleted_at:
        return False
    data = get_provider(call.provider).download(call.recording_url)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_pk)
        if call.recording:
            return False
        call.recording.save(f"{call.public_id}.wav", ContentFile(data), save=False)
        call.recording_expires_at = (call.ended_at or now) + dt.timedelta(
            days=conf().recording_retention_days
        )
        call.save(update_fields=["recording", "recording_expires_at"])
    return True


def delete_expired_recordings(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """The retention job: delete recordings past their expiry from storage. Returns how many."""
    now = now or timezone.now()
    done = 0
    due = Call.objects.filter(recording_expires_at__lte=now, recording_deleted_at__isnull=True)
    for pk in due.exclude(recording="").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            call = Call.objects.select_for_update().get(pk=pk)
            if not call.recording:
                continue
            name = call.recording.name
            call.recording.storage.delete(name)
            call.recording = ""
            call.recording_deleted_at = now
            call.save(update_fields=["recording", "recording_deleted_at"])
            audit.record(
                "call.recording.delete",
                call,
                after={"expired_at": call.recording_expires_at.isoformat()},
            )
            done += 1
    return done


def open_recording(call_pk: int, *, user):
    """The recording's file, opened for ``user`` to listen; the listening is audited (S3).

    Agents hear their own calls; supervisors every call.
    """
    require(user, Perm.CALLS_LISTEN)
    call = Call.objects.filter(pk=call_pk).first()
    if call is None or not (call.agent_id == user.pk or has_perm(user, Perm.CALLS_ALL)):
        raise NotFound("No such recording.", code="recording_not_found", field="call")
    if not call.recording:
        raise NotFound(
            "This call has no recording (none made, not copied yet, or deleted after the "
            "retention period).",
            code="recording_not_found",
            field="call",
        )
    audit.record(
        "call.recording.listen", call, after={"recording": call.recording.name}, actor=user
    )
    return call.recording.open("rb")


# --- the fallback poll ----------------------------------------------------------------------


def poll_stale_calls(*, now: dt.datetime | None = None, limit: int = 50) -> int:
    """Calls with no terminal event ``POLL_AFTER_MINUTES`` after they started: ask the provider
    (``fetch_call``) and apply what it says through the same event path. A queued call that
    was never placed is failed. Returns how many calls moved."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=conf().poll_after_minutes)
    stale = Call.objects.filter(status__in=rules.ACTIVE, created_at__lte=cutoff).filter(
        Q(polled_at__isnull=True) | Q(polled_at__lte=now - dt.timedelta(minutes=1))
    )
    moved = 0
    for call in stale.order_by("created_at")[:limit]:
        Call.objects.filter(pk=call.pk).update(polled_at=now)
        if not call.provider_call_id:
            with transaction.atomic():
                locked = Call.objects.select_for_update().get(pk=call.pk)
                if locked.status == CallStatus.QUEUED and not locked.provider_call_id:
                    locked.status = CallStatus.FAILED
                    locked.ended_at = now
                    locked.note = "never placed with the provider"
                    locked.save(update_fields=["status", "ended_at", "note"])
                    _free_agent(locked, answered=False, now=now)
                    moved += 1
            continue
        try:
            events = get_provider(call.provider).fetch_call(call.provider_call_id)
        except ProviderError as exc:
            logger.warning("poll of call %s failed: %s", call.public_id, exc)
            continue
        with transaction.atomic():
            store_events(call.provider, events, request_id="poll", now=now)
        before = call.status
        reconcile(call, now=now)
        call.refresh_from_db()
        moved += call.status != before
    # Events still unmatched after the poll window (their call never appeared) stay stored.
    return moved


def assign_callback(call: Call, owner) -> None:
    """Give a missed call's callback an owner (the agent who owns the caller's lead)."""
    MissedCallback.objects.filter(call=call, owner__isnull=True).update(owner=owner)


def attach_customer(call: Call, customer, *, context_kind: str, context_id: int) -> None:
    """Name the customer and the record an inbound call turned into (a new lead or ticket)."""
    Call.objects.filter(pk=call.pk).update(
        customer=customer, context_kind=context_kind, context_id=context_id
    )
    MissedCallback.objects.filter(call=call, customer__isnull=True).update(customer=customer)
