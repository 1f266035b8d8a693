"""Many processes, one truth: two web servers and two workers on one PostgreSQL database.

    PROCESS_DB_URL=postgres://postgres@127.0.0.1:5432/wt_prod_processes \
        .venv/bin/python tests/processes/many_processes.py

1. A scratch database (PROCESS_DB_URL; dropped at the end): migrate, seed,
   collectstatic — docs/deploy.md's steps (the workers start the periodic jobs).
2. Two ``orderdesk serve`` servers (gunicorn, 2 workers each) on two free loopback
   ports, and two ``orderdesk worker`` processes. Production profile; messages go
   to the file gateway (MESSAGING_FILE_PATH, one JSON line per send).
3. A mixed load through both servers at once: customer-app orders (each server
   takes half); duplicate attempts — the same customer and device sent to both
   servers at the same moment (a barrier releases the pair together), each with its
   own Idempotency-Key; agents opening leads and logging contacts on them; CX
   tickets.
4. Checks: no response 5xx; each duplicate pair got exactly one 201 and one 409
   ``duplicate_open_order``; every 201 order is in the database; no customer has
   two open orders for one device (SQL); once the workers drain the outbox, every
   message is sent, none failed, and each sent message appears exactly once in the
   gateway file (none sent twice, none missing); both servers' /metrics count the
   refused duplicates.

Prints one JSON line of counts; exits non-zero on any failed check.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (
    DEFAULT_DB_URL,
    PhoneSource,
    Processes,
    catalog_for_orders,
    free_port,
    jsonl_keys,
    log,
    order_body,
    orderdesk,
    production_env,
    request,
    scratch_database,
    sql,
    tmpdir,
    token,
)

UNIQUE_ORDERS = int(os.environ.get("PROCESS_UNIQUE_ORDERS", "40"))
DUPLICATE_PAIRS = int(os.environ.get("PROCESS_DUPLICATE_PAIRS", "12"))
LEADS = int(os.environ.get("PROCESS_LEADS", "12"))
TICKETS = int(os.environ.get("PROCESS_TICKETS", "12"))
DRAIN_SECONDS = 120


def main() -> int:
    started = time.monotonic()
    db_url = os.environ.get("PROCESS_DB_URL", DEFAULT_DB_URL)
    tmp = tmpdir("orderdesk-processes-")
    var = tmp / "var"
    failures: list[str] = []
    counts: dict = {}
    with scratch_database(db_url):
        env = production_env(db_url, var)
        log(f"scratch database ready; logs in {tmp}")
        orderdesk(env, "migrate", "--noinput")
        orderdesk(env, "seed")
        orderdesk(env, "collectstatic", "--noinput")
        catalog = catalog_for_orders(env)
        procs = Processes(tmp)
        try:
            ports = [free_port(), free_port()]
            for name, port in zip(("web-a", "web-b"), ports, strict=True):
                procs.serve(name, env, port)
            procs.worker("worker-1", env)
            procs.worker("worker-2", env)
            log(f"two servers on {ports}, two workers; load starts")
            counts, failures = drive_load(ports, catalog)
            counts.update(check_database(env, var, counts, failures))
            counts["metrics"] = check_metrics(ports, counts, failures)
        finally:
            stopped = procs.stop_all()
            counts["exit_codes"] = stopped
            if failures:
                for name, _ in procs.started:
                    print(f"--- {name} (tail) ---\n{procs.tail(name)}", file=sys.stderr)
    counts["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps({"many_processes": counts, "failures": failures}))
    if not failures:
        shutil.rmtree(tmp, ignore_errors=True)  # kept for a look when something failed
    if failures:
        for failure in failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    log("many processes, one truth: all checks passed")
    return 0


def drive_load(ports: list[int], catalog: dict) -> tuple[dict, list[str]]:
    failures: list[str] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    created_numbers: list[str] = []
    app = {port: token(port, "demo-app") for port in ports}
    agents = {
        "demo-sales": token(ports[0], "demo-sales"),
        "demo-sales2": token(ports[1], "demo-sales2"),
    }
    cx = token(ports[1], "demo-cx")
    served = request(
        ports[0], "GET", f"/api/v1/serviceability?pincode={catalog['pincode']}&device_type=phone"
    ).json()
    slots = [s for s in served["slots"] if s["available"]]
    if not slots:
        return {}, ["no open slot for the test's pincode"]
    phones = PhoneSource("+9176")

    def record(kind: str, response, expected: set[int]) -> None:
        with lock:
            statuses[f"{kind}:{response.status}"] += 1
            if response.status >= 500:
                failures.append(f"{kind}: {response.status} {response.body[:300]!r}")
            elif response.status not in expected:
                failures.append(f"{kind}: unexpected {response.status} {response.body[:300]!r}")

    def place(port: int, phone: str, slot: dict, key: str, *, agent: bool = False):
        body = order_body(
            phone,
            catalog["variant_id"],
            catalog["answers"],
            slot,
            catalog["pincode"],
            catalog["city"],
            agent=agent,
        )
        bearer = agents["demo-sales"] if agent else app[port]
        return request(
            port,
            "POST",
            "/api/v1/orders",
            body,
            {"Authorization": f"Bearer {bearer}", "Idempotency-Key": key},
        )

    def unique_order(i: int) -> None:
        response = place(ports[i % 2], phones.next(), slots[i % len(slots)], str(uuid.uuid4()))
        record("order", response, {201})
        if response.status == 201:
            with lock:
                created_numbers.append(response.json()["number"])

    pair_results: list[list[tuple[int, str]]] = []

    def duplicate_pair(i: int) -> None:
        phone = phones.next()
        barrier = threading.Barrier(2, timeout=30)
        results: list[tuple[int, str]] = []

        def one(port: int) -> None:
            barrier.wait()
            # an agent: an app request after the winner's commit must prove the phone (403)
            response = place(port, phone, slots[i % len(slots)], str(uuid.uuid4()), agent=True)
            record("duplicate_pair_order", response, {201, 409})
            code = response.json().get("code", "") if response.status != 201 else ""
            with lock:
                results.append((response.status, code))
                if response.status == 201:
                    created_numbers.append(response.json()["number"])

        threads = [threading.Thread(target=one, args=(port,)) for port in ports]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        with lock:
            pair_results.append(sorted(results))

    def lead_with_contacts(i: int) -> None:
        username = "demo-sales" if i % 2 == 0 else "demo-sales2"
        auth = {"Authorization": f"Bearer {agents[username]}"}
        created = request(
            ports[i % 2],
            "POST",
            "/api/v1/leads",
            {
                "customer": {"name": f"Lead {i}", "phone": phones.next()},
                "source": "inbound_call",
                "variant_id": catalog["variant_id"],
            },
            auth,
        )
        record("lead", created, {201})
        if created.status != 201:
            return
        lead_id = created.json()["id"]
        for attempt in range(2):  # one contact through each server
            contact = request(
                ports[(i + attempt + 1) % 2],
                "POST",
                f"/api/v1/leads/{lead_id}/contacts",
                {
                    "channel": "call",
                    "direction": "inbound",
                    "connected": True,
                    "disposition": "waiting_for_quote",
                    "notes": f"Customer asked for a fresh quote (call {attempt + 1}).",
                    "customer_words": "Please send me the new price.",
                },
                auth,
            )
            record("contact", contact, {200, 201})

    def ticket(i: int) -> None:
        response = request(
            ports[i % 2],
            "POST",
            "/api/v1/tickets",
            {
                "type": "inquiry",
                "customer": {"name": f"Ticket {i}", "phone": phones.next()},
                "channel": "call",
                "notes": "When will the pickup partner arrive?",
            },
            {"Authorization": f"Bearer {cx}"},
        )
        record("ticket", response, {201})

    load_started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        jobs = [pool.submit(unique_order, i) for i in range(UNIQUE_ORDERS)]
        jobs += [pool.submit(duplicate_pair, i) for i in range(DUPLICATE_PAIRS)]
        jobs += [pool.submit(lead_with_contacts, i) for i in range(LEADS)]
        jobs += [pool.submit(ticket, i) for i in range(TICKETS)]
        for job in jobs:
            job.result(timeout=300)
    load_seconds = time.monotonic() - load_started

    one_each = sum(1 for r in pair_results if r == [(201, ""), (409, "duplicate_open_order")])
    if one_each != DUPLICATE_PAIRS:
        failures.append(
            f"duplicate pairs with one 201 and one 409: {one_each} of {DUPLICATE_PAIRS}: {pair_results}"
        )
    counts = {
        "servers": 2,
        "workers": 2,
        "requests": sum(statuses.values()),
        "statuses": dict(sorted(statuses.items())),
        "orders_201": len(created_numbers),
        "duplicate_pairs": DUPLICATE_PAIRS,
        "duplicate_pairs_one_201_one_409": one_each,
        "load_seconds": round(load_seconds, 1),
        "_numbers": created_numbers,
    }
    return counts, failures


def check_database(env: dict, var: Path, counts: dict, failures: list[str]) -> dict:
    numbers = counts.pop("_numbers")
    found = {n for (n,) in sql(env, "SELECT number FROM orders_order")}
    missing = [n for n in numbers if n not in found]
    if missing:
        failures.append(f"orders answered 201 but not in the database: {missing}")
    duplicates = sql(
        env,
        "SELECT customer_id, device_model_id, count(*) FROM orders_order "
        "WHERE status NOT IN ('cancelled', 'pickup_failed', 'completed') "
        "GROUP BY 1, 2 HAVING count(*) > 1",
    )
    if duplicates:
        failures.append(f"customers with two open orders for one device: {duplicates}")
    refused = sql(env, "SELECT count(*) FROM orders_duplicateattempt")[0][0]
    if refused != counts["duplicate_pairs"]:
        failures.append(
            f"duplicate attempts recorded: {refused}, expected {counts['duplicate_pairs']}"
        )

    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        pending = sql(
            env, "SELECT count(*) FROM messaging_message WHERE status IN ('queued', 'held')"
        )[0][0]
        if pending == 0:
            break
        time.sleep(1)
    by_status = dict(sql(env, "SELECT status, count(*) FROM messaging_message GROUP BY 1"))
    sent_keys = {
        str(k)
        for (k,) in sql(env, "SELECT provider_key FROM messaging_message WHERE status = 'sent'")
    }
    lines = jsonl_keys(var / "messages.jsonl")
    sent_twice = {k: n for k, n in lines.items() if n > 1}
    if by_status.get("queued", 0) or by_status.get("held", 0):
        failures.append(f"messages still pending after {DRAIN_SECONDS} s: {by_status}")
    if by_status.get("failed", 0):
        failures.append(f"messages failed: {by_status}")
    if sent_twice:
        failures.append(f"messages written to the gateway more than once: {sent_twice}")
    if set(lines) != sent_keys:
        failures.append(
            f"gateway file and sent rows differ: {len(set(lines) - sent_keys)} not sent, "
            f"{len(sent_keys - set(lines))} sent but not in the file"
        )
    orders_for_run = len(numbers) - len(missing)
    return {
        "orders_in_database": orders_for_run,
        "open_order_duplicates": len(duplicates),
        "duplicate_attempts_recorded": refused,
        "messages_by_status": by_status,
        "gateway_lines": sum(lines.values()),
        "messages_sent_twice": len(sent_twice),
    }


def check_metrics(ports: list[int], counts: dict, failures: list[str]) -> dict:
    seen = {}
    for port in ports:
        response = request(
            port, "GET", "/metrics", headers={"Authorization": "Bearer process-test-metrics-token"}
        )
        if response.status != 200:
            failures.append(f"/metrics on {port}: {response.status}")
            continue
        refused = 0.0
        for line in response.body.decode().splitlines():
            if line.startswith("orderdesk_duplicate_orders_refused_total"):
                refused += float(line.rsplit(" ", 1)[1])
        seen[port] = refused
        if refused != counts["duplicate_pairs"]:
            failures.append(f"/metrics on {port} counts {refused} refused duplicates")
    return {"duplicates_refused_per_server": list(seen.values())}


if __name__ == "__main__":
    sys.exit(main())
