"""``orderdesk serve``: the production web server (gunicorn with config/gunicorn.py).

    orderdesk serve                      # ORDERDESK_BIND or 127.0.0.1:8000
    orderdesk serve --bind 127.0.0.1:8001 --workers 3

The process becomes gunicorn (exec), so a supervisor's SIGTERM reaches gunicorn's
master directly: it stops accepting, lets workers finish their requests (up to
``graceful_timeout``) and exits. Static files must be collected first
(``orderdesk collectstatic``; docs/deploy.md).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand


def gunicorn_argv(
    *, bind: list[str] | None = None, workers: int | None = None, extra=()
) -> list[str]:
    """The gunicorn command line ``serve`` runs."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    argv = [str(gunicorn), "--config", "python:orderdesk.config.gunicorn"]
    for address in bind or []:
        argv += ["--bind", address]
    if workers:
        argv += ["--workers", str(workers)]
    argv += list(extra)
    argv.append("orderdesk.config.wsgi:application")
    return argv


def serve_environ(environ: dict[str, str]) -> dict[str, str]:
    """The environment gunicorn runs with: Prometheus multiprocess mode on, in a
    directory of this server's own unless PROMETHEUS_MULTIPROC_DIR says where."""
    env = dict(environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.config.settings")
    if not env.get("PROMETHEUS_MULTIPROC_DIR"):
        env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="orderdesk-metrics-")
        env["ORDERDESK_OWNS_METRICS_DIR"] = "1"  # gunicorn's on_exit removes it
    return env


class Command(BaseCommand):
    help = "Serve orderdesk in production: gunicorn with orderdesk/config/gunicorn.py."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", action="append", help="host:port (repeatable); default ORDERDESK_BIND"
        )
        parser.add_argument("--workers", type=int, help="worker processes; default WEB_CONCURRENCY")
        parser.add_argument(
            "--dry-run", action="store_true", help="print the gunicorn command line and exit"
        )

    def handle(self, *args, bind=None, workers=None, dry_run=False, **options):
        argv = gunicorn_argv(bind=bind, workers=workers)
        if dry_run:
            self.stdout.write(" ".join(argv))
            return
        # exec, not a child: the supervisor signals gunicorn itself (no shell involved).
        os.execve(argv[0], argv, serve_environ(os.environ))  # noqa: S606
