"""Gunicorn settings for production (``orderdesk serve`` runs ``gunicorn -c`` this file).

Every value can be overridden from the environment (docs/deploy.md lists them):
``ORDERDESK_BIND`` (default ``127.0.0.1:8000``; behind the TLS proxy), ``WEB_CONCURRENCY``
(worker processes, default 2 x CPUs + 1, at most 8), ``GUNICORN_THREADS``,
``GUNICORN_TIMEOUT``, ``GUNICORN_GRACEFUL_TIMEOUT``, ``GUNICORN_KEEPALIVE``,
``GUNICORN_MAX_REQUESTS``. The access log is one JSON object a line on stdout, with the
request id that Django's RequestIdMiddleware returned in ``X-Request-ID``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from urllib.parse import unquote_plus

from gunicorn.glogging import Logger

from orderdesk.core.masking import mask_text


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


wsgi_app = "orderdesk.config.wsgi:application"
bind = [
    b.strip() for b in os.environ.get("ORDERDESK_BIND", "127.0.0.1:8000").split(",") if b.strip()
]
workers = _int("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
worker_class = "sync"  # behind a buffering proxy (nginx); see docs/deploy.md
# A request that runs longer than this is killed (its transaction rolls back).
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM a worker finishes the request in hand for up to this long, then is killed.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 25)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then (bounded memory growth), jittered so they do not restart together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max(1, max_requests // 10) if max_requests else 0
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "orderdesk-web")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Gunicorn's control socket defaults to one path per user: two servers on one host
# would fight over it, and nothing here uses it.
control_socket_disable = True
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def masked_url_part(value: str) -> str:
    """S2 (issue 21, 6): phone numbers, UPI IDs and account numbers in a path, query string
    or referer are masked as the app's log filter masks them; decoded first, so that
    ``q=%2B91+98111+22233`` is found like ``q=+91 98111 22233``."""
    if not value or value == "-":
        return value
    return mask_text(unquote_plus(value))


class JsonAccessLogger(Logger):
    """Gunicorn's logger, with each access-log line written as one JSON object; the path,
    query string and referer masked (``masked_url_part``)."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        line = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "logger": "gunicorn.access",
            "request_id": atoms.get("{x-request-id}o") or atoms.get("{x-request-id}i"),
            "remote_addr": atoms["h"],
            "method": atoms["m"],
            "path": masked_url_part(atoms["U"]),
            "query": masked_url_part(atoms["q"]),
            "protocol": atoms["H"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": round(atoms["D"] / 1000, 1),
            "referer": masked_url_part(atoms["f"]),
            "user_agent": atoms["a"],
            "pid": os.getpid(),
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:  # a log line must never fail a request
            self.exception("access log")


logger_class = JsonAccessLogger


def on_starting(server):
    # Prometheus multiprocess mode: each worker writes its samples under this directory;
    # a server starting afresh must not add up the samples of its previous run.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    # A directory ``orderdesk serve`` made for this server goes with it.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory and os.environ.get("ORDERDESK_OWNS_METRICS_DIR") == "1":
        shutil.rmtree(directory, ignore_errors=True)
