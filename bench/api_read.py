"""Benchmark P2 (issue 17): an authenticated read, GET /api/v1/orders/{number} with a bearer
token, as a ratio to a bare Django view returning "hello" on the same gunicorn.

    .venv/bin/python bench/api_read.py --seconds 20 --clients 4 --workers 2

PostgreSQL (the server of BENCH_PG_URL / DATABASE_URL; a scratch database, dropped after).
1. Migrate, load the demo (``orderdesk seed``), pick an order.
2. Start gunicorn with BENCH_HELLO_VIEW=1 (GET /bench/hello, bench only) and log in as the
   demo CX agent (POST /api/v1/auth/token).
3. Drive both URLs with the same load generator, side by side in this run: ``wrk`` when it
   is installed, else Python threads with keep-alive connections (slower; the ratio still
   compares like with like). Each answer's status is checked.
4. Print one JSON line: requests/s of each, the ratio (target >= 0.35), the load average;
   then the P2 figure line (bench/_figure.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _figure import emit
from _scratch import machine, scratch_database
from orders_throughput import free_port, http_json, start_gunicorn


def python_load(port: int, path: str, headers: dict, clients: int, seconds: float) -> float:
    """Requests/s over ``seconds`` from ``clients`` threads, each on one keep-alive connection."""
    counts = [0] * clients
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{path}: {response.status}")
                return
            counts[i] += 1
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(counts) / (time.monotonic() - started)


def wrk_load(port: int, path: str, headers: dict, clients: int, seconds: float) -> float:
    args = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{max(1, int(seconds))}s"]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    out = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"{path}: non-2xx answers under wrk:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def run(args, tmp: Path) -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "orderdesk.config.settings"
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from orderdesk.orders.models import Order

    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)
    number = Order.objects.order_by("id").values_list("number", flat=True).first()
    if number is None:
        raise RuntimeError("the demo seed made no order")
    connections.close_all()

    if args.compare:  # the full middleware stack (API_FAST_PATH=0) in this run, first
        full_read, full_hello = serve_and_load(args, tmp, number, {"API_FAST_PATH": "0"})
    read, hello, use_wrk = serve_and_load(args, tmp, number, {}, with_generator=True)
    if args.compare:
        print(json.dumps({"bench": "api_read", "variant": "API_FAST_PATH=0 (full stack)",
                          "requests_per_second": round(full_read, 1),
                          "baseline_requests_per_second": round(full_hello, 1),
                          "ratio": round(full_read / full_hello, 3)}))  # fmt: skip
    report(args, read, hello, use_wrk)


def serve_and_load(args, tmp: Path, number: str, extra_env: dict, with_generator=False):
    port = args.port or free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1", BENCH_HELLO_VIEW="1", **extra_env)
    server = start_gunicorn(env, port, args.workers, tmp / "gunicorn.log")
    try:
        status, body = http_json(
            port, "POST", "/api/v1/auth/token", {"username": "demo-cx", "password": "demo"}
        )
        if status != 200:
            raise RuntimeError(f"login: {status} {body}")
        auth = {"Authorization": f"Bearer {body['token']}"}
        use_wrk = shutil.which("wrk") is not None and not args.python_load
        load = wrk_load if use_wrk else python_load
        for path, headers in (("/bench/hello", {}), (f"/api/v1/orders/{number}", auth)):
            load(port, path, headers, args.clients, min(2.0, args.seconds))  # warm-up
        hello = load(port, "/bench/hello", {}, args.clients, args.seconds)
        read = load(port, f"/api/v1/orders/{number}", auth, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return (read, hello, use_wrk) if with_generator else (read, hello)


def report(args, read: float, hello: float, use_wrk: bool) -> None:
    print(
        json.dumps(
            {
                "bench": "api_read",
                "figure": "P2",
                "endpoint": "GET /api/v1/orders/{number}",
                "baseline": "GET /bench/hello (bare Django view, same gunicorn)",
                "requests_per_second": round(read, 1),
                "baseline_requests_per_second": round(hello, 1),
                "ratio": round(read / hello, 3),
                "target": 0.35,
                "load_generator": "wrk" if use_wrk else "python threads, keep-alive",
                "clients": args.clients,
                "workers": args.workers,
                "seconds": args.seconds,
                "loadavg": os.getloadavg(),
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": machine(),
            }
        )
    )
    emit(
        "P2",
        "GET /api/v1/orders/{number} (bearer token) req/s vs a bare Django hello view, same gunicorn",
        read,
        hello,
        0.35,
        {"clients": args.clients, "workers": args.workers, "seconds": args.seconds},
        unit="requests/s",
        load_generator="wrk" if use_wrk else "python threads, keep-alive",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--python-load", action="store_true", help="never use wrk")
    parser.add_argument(
        "--compare", action="store_true", help="also measure with API_FAST_PATH=0 (full stack)"
    )
    args = parser.parse_args()
    with (
        scratch_database("postgres", "orderdesk_bench_api_read") as db_env,
        tempfile.TemporaryDirectory(prefix="orderdesk-bench-") as tmp,
    ):
        os.environ.update(db_env)
        os.environ["DEBUG"] = "0"
        try:
            run(args, Path(tmp))
        finally:
            from django.db import connections

            connections.close_all()  # so the scratch database can be dropped


if __name__ == "__main__":
    main()
