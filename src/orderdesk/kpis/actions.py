"""Every write of the kpis app: drawing and scoring audits, recording exports (SPEC §7, M8).

Atomic, verb-first, audited with ``orderdesk.core.audit.record``; refusals raise a
``DomainError`` with a code and change nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from orderdesk.accounts.permissions import Perm, require
from orderdesk.core import audit
from orderdesk.core.errors import ValidationFailed
from orderdesk.core.timeutil import ist_day_bounds
from orderdesk.kpis.models import AgentAudit, AuditStatus, AuditSubject
from orderdesk.kpis.rules import CHECKLISTS, audit_score, sample_weight
from orderdesk.leads.models import ContactAttempt
from orderdesk.orders.actions import record_agent_error
from orderdesk.orders.choices import Channel
from orderdesk.orders.models import AgentError, Order, OrderItem

MAX_SAMPLE = 50
CANDIDATE_POOL = 2000  # the most recent candidates a draw chooses from


def _weighted_sample(candidates: list, weights: list[float], k: int, rng: random.Random) -> list:
    """Weighted random sampling without replacement (Efraimidis-Spirakis: key = u^(1/w))."""
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [candidates[i] for _, i in keyed[:k]]


@transaction.atomic
def draw_audit_sample(
    *, subject: str, size: int, drawn_by, since: dt.date, until: dt.date, seed: int | None = None
) -> list[AgentAudit]:
    """Draw ``size`` agents' orders or calls from ``[since, until]`` (IST days) to audit, at
    random, weighted to new agents and high-value orders (``kpis.rules.sample_weight``).
    Items already waiting to be scored are not drawn again. Refused (403) unless
    ``drawn_by`` holds ``AUDITS_RUN``."""
    require(drawn_by, Perm.AUDITS_RUN)
    if subject not in AuditSubject.values:
        raise ValidationFailed(
            f"Unknown subject {subject!r}.", code="unknown_subject", field="subject"
        )
    if not 1 <= size <= MAX_SAMPLE:
        raise ValidationFailed(
            f"Draw between 1 and {MAX_SAMPLE}.", code="sample_size_invalid", field="size"
        )
    if since > until:
        raise ValidationFailed("'from' is after 'to'.", code="range_reversed", field="from")
    start, end = ist_day_bounds(since)[0], ist_day_bounds(until)[1]
    now = timezone.now()
    if subject == AuditSubject.ORDER:
        qs = (
            Order.objects.filter(
                channel=Channel.AGENT,
                created_by__isnull=False,
                created_at__gte=start,
                created_at__lt=end,
            )
            .exclude(audits__status=AuditStatus.OPEN)
            .select_related("created_by", "device_model")
            # issue 15 item 4: a pickup weighs as high-end when any of its devices is
            .annotate(
                any_high_end=Exists(
                    OrderItem.objects.filter(order=OuterRef("pk"), device_model__high_end=True)
                )
            )
            .order_by("-created_at")[:CANDIDATE_POOL]
        )
        candidates = list(qs)
        weighed = [
            sample_weight(
                agent_joined=o.created_by.date_joined,
                now=now,
                value=o.estimated_price,
                high_end=o.device_model.high_end or o.any_high_end,
            )
            for o in candidates
        ]
    else:
        qs = (
            ContactAttempt.objects.filter(
                agent__isnull=False,
                recorded_by_system=False,
                connected=True,
                at__gte=start,
                at__lt=end,
            )
            .exclude(audits__status=AuditStatus.OPEN)
            .select_related("agent", "lead__quote")
            .order_by("-at")[:CANDIDATE_POOL]
        )
        candidates = list(qs)
        weighed = [
            sample_weight(
                agent_joined=c.agent.date_joined,
                now=now,
                value=c.lead.quote.estimated_price if c.lead.quote_id else None,
                high_end=False,
            )
            for c in candidates
        ]
    if not candidates:
        raise ValidationFailed(
            "Nothing to audit in that range.", code="nothing_to_sample", field="from"
        )
    rng = random.Random(seed)
    chosen = _weighted_sample(
        list(zip(candidates, weighed, strict=True)), [w for w, _ in weighed], size, rng
    )
    audits = []
    for item, (weight, reasons) in chosen:
        is_order = subject == AuditSubject.ORDER
        a = AgentAudit.objects.create(
            subject=subject,
            order=item if is_order else None,
            contact=None if is_order else item,
            agent=item.created_by if is_order else item.agent,
            weight=weight,
            weight_reasons=", ".join(reasons),
            drawn_by=drawn_by,
        )
        audit.record(
            "kpis.audit.draw",
            a,
            actor=drawn_by,
            after={"subject": subject, "item": item.pk, "agent": a.agent_id, "weight": weight},
        )
        audits.append(a)
    return audits


@transaction.atomic
def score_audit(*, audit_id: int, answers: dict[str, bool], notes: str, scored_by) -> AgentAudit:
    """Score an open audit on its SOP checklist. Each failed order item that names an error
    kind is recorded against the order's creator (M8, ``record_agent_error``). Every item must
    be answered; a scored audit cannot be scored again. Refused (403) unless ``scored_by``
    holds ``AUDITS_RUN``."""
    require(scored_by, Perm.AUDITS_RUN)
    try:
        a = AgentAudit.objects.select_for_update().get(pk=audit_id)
    except AgentAudit.DoesNotExist:
        raise ValidationFailed("No such audit.", code="unknown_audit", field="audit") from None
    if a.status != AuditStatus.OPEN:
        raise ValidationFailed("This audit is already scored.", code="audit_scored", field="audit")
    items = CHECKLISTS[a.subject]
    missing = [item.key for item in items if item.key not in answers]
    if missing:
        raise ValidationFailed(
            f"Answer every item ({', '.join(missing)} missing).",
            code="checklist_incomplete",
            field=missing[0],
        )
    errors: list[AgentError] = []
    for item in items:
        if not answers[item.key] and item.error_kind and a.subject == AuditSubject.ORDER:
            errors.append(
                record_agent_error(
                    order=a.order,
                    kind=item.error_kind,
                    notes=f"Audit #{a.pk}: {item.text} ({item.sop}). {notes}".strip(),
                    recorded_by=scored_by,
                )
            )
    before = audit.snapshot(a, ["status", "score"])
    a.answers = {item.key: bool(answers[item.key]) for item in items}
    a.score = audit_score(a.answers, a.subject)
    a.status = AuditStatus.SCORED
    a.scored_by = scored_by
    a.scored_at = timezone.now()
    a.notes = (notes or "")[:500]
    try:
        a.save()
    except IntegrityError:  # pragma: no cover - the row lock makes this unreachable
        raise
    audit.record(
        "kpis.audit.score",
        a,
        actor=scored_by,
        before=before,
        after={"status": a.status, "score": a.score, "errors": [e.pk for e in errors]},
    )
    return a


def record_export(*, user, table: str, scope: dict, rows: int) -> None:
    """Every CSV export leaves an audit event: who took which table, over which scope."""
    audit.record(
        "kpis.export",
        user,
        actor=user,
        after={"table": table, "scope": scope, "rows": rows},
    )
