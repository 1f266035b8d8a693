"""PostgreSQL restarted while orders are created: nothing acknowledged is lost, the gap
fails cleanly, and service resumes by itself.

    .venv/bin/python tests/processes/db_restart.py

Runs on a private PostgreSQL cluster (harness.PrivateCluster: initdb in a temp dir,
a free loopback port) — never the shared server, which other work uses.

1. The cluster, a database, migrate + seed (its queued messages set aside); one ``orderdesk serve`` (gunicorn, two
   workers, persistent connections with health checks: ``DB_CONN_MAX_AGE=60``) and
   one ``orderdesk worker``.
2. Four clients create customer-app orders without pause (each its own phone and
   Idempotency-Key). After a few seconds PostgreSQL is stopped (fast shutdown), left
   down for ``GAP_SECONDS``, and started again; the clients keep going throughout and
   for a while after.
3. Checks:
   - every 201 names an order that is in the database afterwards, for that phone;
   - every other answer is 503 application/problem+json ``service_unavailable``
     (no 500, no HTML, no dropped connection), and there were some (the gap was hit);
   - no partial order: every order of the run has its confirmation message, and each
     request that got a 503 is retried with its Idempotency-Key after recovery and
     gets a 201 — so a customer has exactly one order per request, never a half one;
   - /api/v1/ready is 200 again within ``RECOVERY_SECONDS`` of the start, without
     restarting anything, and every request sent after that point got a 201;
   - the worker is still running and sends every message of the run.

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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (
    PhoneSource,
    PrivateCluster,
    Processes,
    catalog_for_orders,
    free_port,
    log,
    order_body,
    orderdesk,
    production_env,
    request,
    scratch_database,
    sql,
    tmpdir,
    token,
    with_database,
)

CLIENTS = 4
LOAD_BEFORE_SECONDS = 4.0
GAP_SECONDS = float(os.environ.get("PROCESS_GAP_SECONDS", "3"))
LOAD_AFTER_SECONDS = 6.0
RECOVERY_SECONDS = 30.0
PHONE_PREFIX = "+9177"


def main() -> int:
    started = time.monotonic()
    failures: list[str] = []
    counts: dict = {}
    tmp = tmpdir("orderdesk-restart-")
    cluster = PrivateCluster().init()
    try:
        cluster.start(setup=True)
        db_url = with_database(cluster.url, "orderdesk_restart")
        with scratch_database(db_url):
            env = production_env(
                db_url,
                tmp / "var",
                DB_CONN_MAX_AGE="60",
                DB_CONNECT_TIMEOUT="2",
                # A message claimed just before the outage comes back when its lease
                # lapses (docs/messaging.md): a short lease keeps the run short (above
                # the gateway timeout + 5 s, so a batch is not renewed at every send).
                MESSAGING_LEASE_SECONDS="20",
                MESSAGING_SWEEP_SECONDS="5",
            )
            orderdesk(env, "migrate", "--noinput")
            orderdesk(env, "seed")
            catalog = catalog_for_orders(env)
            # The demo data's queued messages are not this run's: set them aside so the
            # worker drains only the orders' messages (the many-process test sends them).
            sql(env, "UPDATE messaging_message SET status = 'cancelled' WHERE status = 'queued'")
            cluster.stop("fast")  # set-up done: from here on, durable defaults
            cluster.start()
            procs = Processes(tmp)
            try:
                port = free_port()
                procs.serve("web", env, port)
                worker = procs.worker("worker", env)
                log(f"private PostgreSQL on {cluster.port}, server on {port}; load starts")
                counts, failures = run(cluster, env, port, catalog, worker)
                # The worker met the outage (its log says so) and carried on.
                resumed = procs.tail("worker", 10_000_000).count("worker resumes in")
                counts["worker_outages_logged"] = resumed
                if not resumed:
                    failures.append("the worker's log shows no database outage")
            finally:
                counts["exit_codes"] = procs.stop_all()
                if failures:
                    for name in ("web", "worker"):
                        print(f"--- {name} (tail) ---\n{procs.tail(name)}", file=sys.stderr)
    finally:
        cluster.destroy()
    counts["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps({"db_restart": counts, "failures": failures}))
    if not failures:
        shutil.rmtree(tmp, ignore_errors=True)  # kept for a look when something failed
    if failures:
        for failure in failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    log("database restart under load: all checks passed")
    return 0


def run(cluster, env, port, catalog, worker) -> tuple[dict, list[str]]:  # noqa: C901, PLR0912, PLR0915 (a scripted outage, step by step)
    failures: list[str] = []
    app = token(port, "demo-app")
    served = request(
        port, "GET", f"/api/v1/serviceability?pincode={catalog['pincode']}&device_type=phone"
    ).json()
    slots = [s for s in served["slots"] if s["available"]]
    phones = PhoneSource(PHONE_PREFIX)
    results: list[dict] = []
    lock = threading.Lock()
    stop = threading.Event()

    def post(body: dict, key: str):
        return request(
            port,
            "POST",
            "/api/v1/orders",
            body,
            {"Authorization": f"Bearer {app}", "Idempotency-Key": key},
            timeout=30,
        )

    def client(n: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            phone = phones.next()
            body = order_body(
                phone,
                catalog["variant_id"],
                catalog["answers"],
                slots[(n + i) % len(slots)],
                catalog["pincode"],
                catalog["city"],
            )
            key = str(uuid.uuid4())
            sent_at = time.monotonic()
            try:
                response = post(body, key)
                status, ctype, payload = response.status, response.content_type, response.json()
            except (OSError, ValueError) as exc:  # a dropped connection or a non-JSON body
                status, ctype, payload = 0, "", {"error": repr(exc)}
            with lock:
                results.append(
                    {"sent_at": sent_at, "status": status, "type": ctype, "body": payload,
                     "phone": phone, "key": key, "request": body}
                )  # fmt: skip
            # A client backs off a little after a failure, as the app does.
            time.sleep(0.1 if status == 201 else 0.3)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    time.sleep(LOAD_BEFORE_SECONDS)
    log("stopping PostgreSQL (fast shutdown)")
    down_at = time.monotonic()
    cluster.stop("fast")
    time.sleep(GAP_SECONDS)
    cluster.start()
    up_at = time.monotonic()
    log(f"PostgreSQL started again after {up_at - down_at:.1f} s")

    ready_at = None
    while time.monotonic() - up_at < RECOVERY_SECONDS:
        try:
            if request(port, "GET", "/api/v1/ready", timeout=5).status == 200:
                ready_at = time.monotonic()
                break
        except OSError:
            pass
        time.sleep(0.2)
    if ready_at is None:
        failures.append(f"not ready {RECOVERY_SECONDS:.0f} s after PostgreSQL was back")
        ready_at = time.monotonic()
    time.sleep(LOAD_AFTER_SECONDS)
    stop.set()
    for t in threads:
        t.join(timeout=60)

    statuses = Counter(r["status"] for r in results)
    created = [r for r in results if r["status"] == 201]
    refused = [r for r in results if r["status"] != 201]
    for r in refused:
        body = r["body"] if isinstance(r["body"], dict) else {}
        if not (
            r["status"] == 503
            and r["type"] == "application/problem+json"
            and body.get("code") == "service_unavailable"
        ):
            failures.append(f"not a clean 503: {r['status']} {r['type']} {str(r['body'])[:300]}")
    if not refused:
        failures.append("no request failed during the gap: the restart was not exercised")
    after_ready = [r for r in results if r["sent_at"] > ready_at]
    not_ok_after = [r for r in after_ready if r["status"] != 201]
    if not_ok_after:
        failures.append(f"{len(not_ok_after)} requests after recovery were not 201")
    if not after_ready:
        failures.append("no request was sent after recovery")

    # Every acknowledged order is there, for its customer.
    rows = dict(
        sql(
            env,
            "SELECT o.number, c.phone FROM orders_order o JOIN customers_customer c "
            "ON c.id = o.customer_id WHERE c.phone LIKE %s",
            (PHONE_PREFIX + "%",),
        )
    )
    lost = [r["body"]["number"] for r in created if rows.get(r["body"]["number"]) != r["phone"]]
    if lost:
        failures.append(f"orders answered 201 but not in the database: {lost}")

    # Retry every 503 with its Idempotency-Key: each must now be 201 (created, or the
    # order whose commit landed just before the connection dropped).
    retried = Counter()
    for r in refused:
        response = post(r["request"], r["key"])
        retried[response.status] += 1
        if response.status != 201:
            failures.append(f"retry of a 503 got {response.status}: {response.body[:300]!r}")
    per_phone = sql(
        env,
        "SELECT c.phone, count(o.id) FROM customers_customer c LEFT JOIN orders_order o "
        "ON o.customer_id = c.id WHERE c.phone LIKE %s GROUP BY 1",
        (PHONE_PREFIX + "%",),
    )
    not_one = [(phone, n) for phone, n in per_phone if n != 1]
    if not_one:
        failures.append(f"customers of the run without exactly one order: {not_one[:10]}")
    if len(per_phone) != len(results):
        failures.append(f"{len(results)} requests but {len(per_phone)} customers of the run")
    without_message = sql(
        env,
        "SELECT o.number FROM orders_order o JOIN customers_customer c ON c.id = o.customer_id "
        "WHERE c.phone LIKE %s AND NOT EXISTS "
        "(SELECT 1 FROM messaging_message m WHERE m.order_id = o.id)",
        (PHONE_PREFIX + "%",),
    )
    if without_message:
        failures.append(f"orders without their confirmation message: {without_message[:10]}")

    # The worker survived the outage and sends everything.
    if worker.poll() is not None:
        failures.append(f"the worker exited during the outage (code {worker.returncode})")
    deadline = time.monotonic() + 150
    pending = None
    while time.monotonic() < deadline:
        pending = sql(
            env, "SELECT count(*) FROM messaging_message WHERE status IN ('queued', 'held')"
        )[0][0]
        if pending == 0:
            break
        time.sleep(1)
    if pending:
        stuck = sql(
            env,
            "SELECT id, status, attempts, next_attempt_at, claimed_until, last_error "
            "FROM messaging_message WHERE status IN ('queued', 'held') LIMIT 5",
        )
        failures.append(f"{pending} messages still pending after the outage: {stuck}")
    messages = dict(sql(env, "SELECT status, count(*) FROM messaging_message GROUP BY 1"))

    counts = {
        "requests": len(results),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "orders_201": len(created),
        "clean_503": len(refused),
        "acknowledged_orders_lost": len(lost),
        "retries_of_503": {str(k): v for k, v in retried.items()},
        "customers_of_run": len(per_phone),
        "orders_without_message": len(without_message),
        "db_down_seconds": round(up_at - down_at, 1),
        "ready_after_db_up_seconds": round(ready_at - up_at, 2),
        "requests_after_recovery": len(after_ready),
        "messages_by_status": messages,
        "worker_alive": worker.poll() is None,
    }
    return counts, failures


if __name__ == "__main__":
    sys.exit(main())
