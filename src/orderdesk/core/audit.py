"""The audit facility every action uses (SPEC S3).

Call ``record(action, obj, before=..., after=...)`` inside the action's
transaction, so the event commits or rolls back with the change itself.
``snapshot(obj, fields)`` takes the before/after pictures.

S2: the trail never keeps a phone number, UPI ID or account number in full —
``record`` masks the pictures (by key and by pattern) and the record's name
before they are stored, whatever the caller passes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, models, transaction

from orderdesk.core.context import (
    current_actor,
    current_ip,
    current_object,
    current_request_id,
    current_via,
    set_current_object,
)
from orderdesk.core.masking import mask_data, mask_text
from orderdesk.core.models import AuditEvent, AuditRedaction


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """A JSON-ready picture of ``fields`` of ``obj`` (FKs by id)."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        data[name] = value
    return data


FROM_CONTEXT = object()  # record(): take via / ip from the request or task context


def record(
    action: str,
    obj: models.Model,
    *,
    before: dict | None = None,
    after: dict | None = None,
    actor=None,
    system: bool = False,
    via=FROM_CONTEXT,
    ip=FROM_CONTEXT,
    object_id: str | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Write one audit event; every audit row goes through here (masking included).

    ``actor`` defaults to the request's or task's actor; ``system=True`` records the
    system whatever the context (the SLA sweep, a lock-out). ``via`` and ``ip`` default to
    the context's; ``object_id`` and ``object_repr`` override ``obj``'s (a lock-out of
    an unknown username names no user: ``""``, and shows the username as typed).
    """
    actor = None if system else (actor if actor is not None else current_actor())
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    if current_request_id() and current_object() is None:
        # The request's log lines name the first object it changed (when its URL named
        # none); the request middleware clears this when the request ends.
        set_current_object(f"{obj._meta.label_lower}:{obj.pk}")
    event = AuditEvent(
        actor=actor if is_user else None,
        # A customer acting through the storefront has no account: "customer:<id>".
        actor_label=actor.get_username() if is_user else getattr(actor, "audit_label", "system"),
        via=current_via() if via is FROM_CONTEXT else via,
        ip=current_ip() if ip is FROM_CONTEXT else ip,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=object_id if object_id is not None else str(obj.pk),
        object_repr=mask_text(str(obj) if object_repr is None else object_repr)[:200],
        before=mask_data(before),
        after=mask_data(after),
    )
    batch = _batch.get()
    if batch is not None and batch.defers():
        batch.events.append(event)
    else:
        event.save(force_insert=True)
    return event


class _Batch:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []
        self.savepoints = _open_savepoints()

    def defers(self) -> bool:
        # Only at the batch's own savepoint depth: an event recorded inside a nested
        # savepoint is written at once, so a partial rollback that the caller catches
        # takes its event with it (a deferred one would outlive the rollback).
        return _open_savepoints() == self.savepoints


def _open_savepoints() -> tuple:
    return tuple(sid for sid in connection.savepoint_ids if sid)


_batch: ContextVar[_Batch | None] = ContextVar("audit_batch", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Write the events ``record`` makes inside the block as one multi-row INSERT at its end.

    For a hot path that records several events in one transaction (``create_order``: the
    customer, address, slot, order and message). Use it inside that transaction.atomic
    block: the events commit or roll back with the changes, as one-by-one ones do; an
    exception leaving the block drops the unwritten events (the transaction rolls back).
    The events keep the order they were recorded in (ascending ids); their ``at`` is the
    time of the INSERT (``auto_now_add``), the same for all of them. An event recorded in a
    savepoint opened inside the block is written at once (see ``_Batch.defers``). Nested
    ``batched()`` blocks join the outer one.
    """
    if _batch.get() is not None:
        yield
        return
    # Part of the caller's transaction (or one of its own), with no savepoint: an exception
    # that leaves the block marks the whole transaction for rollback, so the block's changes
    # can never commit without their events, even if a caller catches the exception.
    with transaction.atomic(savepoint=False):
        batch = _Batch()
        token = _batch.set(batch)
        try:
            yield
        finally:
            _batch.reset(token)
        if batch.events:
            AuditEvent.objects.bulk_create(batch.events)


# --- S4: the one sanctioned redaction of the append-only trail ---------------------------

# Keys in audit before/after (and order/ticket event data) whose values may be personal
# data. Redaction replaces their values; ids, statuses, prices, times and booleans stay.
PERSONAL_KEYS = frozenset(
    {
        "name",
        "phone",
        "alternate_phone",
        "email",
        "accessibility_needs",
        "line1",
        "line2",
        "landmark",
        "upi_id",
        "account_number",
        "bank_account_number",
        "ifsc",
        "reference",
        "payment_reference",
        "notes",
        "note",
        "customer_words",
        "text",
        "said",
        "resolution",
        "comment",
        "recipient",
        "subject",
        "body",
        "consent",
        "statement",
        "consent_statement",
        "special_instructions",
        "cancellation_notes",
        "duplicate_override_reason",
        "escalation_reason",
        "expected",
        "message",
        "last_error",
    }
)
REDACTED = "[anonymised]"


def scrub(value):
    """``value`` with the values of personal keys replaced, at any depth (JSON data)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in PERSONAL_KEYS and isinstance(item, str) and item:
                out[key] = REDACTED
            elif key in PERSONAL_KEYS and isinstance(item, dict | list):
                out[key] = scrub_all(item)
            else:
                out[key] = scrub(item)
        return out
    if isinstance(value, list):
        return [scrub(item) for item in value]
    return value


def scrub_all(value):
    """Every string inside ``value`` replaced (a personal key's nested value)."""
    if isinstance(value, dict):
        return {key: scrub_all(item) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub_all(item) for item in value]
    return REDACTED if isinstance(value, str) and value else value


def redact(events, *, reason: str, obj: models.Model, personal_words: Iterable[str]) -> int:
    """S4: remove personal data from ``events`` (a queryset of audit events). Returns how many.

    The only write to audit events anywhere: opens an ``AuditRedaction`` row (which the
    append-only triggers require), rewrites ``before``/``after`` through ``scrub`` and any
    ``object_repr`` containing one of ``personal_words`` (the customer's name, phone…),
    then closes the row — all in one transaction. Who, what, when and which record stay.
    Call inside the anonymising action's transaction.
    """

    words = [w for w in personal_words if w and len(w) >= 3]
    with transaction.atomic():
        permit = AuditRedaction.objects.create(
            reason=reason, object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
        count = 0
        for event in events.only(
            "id", "object_type", "object_id", "object_repr", "before", "after"
        ):
            before, after = scrub(event.before), scrub(event.after)
            repr_ = event.object_repr
            if any(w.lower() in repr_.lower() for w in words):
                repr_ = f"{event.object_type}#{event.object_id} {REDACTED}"
            if (before, after, repr_) == (event.before, event.after, event.object_repr):
                continue
            # The model and its queryset refuse updates on purpose; this is the sanctioned path.
            models.QuerySet.update(
                AuditEvent.objects.filter(pk=event.pk),
                before=before,
                after=after,
                object_repr=repr_,
            )
            count += 1
        AuditRedaction.objects.filter(pk=permit.pk).update(open=False, events=count)
    return count
