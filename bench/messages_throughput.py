"""Messages through the outbox to a local HTTP gateway: throughput and commit-to-send delay.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/msgbench .venv/bin/python bench/messages_throughput.py
    .venv/bin/python bench/messages_throughput.py --messages 2000 --senders 1 2

The database is migrated, and its outbox emptied, before each phase: point it at
a scratch database. The gateway (orderdesk.messaging.tests.gateway) runs in this
process on 127.0.0.1 and de-duplicates on the idempotency key like a provider.

1. Throughput: N messages queued, then S ``orderdesk send_messages`` processes
   started; messages per second from start until all are sent.
2. Commit-to-send delay: one ``orderdesk worker`` (the demo's and production's
   sender) running; messages enqueued one per transaction at a steady rate; the
   delay from each commit to the gateway accepting the message.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from _figure import emit  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from orderdesk.customers.actions import get_or_create_customer  # noqa: E402
from orderdesk.messaging.actions import enqueue_message  # noqa: E402
from orderdesk.messaging.models import Message, MessageKind, SenderState  # noqa: E402
from orderdesk.messaging.tests.gateway import Gateway  # noqa: E402
from orderdesk.testing.factories import confirmation_ctx  # noqa: E402

BIN = str(Path(sys.executable).parent / "orderdesk")


def env_for(gateway: Gateway) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "MESSAGING_SMS_PROVIDER": "http",
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_KEY": "bench",
        "MESSAGING_CALLING_HOURS": "00:00-23:59",
    }


def reset() -> None:
    Message.objects.all().delete()
    DBTaskResult.objects.all().delete()
    SenderState.objects.all().delete()


def start(args, env):
    return subprocess.Popen(
        [BIN, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def throughput(customer, n: int, senders: int) -> float:
    reset()
    kind = MessageKind.objects.get(key="order_confirmation")
    now = timezone.now()
    Message.objects.bulk_create(
        [
            Message(customer=customer, kind=kind, channel="sms", language="en", recipient=customer.phone,
                    body=f"bench {i}", next_attempt_at=now)
            for i in range(n)
        ],
        batch_size=1000,
    )  # fmt: skip
    gateway = Gateway().start()
    started = time.monotonic()
    processes = [
        start(["send_messages", "--interval", "0.05"], env_for(gateway)) for _ in range(senders)
    ]
    try:
        while len(gateway.accepted) < n:
            time.sleep(0.05)
            if time.monotonic() - started > 600:
                raise SystemExit("throughput phase timed out")
        elapsed = time.monotonic() - started  # includes process start-up (~1 s)
    finally:
        for p in processes:
            stop(p)
        gateway.stop()
    assert not gateway.resent
    return n / elapsed


def gateway_ceiling(n: int, clients: int) -> float:
    """The P5 baseline: the gateway's own ceiling, ``n`` POSTs like the sender's from ``clients``
    threads, each on one keep-alive connection; messages/s."""
    gateway = Gateway().start()
    host, port = gateway.url.split("//")[1].split("/")[0].split(":")
    per_client = [n // clients + (i < n % clients) for i in range(clients)]

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        for j in range(per_client[i]):
            body = json.dumps({"to": "9876500099", "body": f"bench {j}"}).encode()
            conn.request(
                "POST",
                "/messages",
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "Authorization": "Bearer bench",
                    "Idempotency-Key": f"ceiling-{i}-{j}",
                },
            )
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    gateway.stop()
    assert len(gateway.accepted) == n, len(gateway.accepted)
    return n / elapsed


def delay(customer, n: int, rate: float) -> tuple[float, float, float]:
    reset()
    gateway = Gateway().start()
    worker = start(
        ["worker", "--interval", "0.1", "--no-reload", "--no-startup-delay"], env_for(gateway)
    )
    committed_at: dict[str, float] = {}
    try:
        time.sleep(3)  # let the worker start
        for i in range(n):
            with transaction.atomic():
                [m] = enqueue_message(
                    customer=customer,
                    kind="order_confirmation",
                    context=confirmation_ctx(f"ODB{i}"),
                )
            committed_at[m.provider_key] = time.time()
            time.sleep(1 / rate)
        deadline = time.monotonic() + 120
        while len(gateway.accepted) < n and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop(worker)
        gateway.stop()
    delays = sorted(
        gateway.accepted_at[k] - t for k, t in committed_at.items() if k in gateway.accepted_at
    )
    assert len(delays) == n, f"only {len(delays)} of {n} delivered"
    p95 = delays[int(0.95 * (len(delays) - 1))]
    return statistics.median(delays), p95, delays[-1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--senders", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--delay-messages", type=int, default=300)
    parser.add_argument(
        "--rate", type=float, default=20.0, help="messages per second in the delay phase"
    )
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    customer, _ = get_or_create_customer(name="Bench Customer", phone="9876500099")
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    rates = {}
    for senders in args.senders:
        rate = rates[senders] = throughput(customer, args.messages, senders)
        print(f"throughput: {args.messages} messages, {senders} sender(s): {rate:.0f} messages/s")
    best = max(rates, key=rates.get)
    ceiling = gateway_ceiling(args.messages, best)
    print(f"gateway ceiling, keep-alive, {best} client(s): {ceiling:.0f} messages/s")
    median, p95, worst = delay(customer, args.delay_messages, args.rate)
    print(
        f"commit-to-send delay through `orderdesk worker` ({args.delay_messages} messages at "
        f"{args.rate:g}/s, one per transaction): median {median * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {worst * 1000:.0f} ms"
    )
    reset()
    emit(
        "P5",
        "messages/s through the outbox (send_messages processes) vs the gateway hit directly "
        "with keep-alive by as many clients",
        rates[best],
        ceiling,
        0.5,
        {"messages": args.messages, "senders": best, "database": connection.vendor},
        unit="messages/s",
        by_senders={str(k): round(v, 1) for k, v in rates.items()},
    )


if __name__ == "__main__":
    main()
