"""The audit facility every action uses (SPEC S3).

Call ``record(action, obj, before=..., after=...)`` inside the action's
transaction, so the event commits or rolls back with the change itself.
``snapshot(obj, fields)`` takes the before/after pictures.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from orderdesk.core.context import (
    current_actor,
    current_ip,
    current_object,
    current_request_id,
    current_via,
    set_current_object,
)
from orderdesk.core.models import AuditEvent


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """A JSON-ready picture of ``fields`` of ``obj`` (FKs by id)."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        data[name] = value
    return data


def record(
    action: str,
    obj: models.Model,
    *,
    before: dict | None = None,
    after: dict | None = None,
    actor=None,
) -> AuditEvent:
    actor = actor if actor is not None else current_actor()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    if current_request_id() and current_object() is None:
        # The request's log lines name the first object it changed (when its URL named
        # none); the request middleware clears this when the request ends.
        set_current_object(f"{obj._meta.label_lower}:{obj.pk}")
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_label=actor.get_username() if is_user else "system",
        via=current_via(),
        ip=current_ip(),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
    )
