"""Benchmark (issue 16): telephony webhooks on ``orderdesk serve`` with PostgreSQL.

    .venv/bin/python bench/telephony_webhooks.py --seconds 10 --clients 4 --workers 2 --calls 200

PostgreSQL (the server of BENCH_PG_URL / DATABASE_URL; a scratch database, dropped after).
1. Migrate; ``orderdesk serve`` (gunicorn, config/gunicorn.py) with telephony on (simulator
   provider, Exotel's callback format) and BENCH_HELLO_VIEW=1 (GET /bench/hello).
2. Accepted events per second: every client POSTs Exotel ``ringing`` callbacks, each for a
   new CallSid (each one a new ``CallEvent`` row and its worker task, the real path: the
   secret checked, the event stored, ``200 {"accepted": 1, "new": 1}``), beside GET
   /bench/hello driven the same way (Python threads, keep-alive) on the same server. Every
   answer is checked (status, and ``new == 1``).
3. Webhook -> contact attempt: ``--calls`` calls on leads (each a lead, its customer and an
   agent, dialled at the last 12:00 IST so D9's calling hours hold) ringing; then
   ``orderdesk worker`` starts and each call gets its ``no-answer`` terminal callback, at a
   steady pace (``--latency-clients`` senders, ``--interval`` seconds apart). The
   time from sending the callback to the contact attempt being in the database
   (``Call.contact_attempt_id``, polled every 10 ms) is measured per call; p50/p95/max.
4. One JSON line per figure: ``{"figure", "product", "baseline", "ratio", ...}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _scratch import machine, scratch_database
from orders_throughput import free_port, http_json

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-telephony-secret"  # noqa: S105 (a scratch server's webhook secret)
HOOK = f"/telephony/webhooks/simulator/{SECRET}/"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def load(port: int, clients: int, seconds: float, request) -> float:
    """Requests/s over ``seconds`` from ``clients`` threads on keep-alive connections;
    ``request(conn, client, n)`` sends one and raises on a wrong answer."""
    counts = [0] * clients
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while time.monotonic() < stop:
                request(conn, i, counts[i])
                counts[i] += 1
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
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


def hello(conn, client: int, n: int) -> None:
    conn.request("GET", "/bench/hello")
    response = conn.getresponse()
    body = response.read()
    if response.status != 200 or body != b"hello":
        raise RuntimeError(f"/bench/hello: {response.status}")


def post_hook(conn, params: dict) -> dict:
    conn.request("POST", HOOK, body=urllib.parse.urlencode(params), headers=FORM)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"webhook: {response.status} {body[:200]!r}")
    return json.loads(body)


def event_sender(prefix: str):
    def send(conn, client: int, n: int) -> None:
        sid = f"{prefix}-{client}-{n}"
        answer = post_hook(conn, {"CallSid": sid, "Status": "ringing", "CustomField": ""})
        if answer != {"accepted": 1, "new": 1}:
            raise RuntimeError(f"webhook answered {answer}")

    return send


def last_noon_ist() -> dt.datetime:
    from orderdesk.core.timeutil import IST

    now = dt.datetime.now(IST)
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if noon < now else noon - dt.timedelta(days=1)


def make_calls(count: int) -> list[tuple[int, str]]:
    """``count`` ringing outbound calls, each on its own lead, customer and agent."""
    from orderdesk.accounts.models import User
    from orderdesk.customers.models import Customer
    from orderdesk.leads.actions import create_lead
    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.telephony.models import Call

    ensure_default_settings()
    dialled = last_noon_ist()
    out = []
    for i in range(count):
        agent = User.objects.create(username=f"bench-agent-{i}", role="sales")
        customer = Customer.objects.create(name=f"Bench {i}", phone=f"+9198{i:08d}")
        lead, _ = create_lead(customer=customer, source="app_quote", owner=agent)
        sid = f"bench-call-{i}"
        call = Call.objects.create(
            provider="simulator",
            provider_call_id=sid,
            direction="outbound",
            from_number="+918000000001",
            to_number=customer.phone,
            agent=agent,
            customer=customer,
            context_kind="lead",
            context_id=lead.pk,
            status="ringing",
            created_at=dialled,
        )
        out.append((call.pk, sid))
    return out


def latencies(
    port: int, calls: list[tuple[int, str]], clients: int, timeout: float, interval: float
) -> list:
    """Send each call's no-answer terminal callback; the seconds until its contact attempt."""
    from django.db import connection

    from orderdesk.telephony.models import Call

    sent: dict[int, float] = {}
    done: dict[int, float] = {}
    lock = threading.Lock()
    queue = list(calls)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                pk, sid = queue.pop()
            params = {
                "CallSid": sid,
                "EventType": "terminal",
                "Status": "no-answer",
                "StartTime": "",
                "EndTime": "",
                "ConversationDuration": "0",
                "CustomField": "",
            }
            started = time.monotonic()
            post_hook(conn, params)
            with lock:
                sent[pk] = started
            time.sleep(interval)  # a steady stream, not a burst
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    pending = {pk for pk, _ in calls}
    while pending and time.monotonic() < deadline:
        found = set(
            Call.objects.filter(pk__in=pending, contact_attempt_id__isnull=False).values_list(
                "pk", flat=True
            )
        )
        now = time.monotonic()
        for pk in found:
            done[pk] = now
        pending -= found
        time.sleep(0.01)
    for t in threads:
        t.join()
    connection.close()
    if pending:
        raise RuntimeError(f"{len(pending)} call(s) got no contact attempt in {timeout} s")
    return sorted(done[pk] - sent[pk] for pk, _ in calls)


