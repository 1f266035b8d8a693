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
"""

from __future__ import annotations

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

logger = logging.getLogger("orderdesk.worker")

MAX_PAUSE_SECONDS = 30.0


class Command(DbWorkerCommand):
    help = "Run the background worker (every queue); resumes by itself after a database outage."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*")

    def handle(self, *args, **options):
        pause = 1.0
        while True:
            started = time.monotonic()
            try:
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
