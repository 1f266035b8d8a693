"""Periodic jobs: one registry, owned by ``orderdesk worker``; each job a self-continuing
chain of django-tasks.

The registry: each app registers its jobs in its ``AppConfig.ready()``
(``periodic.register(tasks.SWEEP)``). ``orderdesk worker`` calls ``ensure_all()`` at
start-up and again every ``PERIODIC_KEEPALIVE_SECONDS`` while it runs, so a job whose
chain died (its next run overdue) is re-enqueued by the worker. Nothing else starts a
chain: no web request, no deploy step (``registered()`` lists them for ops and tests).

The chain:

Each run enqueues its successor *first* (``run_after`` = now + period), in its own
transaction, then works — so a worker killed mid-run leaves the next run already
queued. ``ensure()`` starts the chain and restarts it when overdue; a stale chain
notices that the state row's ``next_sweep_at`` no longer matches its
``scheduled_for`` and ends, so duplicate chains collapse into one.

The state row is any model with ``name``, ``next_sweep_at`` and ``last_sweep_at``
(``messaging.SenderState``, ``cx.SlaSweepState``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone
from django_tasks import task_backends

logger = logging.getLogger(__name__)


def can_defer() -> bool:
    """Whether the tasks backend can run a task later (the database backend can)."""
    return getattr(task_backends["default"], "supports_defer", False)


@dataclass(frozen=True)
class PeriodicChain:
    state_model: type[models.Model]
    name: str  # the state row's name
    task: Callable[[], object]  # returns the task; called lazily (the task is defined after us)
    period_seconds: Callable[[], int]
    label: str  # for the log

    def _locked_state(self):
        state, _ = self.state_model.objects.select_for_update().get_or_create(name=self.name)
        return state

    def continue_chain(self, scheduled_for: str) -> bool:
        """Enqueue the next run before this one does any work. False: this chain was replaced."""
        now = timezone.now()
        with transaction.atomic():
            state = self._locked_state()
            if state.next_sweep_at and state.next_sweep_at.isoformat() != scheduled_for:
                return False  # another chain has taken over
            nxt = now + dt.timedelta(seconds=self.period_seconds())
            state.next_sweep_at = nxt
            state.last_sweep_at = now
            state.save()
            if can_defer():
                self.task().using(run_after=nxt).enqueue(scheduled_for=nxt.isoformat())
        return True

    def ensure(self, *, now: dt.datetime | None = None) -> bool:
        """Start the chain, or restart it when its next run is overdue. True if it (re)started."""
        if not can_defer():
            return False
        now = now or timezone.now()
        grace = dt.timedelta(seconds=self.period_seconds() * 2 + 60)
        state = self.state_model.objects.filter(name=self.name).first()
        if state and state.next_sweep_at and state.next_sweep_at > now - grace:
            return False  # cheap path: a run is scheduled and not overdue
        with transaction.atomic():
            state = self._locked_state()
            if state.next_sweep_at and state.next_sweep_at > now - grace:
                return False
            state.next_sweep_at = now
            state.save()
            self.task().enqueue(scheduled_for=now.isoformat())
        logger.info("%s (re)started", self.label)
        return True


def prune_finished_tasks(*tasks) -> None:
    """A chain leaves one finished task row per run: keep a day of them for ops, no more."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another tasks backend keeps its own results
        return
    DBTaskResult.objects.filter(
        task_path__in=[t.module_path for t in tasks],
        status="SUCCESSFUL",
        finished_at__lt=timezone.now() - dt.timedelta(days=1),
    ).delete()


_JOBS: dict[str, PeriodicChain] = {}


def register(chain: PeriodicChain) -> PeriodicChain:
    """Add a periodic job to the worker's registry (from the app's ``AppConfig.ready()``).
    Registering the same chain again is harmless; another chain under a taken name is an
    error (two jobs would share one state row)."""
    taken = _JOBS.get(chain.name)
    if taken is not None and taken is not chain:
        raise ImproperlyConfigured(f"two periodic jobs named {chain.name!r}")
    _JOBS[chain.name] = chain
    return chain


def registered() -> dict[str, PeriodicChain]:
    """Every registered periodic job, by name."""
    return dict(_JOBS)


def ensure_all(*, now: dt.datetime | None = None) -> dict[str, bool]:
    """Start every registered job's chain, or restart it when overdue (the worker calls this
    at start-up and keeps calling it). Returns, per job, whether it was (re)started."""
    return {name: chain.ensure(now=now) for name, chain in _JOBS.items()}