def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def start(argv: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


def wait_healthy(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"orderdesk serve exited: {log.read_text()[-2000:]}")
        try:
            if http_json(port, "GET", "/api/v1/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("orderdesk serve did not answer /api/v1/health within 60 s")


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()


def run(args, tmp: Path) -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "orderdesk.config.settings"
    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    calls = make_calls(args.calls + 1)
    connections.close_all()

    port = args.port or free_port()
    orderdesk = str(Path(sys.executable).with_name("orderdesk"))
    env = dict(os.environ, PYTHONUNBUFFERED="1", BENCH_HELLO_VIEW="1", DEBUG="0")
    env.update(
        TELEPHONY_ENABLED="1",
        TELEPHONY_PROVIDER="simulator",
        TELEPHONY_WEBHOOK_SECRET=SECRET,
        TELEPHONY_PUBLIC_URL=f"http://127.0.0.1:{port}",
        TELEPHONY_SIMULATOR_URL="http://127.0.0.1:9",
    )
    server = worker = None
    try:
        server = start(
            [orderdesk, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
            env,
            tmp / "serve.log",
        )
        wait_healthy(port, server, tmp / "serve.log")
        warm = min(2.0, args.seconds)
        load(port, args.clients, warm, hello)
        load(port, args.clients, warm, event_sender("warm"))
        baseline = load(port, args.clients, args.seconds, hello)
        accepted = load(port, args.clients, args.seconds, event_sender("bench"))
        # The throughput phase's events (unknown calls) and their tasks are not the latency
        # phase's work: clear them so the worker starts on an empty queue.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM telephony_callevent")
            cursor.execute("DELETE FROM django_tasks_database_dbtaskresult")
        connection.close()
        worker = start([orderdesk, "worker"], env, tmp / "worker.log")
        # The first call waits for the worker to be up; it is not measured.
        latencies(port, calls[:1], 1, timeout=120, interval=0)
        seconds = latencies(
            port, calls[1:], args.latency_clients, timeout=60 + args.calls, interval=args.interval
        )
    finally:
        stop(worker)
        stop(server)
    common = {
        "bench": "telephony_webhooks",
        "workers": args.workers,
        "clients": args.clients,
        "seconds": args.seconds,
        "load_generator": "python threads, keep-alive",
        "loadavg": os.getloadavg(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    print(
        json.dumps(
            {
                "figure": "webhook events accepted per second",
                "product": round(accepted, 1),
                "baseline": round(baseline, 1),
                "ratio": round(accepted / baseline, 3),
                "product_is": "POST /telephony/webhooks/simulator/<secret>/ (a new event each)",
                "baseline_is": "GET /bench/hello (bare Django view, same orderdesk serve)",
                **common,
            }
        )
    )
    print(
        json.dumps(
            {
                "figure": "webhook to contact attempt, p95 seconds",
                "product": round(percentile(seconds, 95), 3),
                "baseline": None,
                "ratio": None,
                "p50": round(percentile(seconds, 50), 3),
                "max": round(seconds[-1], 3),
                "calls": len(seconds),
                "offered_per_second": round(args.latency_clients / max(args.interval, 0.001), 1),
                "path": "no-answer terminal callback -> worker -> leads.calls.call_ended -> "
                "ContactAttempt (Call.contact_attempt_id set)",
                **common,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--calls", type=int, default=200, help="calls for the latency figure")
    parser.add_argument("--latency-clients", type=int, default=1)
    parser.add_argument(
        "--interval", type=float, default=0.5, help="seconds between one client's callbacks"
    )
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    args = parser.parse_args()
    with (
        scratch_database("postgres", "orderdesk_bench_telephony") as db_env,
        tempfile.TemporaryDirectory(prefix="orderdesk-bench-") as tmp,
    ):
        os.environ.update(db_env)
        os.environ["DEBUG"] = "0"
        try:
            run(args, Path(tmp))
        except Exception:
            for name in ("serve.log", "worker.log"):
                log = Path(tmp) / name
                if log.exists():
                    print(f"--- {name}\n{log.read_text()[-3000:]}", file=sys.stderr)
            raise
        finally:
            from django.db import connections

            connections.close_all()  # so the scratch database can be dropped


if __name__ == "__main__":
    main()
