"""Benchmark P7 (issue 17): RSS growth of a web worker over N requests with worker
recycling off.

    .venv/bin/python bench/rss_soak.py --requests 100000

PostgreSQL (the server of BENCH_PG_URL / DATABASE_URL; a scratch database, dropped after).
1. Migrate, load the demo (``orderdesk seed``), pick an order; sign in (a session made in
   this process, as ``django.test.Client.force_login`` does) the demo sales agent and the
   demo supervisor; a bearer token for the demo CX agent (POST /api/v1/auth/token).
2. ``orderdesk serve`` with one worker and ``GUNICORN_MAX_REQUESTS=0`` (never recycled).
3. ``--clients`` threads on keep-alive connections cycle through the main endpoints:
   ``GET /api/v1/orders/{number}`` and ``GET /api/v1/orders?status=`` (bearer token),
   ``GET /console/leads/`` (the lead queue page, sales agent) and ``GET /console/kpis/``
   (supervisor). Every answer must be 200.
4. The worker's RSS (/proc/PID/status VmRSS) after ``--warmup`` requests, then after
   ``--requests`` more; the P7 figure line: growth = end / warm - 1 (target <= 0.05).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _figure import emit
from _scratch import scratch_database
from orders_throughput import free_port, http_json, worker_pids

ROOT = Path(__file__).resolve().parent.parent


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def drive(port: int, targets: list[tuple[str, dict]], n: int, clients: int) -> None:
    """``n`` GETs in all, round-robin over ``targets``, from ``clients`` keep-alive threads."""
    counter = itertools.count()
    errors: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while not errors and (i := next(counter)) < n:
            path, headers = targets[i % len(targets)]
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"GET {path}: {response.status}")
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(errors[0])


def run(args, tmp: Path) -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "orderdesk.config.settings"
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from orderdesk.accounts.models import User
    from orderdesk.orders.models import Order

    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)
    number, order_status = Order.objects.order_by("id").values_list("number", "status").first()
    cookies = {}
    for username in ("demo-sales", "demo-supervisor"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookies[username] = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}="
            + client.cookies[settings.SESSION_COOKIE_NAME].value
        }
    connections.close_all()

    port = args.port or free_port()
    env = dict(
        os.environ,
        PYTHONUNBUFFERED="1",
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_ACCESS_LOG="/dev/null",
        LOG_LEVEL="WARNING",
    )
    log_path = tmp / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("orderdesk")), "serve",
             "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"orderdesk serve exited: {log_path.read_text()[-2000:]}")
            try:
                if http_json(port, "GET", "/api/v1/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("orderdesk serve did not answer within 60 s")
            time.sleep(0.2)
        status, body = http_json(
            port, "POST", "/api/v1/auth/token", {"username": "demo-cx", "password": "demo"}
        )
        if status != 200:
            raise RuntimeError(f"login: {status} {body}")
        bearer = {"Authorization": f"Bearer {body['token']}"}
        targets = [
            (f"/api/v1/orders/{number}", bearer),
            (f"/api/v1/orders?status={order_status}", bearer),
            ("/console/leads/", cookies["demo-sales"]),
            ("/console/kpis/", cookies["demo-supervisor"]),
        ]
        [worker] = worker_pids(server.pid)
        started = time.monotonic()
        drive(port, targets, args.warmup, args.clients)
        warm = rss_kib(worker)
        drive(port, targets, args.requests, args.clients)
        end = rss_kib(worker)
        seconds = time.monotonic() - started
        if worker_pids(server.pid) != [worker]:
            raise RuntimeError("the worker was replaced during the soak")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"worker RSS: {warm} KiB after {args.warmup} requests, {end} KiB after "
          f"{args.requests} more ({seconds:.0f} s)", flush=True)  # fmt: skip
    emit(
        "P7",
        "RSS growth of a web worker (orderdesk serve, GUNICORN_MAX_REQUESTS=0) over the soak, "
        "vs its RSS after warm-up",
        end / 1024,
        warm / 1024,
        0.05,
        {"warmup": args.warmup, "requests": args.requests, "clients": args.clients,
         "endpoints": [p for p, _ in targets]},
        better="lower",
        unit="MiB",
        ratio=end / warm - 1,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--warmup", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    args = parser.parse_args()
    with (
        scratch_database("postgres", "orderdesk_bench_rss") as db_env,
        tempfile.TemporaryDirectory(prefix="orderdesk-bench-rss-") as tmp,
    ):
        os.environ.update(db_env)
        os.environ["DEBUG"] = "0"
        os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
        os.environ["LOG_LEVEL"] = "WARNING"
        try:
            run(args, Path(tmp))
        finally:
            from django.db import connections

            connections.close_all()


if __name__ == "__main__":
    main()
