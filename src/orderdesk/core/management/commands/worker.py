"""``orderdesk worker``: django-tasks-db's ``db_worker`` over every queue, that outlives
a database outage.

``db_worker`` exits on the first database error it does not expect (PostgreSQL
restarting, a failover). This command runs it again after a short, growing pause
(1 s, 2 s, 4 s … at most 30 s), so the worker resumes by itself when the database is
back — as the web processes do.

Shutdown is db_worker's: on SIGTERM (or SIGINT) a worker between tasks exits at once;
one running a task finishes it first, then exits (a second signal kills it). A
message task drains for at most ``MESSAGING_TASK_TIME_BUDGET_SECONDS`` (30 s), so give
the supervisor a stop timeout above that (docs/deploy.md). A worker killed anyway
loses nothing: the outbox rows it had claimed come back when their lease lapses
(docs/messaging.md, "The sender").

The worker owns the periodic jobs (``core.periodic``): at start-up it ensures every
registered job's chain (a fresh database gets its first run of each), and a keeper thread
re-ensures them every ``PERIODIC_KEEPALIVE_SECONDS`` (default 60), so a chain that died
(its next run overdue, e.g. its task row lost with a killed worker) is re-enqueued here,
never by a web request. Several workers may all do this: ``ensure()`` takes the state row's
lock, so one chain results.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from orderdesk.core import periodic

logger = logging.getLogger("orderdesk.worker")

MAX_PAUSE_SECONDS = 30.0


def start_periodic_jobs() -> dict[str, bool]:
    """Ensure every registered periodic job's chain (the worker's start-up step)."""
    started = periodic.ensure_all()
    logger.info(
        "periodic jobs: %s", ", ".join(f"{n}{'*' if s else ''}" for n, s in started.items())
    )
    return started


class PeriodicKeeper(threading.Thread):
    """Re-ensures the registered chains every ``every`` seconds while the worker runs
    (a daemon thread: it ends with the process; its own database connection)."""

    def __init__(self, every: float):
        super().__init__(name="periodic-keeper", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                self.check()
            finally:
                connections.close_all()  # this thread's connections; a fresh one next time

    def check(self) -> list[str]:
        """Re-ensure every chain; the names of those that had died (and were restarted)."""
        try:
            restarted = [name for name, done in periodic.ensure_all().items() if done]
        except DatabaseError as exc:  # an outage: the main loop waits it out; so do we
            logger.warning("periodic keeper: database unavailable: %s", exc)
            return []
        if restarted:
            logger.warning("periodic jobs restarted (their chains had died): %s", restarted)
        return restarted


class Command(DbWorkerCommand):
    help = "Run the background worker (every queue); resumes by itself after a database outage."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*")

    def handle(self, *args, **options):
        pause = 1.0
        keeper = None
        while True:
            started = time.monotonic()
            try:
                if keeper is None:
                    start_periodic_jobs()
                    if not options.get("batch"):
                        every = float(getattr(settings, "PERIODIC_KEEPALIVE_SECONDS", 60))
                        keeper = PeriodicKeeper(every)
                        keeper.start()
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as exc:
                if time.monotonic() - started > 60:
                    pause = 1.0  # it ran well for a while: this is a new outage
                logger.warning("database unavailable, worker resumes in %.0f s: %s", pause, exc)
                for connection in connections.all(initialized_only=True):
                    connection.close_if_unusable_or_obsolete()
                    if not connection.is_usable():
                        connection.close()
                time.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE_SECONDS)
