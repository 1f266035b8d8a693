"""Benchmark: orders created per second through POST /api/v1/orders on PostgreSQL, beside pgbench.

    .venv/bin/python bench/orders_throughput.py --orders 2000 --clients 1 4 8

PostgreSQL only (the server of BENCH_PG_URL / DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/postgres); needs ``pgbench`` on PATH.

1. A scratch database ``orderdesk_bench_orders`` (see ``_scratch.py``): migrate,
   give every sequence its own range of ids (100,000,001, 110,000,001, ...; so
   an id in a captured statement is never mistaken for a price or a count),
   ``orderdesk seed``.
2. Start the web stack: gunicorn serving ``orderdesk.config.wsgi:application``
   on 127.0.0.1 (a free port, ``--workers 2``, ``DEBUG=0``, default settings
   otherwise). Token for the customer app's client user (``demo-app``) from
   ``POST /api/v1/auth/token``; the open slots of one served pincode from
   ``GET /api/v1/serviceability``; their capacity raised (SQL) so capacity
   never refuses an order.
3. Capture the SQL of one app order: one ``POST /api/v1/orders`` run in this
   process through ``django.test.Client`` (the same code gunicorn runs), after
   one warm-up order. Every statement Django sends is recorded with its values,
   and the transaction control around it (BEGIN, SAVEPOINT, COMMIT) and the
   connection health check a real server runs at the start of each request.
   The statements become a pgbench script (``pgbench_script``): the same
   statements, in order, with pgbench variables for what must differ per order.
4. For each client count: a warm-up on each side, then ``--rounds`` rounds that
   alternate the API and pgbench (the same number of orders each), so both see
   the same background load. API: N threads, each POSTing unique orders with
   ``http.client`` (a new customer phone per order, so the duplicate guard
   never fires; a random open slot; an ``Idempotency-Key`` per order, as the
   app sends); every response must be 201. pgbench: ``pgbench -n -f script -c N -j min(N, cpus) -t T``
   against the same database.
5. Check that the database holds exactly the orders both created, and that the
   slot bookings add up; print one line of JSON per client count (orders/s
   through the API, pgbench tps, their ratio), then a summary line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _figure import emit
from _scratch import machine, scratch_database

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "orderdesk_bench_orders"
SEQUENCE_BASE = 100_000_000  # the first sequence's ids start at 100,000,001
SEQUENCE_STEP = 10_000_000  # each sequence gets 10 million ids of its own
INSERT_RETURNING_ID = re.compile(r'^INSERT INTO "(\w+)" .* RETURNING "\w+"\."id"$', re.DOTALL)
UUID_TOKEN = re.compile(
    r"(?<![0-9a-fA-F-])([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![0-9a-fA-F-])"
)

# The per-order values of the pgbench script. n is unique across every pgbench run of
# the benchmark: b_base (per run) + client_id * b_t (transactions per client) + b_k
# (this client's counter: variables persist across a client's transactions). u is
# 8 digits with its last four in 1000-9999, so the number and its display form
# (OD-XXXX-XXXX) need no zero padding: pgbench prints integers only.
PGBENCH_HEADER = r"""\set b_k :b_k + 1
\set b_n :b_base + :client_id * :b_t + :b_k
\set b_u 10000000 + (:b_n / 9000) * 10000 + 1000 + :b_n % 9000
\set b_hi :b_u / 10000
\set b_lo :b_u % 10000
\set b_ph 9000000000 + :b_hi * 100000 + 10000 + :b_lo
\set b_m5 10000 + :b_lo
\set b_slot random({slot_lo}, {slot_hi})
"""
PGBENCH_PHONE_PREFIX = "+919"  # +91 9 <b_hi> 1 <b_lo>; the API's phones start +917


def pgbench_order_number(n: int) -> str:
    u = 10_000_000 + (n // 9000) * 10_000 + 1000 + n % 9000
    return f"OD{u}"


@dataclass
class Statement:
    sql: str
    table: str | None = None  # INSERT ... RETURNING id: the table
    returned_id: int | None = None  # and the id it returned


class StatementRecorder:
    """Records what Django sends on ``connection``: statements with their values (as
    psycopg's client-side binding would write them: ``ClientCursor.mogrify``; with
    server-side binding, the default, the server gets the same text with $n), BEGIN
    (psycopg sends it before the first statement once autocommit is off), COMMIT,
    the health check's ``SELECT 1``, and the ids returned by INSERT ... RETURNING."""

    def __init__(self, connection):
        self.connection = connection
        self.statements: list[Statement] = []
        self.in_transaction = False

    def __enter__(self):
        conn = self.connection
        self._orig = {name: getattr(conn, name) for name in ("commit", "rollback", "is_usable")}
        conn.commit = self._commit
        conn.rollback = self._rollback
        conn.is_usable = self._is_usable
        self._wrapper = conn.execute_wrapper(self._execute)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)
        for name in self._orig:
            delattr(self.connection, name)  # back to the class's methods

    def _commit(self):
        if self.in_transaction:
            self.statements.append(Statement("COMMIT"))
            self.in_transaction = False
        return self._orig["commit"]()

    def _rollback(self):
        self.statements.append(Statement("ROLLBACK"))
        self.in_transaction = False
        return self._orig["rollback"]()

    def _is_usable(self):
        self.statements.append(Statement("SELECT 1"))  # Django runs it on its raw cursor
        return self._orig["is_usable"]()

    def _execute(self, execute, sql, params, many, context):
        if many:
            raise RuntimeError("executemany is not captured")
        cursor = context["cursor"].cursor  # a psycopg Cursor (server-side binding) or ClientCursor
        if params is None:
            text = sql
        else:
            text = psycopg.ClientCursor(cursor.connection).mogrify(sql, params)
        if not self.connection.get_autocommit() and not self.in_transaction:
            self.statements.append(Statement("BEGIN"))
            self.in_transaction = True
        result = execute(sql, params, many, context)
        statement = Statement(text)
        match = INSERT_RETURNING_ID.match(text)
        if match:
            rows = cursor.fetchall()
            cursor.scroll(0, mode="absolute")  # leave the rows for Django to read
            if len(rows) == 1:
                statement.table, statement.returned_id = match.group(1), rows[0][0]
        self.statements.append(statement)
        return result


def pgbench_script(
    statements: list[Statement],
    *,
    phone: str,
    number: str,
    display_number: str,
    slot_id: int,
    slot_range: tuple[int, int],
) -> tuple[str, dict]:
    """The captured statements as a pgbench script, and what was substituted.

    - the customer's phone ``+917...`` -> ``+91:b_ph``, and its masked form
      (``+91•••••`` + last five digits, plain or JSON-escaped) -> ``...:b_m5``;
    - the order number -> ``OD:b_u``, its display form -> ``OD-:b_hi-:b_lo`` (so the
      dedupe key ``order:<number>:confirmation`` and the message body follow);
    - every UUID made for the request (the Idempotency-Key, the message's provider
      key, the task row's id) -> a UUID built from ``b_u``;
    - an id returned by an INSERT and used later (customer, address, order, message)
      -> ``\\gset`` after that INSERT and ``:b_<table>_id`` where it is used;
    - the slot id -> ``:b_slot`` (random over the open slots' contiguous ids).
    Everything else (timestamps, request hash, the token's digest) stays literal.
    """
    texts = [s.sql.strip().rstrip(";") for s in statements]
    substitutions: dict[str, str] = {}

    def sub(pattern: str, replacement: str, label: str, *, regex: bool = False) -> None:
        total = 0
        for i, text in enumerate(texts):
            if regex:
                texts[i], count = re.subn(pattern, replacement, text)
            else:
                count = text.count(pattern)
                texts[i] = text.replace(pattern, replacement)
            total += count
        if total == 0:
            raise RuntimeError(f"nothing to substitute for {label}")
        substitutions[label] = f"{total} x -> {replacement.replace(chr(92) + '1', '')}"

    # Ids returned by INSERTs and referenced later: \gset them.
    gset: dict[int, str] = {}
    for i, statement in enumerate(statements):
        if statement.returned_id is None:
            continue
        token = re.compile(rf"(?<!\d){statement.returned_id}(?!\d)")
        if any(token.search(text) for text in texts[i + 1 :]):
            short = statement.table.split("_", 1)[-1]
            prefix = f"b_{short}_"
            if prefix in gset.values():
                prefix = f"b_{short}{i}_"
            gset[i] = prefix
    for i, prefix in gset.items():
        rid = statements[i].returned_id
        for j in range(i + 1, len(texts)):
            texts[j] = re.sub(rf"(?<!\d){rid}(?!\d)", f":{prefix}id", texts[j])
        substitutions[f"id returned by INSERT INTO {statements[i].table}"] = (
            f"\\gset {prefix} -> :{prefix}id"
        )

    sub(display_number, "OD-:b_hi-:b_lo", "order number, display form")
    sub(number, "OD:b_u", "order number")
    sub(phone, "+91:b_ph", "customer phone")
    sub(
        r"(\+91(?:•|\\+u2022){5})" + phone[-5:] + r"(?!\d)",
        r"\1:b_m5",
        "masked phone (last five digits)",
        regex=True,
    )
    uuids: list[str] = []
    for text in texts:
        for found in UUID_TOKEN.findall(text):
            if found not in uuids:
                uuids.append(found)
    for index, found in enumerate(uuids, start=1):
        if "-" in found:
            replacement = f"{index:08x}-0000-4000-8000-0000:b_u"
        else:
            replacement = f"{index:08x}0000400080000000:b_u"
        sub(found, replacement, f"uuid {found}")
    sub(rf"(?<!\d){slot_id}(?!\d)", ":b_slot", "slot id", regex=True)

    leftovers = [phone, number, display_number, *uuids, str(slot_id)]
    leftovers += [str(s.returned_id) for i, s in enumerate(statements) if i in gset]
    for text in texts:
        for value in leftovers:
            if value in text:
                raise RuntimeError(f"{value!r} is left in the script: {text[:200]}")

    lines = [
        "-- One POST /api/v1/orders (app client) as captured from Django; generated by",
        "-- bench/orders_throughput.py. Run with -D b_base=0 -D b_t=<transactions per client> -D b_k=-1.",
        PGBENCH_HEADER.format(slot_lo=slot_range[0], slot_hi=slot_range[1]).rstrip("\n"),
    ]
    for i, text in enumerate(texts):
        lines.append(f"{text} \\gset {gset[i]}" if i in gset else f"{text};")
    return "\n".join(lines) + "\n", substitutions


# --- the web stack ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(port: int, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    data = json.dumps(body).encode() if body is not None else None
    conn.request(
        method, path, body=data, headers={"Content-Type": "application/json"} | (headers or {})
    )
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    return response.status, json.loads(payload) if payload else {}


def start_gunicorn(env: dict, port: int, workers: int, log_path: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "orderdesk.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--error-logfile",
            "-",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-2000:]}")
        try:
            if http_json(port, "GET", "/api/v1/health")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer /api/v1/health within 60 s")


def cpu_seconds(pids: list[int]) -> float | None:
    """utime + stime of ``pids`` (Linux /proc), or None where /proc is not there."""
    try:
        total = 0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


# --- the two load generators -------------------------------------------------------


class PhoneSource:
    """Unique, valid Indian mobiles (+917...), none already a customer's."""

    def __init__(self, taken: set[str]):
        from orderdesk.core.errors import ValidationFailed
        from orderdesk.core.phones import normalise_phone

        self._normalise, self._invalid = normalise_phone, ValidationFailed
        self.taken = set(taken)
        self.counter = 0
        self.skipped = 0

    def next(self) -> str:
        while True:
            self.counter += 1
            phone = f"+917{self.counter:09d}"
            try:
                ok = self._normalise(phone) == phone and phone not in self.taken
            except self._invalid:
                ok = False
            if ok:
                self.taken.add(phone)
                return phone
            self.skipped += 1


def run_api(port: int, token: str, bodies: list[tuple[str, bytes]], clients: int) -> dict:
    """POST every body from ``clients`` threads; statuses, latencies and wall time."""
    queue = iter(bodies)
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[tuple[int, bytes]] = []

    def client() -> None:
        mine, bad = [], []
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                break
            key, data = item
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                conn.request(
                    "POST",
                    "/api/v1/orders",
                    body=data,
                    headers={
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {token}",
                        "Idempotency-Key": key,
                    },
                )
                response = conn.getresponse()
                payload = response.read()
                status = response.status
            except OSError as exc:
                status, payload = 0, repr(exc).encode()
            finally:
                conn.close()
            mine.append(time.perf_counter() - started)
            if status != 201:
                bad.append((status, payload[:2000]))
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    cpu_before = time.process_time()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "wall": wall,
        "latencies": latencies,
        "failures": failures,
        "client_cpu": time.process_time() - cpu_before,
    }


def run_pgbench(
    pgbench: str, script: Path, db_url: str, clients: int, per_client: int, base: int
) -> dict:
    parts = urlsplit(db_url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    command = [
        pgbench,
        "-n",
        "-f",
        str(script),
        "-c",
        str(clients),
        "-j",
        str(min(clients, os.cpu_count() or 1)),
        "-t",
        str(per_client),
        "-D",
        f"b_base={base}",
        "-D",
        f"b_t={per_client}",
        "-D",
        "b_k=-1",
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        unquote(parts.username or "postgres"),
        parts.path.lstrip("/"),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    out = done.stdout + done.stderr
    processed = re.search(r"number of transactions actually processed: (\d+)/(\d+)", out)
    tps = re.search(r"tps = ([\d.]+)", out)
    if done.returncode != 0 or not processed or not tps or processed.group(1) != processed.group(2):
        raise RuntimeError(f"pgbench failed ({done.returncode}):\n{out[-4000:]}")
    latency = re.search(r"latency average = ([\d.]+) ms", out)
    return {
        "transactions": int(processed.group(1)),
        "tps": float(tps.group(1)),
        "latency_ms": float(latency.group(1)) if latency else None,
    }


# --- checks --------------------------------------------------------------------------


def check_pgbench_order(cursor, number: str, api_number: str) -> None:
    """The order pgbench wrote is wired like the API's: its customer, address, message and
    idempotency record point at it, and it equals the captured order but for what varies."""
    cursor.execute(
        """SELECT count(*) FROM orders_order o
           JOIN customers_customer c ON c.id = o.customer_id
           JOIN customers_address a ON a.id = o.address_id AND a.customer_id = o.customer_id
           JOIN messaging_message m ON m.order_id = o.id AND m.customer_id = o.customer_id
             AND m.dedupe_key = 'order:' || o.number || ':confirmation'
           JOIN orders_idempotencyrecord i ON i.order_id = o.id
           WHERE o.number = %s AND o.slot_id IS NOT NULL AND c.phone LIKE %s""",
        [number, PGBENCH_PHONE_PREFIX + "%"],
    )
    if cursor.fetchone()[0] != 1:
        raise RuntimeError(f"the order pgbench wrote ({number}) is not wired like the API's")
    varying = {"id", "number", "customer_id", "address_id", "slot_id"}
    rows = []
    for n in (number, api_number):
        cursor.execute("SELECT * FROM orders_order WHERE number = %s", [n])
        names = [c.name for c in cursor.description]
        rows.append(
            {k: v for k, v in zip(names, cursor.fetchone(), strict=True) if k not in varying}
        )
    if rows[0] != rows[1]:
        diff = {k: (rows[0][k], rows[1][k]) for k in rows[0] if rows[0][k] != rows[1][k]}
        raise RuntimeError(f"pgbench's order differs from the API's: {diff}")


def percentile(sorted_values: list[float], q: int) -> float:
    return (
        statistics.quantiles(sorted_values, n=100)[q - 1]
        if len(sorted_values) > 1
        else sorted_values[0]
    )


def git_commit(source: Path) -> str:
    """The checkout's commit, ``+dirty`` if src/ has uncommitted changes; only when
    orderdesk was imported from this checkout (``source``), else where it came from."""
    if source != ROOT / "src" / "orderdesk":
        return f"orderdesk imported from {source}"
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "src"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# --- the run ---------------------------------------------------------------------------


def run(args, db_url: str, tmp: Path) -> None:  # noqa: PLR0915 (one benchmark run, step by step, reads best whole)
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "orderdesk.config.settings"
    django.setup()
    from django.core.management import call_command
    from django.db import close_old_connections, connection, connections
    from django.test import Client

    import orderdesk
    from orderdesk.catalog.models import ConditionQuestion, ServedPincode, Variant
    from orderdesk.customers.models import Customer

    # 1. The database.
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid::regclass::text FROM pg_class WHERE relkind = 'S' ORDER BY 1")
        for index, (sequence,) in enumerate(cursor.fetchall()):
            start = SEQUENCE_BASE + index * SEQUENCE_STEP + 1
            cursor.execute(f"ALTER SEQUENCE {sequence} RESTART WITH {start}")
    call_command("seed", verbosity=0)

    variant = (
        Variant.objects.filter(active=True, model__active=True, model__device_type__key="phone")
        .select_related("model__device_type")
        .order_by("id")
        .first()
    )
    answers = {
        q.key: q.options.order_by("position", "id").first().key
        for q in ConditionQuestion.objects.filter(device_type=variant.model.device_type)
    }
    served = (
        ServedPincode.objects.filter(active=True, device_types__key="phone")
        .select_related("city")
        .order_by("pincode")
        .first()
    )
    phones = PhoneSource(set(Customer.objects.values_list("phone", flat=True)))
    if Customer.objects.filter(phone__startswith=PGBENCH_PHONE_PREFIX + "1").exists():
        raise RuntimeError("a seeded customer's phone is in pgbench's range")

    # 2. The web stack.
    port = free_port()
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    gunicorn_log = tmp / "gunicorn.log"
    server = start_gunicorn(env, port, args.workers, gunicorn_log)
    try:
        status, body = http_json(
            port, "POST", "/api/v1/auth/token", {"username": "demo-app", "password": "demo"}
        )
        assert status == 200, body
        token = body["token"]
        status, body = http_json(
            port, "GET", f"/api/v1/serviceability?pincode={served.pincode}&device_type=phone"
        )
        assert status == 200 and body["serviceable"], body
        slot_ids = sorted(s["id"] for s in body["slots"])
        # pgbench draws random(lo, hi): take the longest run of consecutive ids.
        runs, current = [], [slot_ids[0]]
        for slot_id in slot_ids[1:]:
            if slot_id == current[-1] + 1:
                current.append(slot_id)
            else:
                runs.append(current)
                current = [slot_id]
        runs.append(current)
        slots = max(runs, key=len)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE catalog_pickupslot SET capacity = capacity + 1000000 WHERE id = ANY(%s)",
                [slots],
            )
            cursor.execute("SELECT sum(booked) FROM catalog_pickupslot WHERE id = ANY(%s)", [slots])
            booked_before = cursor.fetchone()[0]
            # The demo seed has orders of its own: count only the ones this run writes.
            cursor.execute("SELECT count(*) FROM orders_order")
            orders_before = cursor.fetchone()[0]

        def order_body(slot_id: int) -> dict:
            return {
                "variant_id": variant.id,
                "answers": answers,
                "customer": {"name": "Bench Customer", "phone": phones.next()},
                "pickup": {
                    "line1": "12, 3rd Cross, MG Road",
                    "landmark": "Opposite the metro station",
                    "city": served.city.name,
                    "pincode": served.pincode,
                    "slot_id": slot_id,
                },
                "payment": {"method": "upi", "upi_id": "bench.customer@okaxis"},
            }

        # 3. Capture one order's SQL (after a warm-up order: the same state as a warm worker).
        client = Client(HTTP_HOST="127.0.0.1")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        warm = client.post(
            "/api/v1/orders",
            order_body(slots[0]),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            **auth,
        )
        assert warm.status_code == 201, warm.content
        captured_body = order_body(slots[len(slots) // 2])
        close_old_connections()  # as at the start of a request under a real server
        with StatementRecorder(connection) as recorder:
            response = client.post(
                "/api/v1/orders",
                captured_body,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
                **auth,
            )
        assert response.status_code == 201, response.content
        captured = response.json()
        statements = recorder.statements
        script_text, substitutions = pgbench_script(
            statements,
            phone=captured_body["customer"]["phone"],
            number=captured["number"],
            display_number=captured["display_number"],
            slot_id=captured_body["pickup"]["slot_id"],
            slot_range=(slots[0], slots[-1]),
        )
        script = tmp / "order.sql"
        script.write_text(script_text)
        if args.save_script:
            Path(args.save_script).write_text(script_text)
        sql = [s.sql for s in statements]
        shape = {
            "statements": len(sql),
            "transaction_control": sum(
                s in ("BEGIN", "COMMIT") or s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
                for s in sql
            ),
            "select": sum(s.startswith("SELECT") for s in sql),
            "insert": sum(s.startswith("INSERT") for s in sql),
            "update": sum(s.startswith("UPDATE") for s in sql),
        }

        # Check the script once: one transaction, and the order it writes.
        base = 0
        run_pgbench(args.pgbench, script, db_url, 1, 1, base)
        with connection.cursor() as cursor:
            check_pgbench_order(cursor, pgbench_order_number(base), captured["number"])
        base += 1
        connections.close_all()
        expected_orders = 3  # warm-up, captured, pgbench check

        # 4. The runs.
        rng = random.Random(42)  # the API's slots; pgbench draws its own with random()
        results = []
        for clients in args.clients:
            loadavg = os.getloadavg()[0]

            def api_orders(count: int, clients: int = clients) -> dict:
                bodies = [
                    (str(uuid.uuid4()), json.dumps(order_body(rng.choice(slots))).encode())
                    for _ in range(count)
                ]
                done = run_api(port, token, bodies, clients)
                if done["failures"]:
                    print(gunicorn_log.read_text()[-6000:], file=sys.stderr)
                    raise RuntimeError(
                        f"{len(done['failures'])} of {count} orders were not created "
                        f"({clients} clients); first: {done['failures'][0]}"
                    )
                return done

            def pgbench_orders(count: int, clients: int = clients) -> dict:
                nonlocal base, expected_orders
                per_client = max(1, math.ceil(count / clients))
                done = run_pgbench(args.pgbench, script, db_url, clients, per_client, base)
                base += clients * per_client
                expected_orders += clients * per_client
                return done

            # Warm-up, then rounds that alternate the two sides, so both see the same
            # background load (the machine is shared).
            api_orders(args.warmup)
            pgbench_orders(args.warmup)
            expected_orders += args.warmup
            workers = worker_pids(server.pid)
            latencies: list[float] = []
            api_wall = pg_seconds = gunicorn_cpu = client_cpu = 0.0
            pg_transactions = 0
            round_ratios = []
            for index in range(args.rounds):
                count = args.orders // args.rounds + (index < args.orders % args.rounds)
                cpu_before = cpu_seconds(workers)
                api = api_orders(count)
                cpu_after = cpu_seconds(workers)
                expected_orders += count
                latencies += api["latencies"]
                api_wall += api["wall"]
                client_cpu += api["client_cpu"]
                if cpu_before is not None and cpu_after is not None:
                    gunicorn_cpu += cpu_after - cpu_before
                bench = pgbench_orders(count)
                pg_transactions += bench["transactions"]
                pg_seconds += bench["transactions"] / bench["tps"]
                round_ratios.append((count / api["wall"]) / bench["tps"])

            latencies.sort()
            api_rate = len(latencies) / api_wall
            pg_tps = pg_transactions / pg_seconds
            row = {
                "bench": "orders_throughput",
                "clients": clients,
                "api_orders": len(latencies),
                "api_orders_per_second": round(api_rate, 1),
                "api_p50_ms": round(percentile(latencies, 50) * 1000, 1),
                "api_p95_ms": round(percentile(latencies, 95) * 1000, 1),
                "api_p99_ms": round(percentile(latencies, 99) * 1000, 1),
                "pgbench_transactions": pg_transactions,
                "pgbench_tps": round(pg_tps, 1),
                "pgbench_latency_ms": round(clients * 1000 / pg_tps, 2),
                "ratio_api_to_pgbench": round(api_rate / pg_tps, 3),
                "ratio_per_round": [round(r, 3) for r in round_ratios],
                "gunicorn_cpu_ms_per_order": round(gunicorn_cpu * 1000 / len(latencies), 2)
                if workers
                else None,
                "load_generator_cpu_ms_per_order": round(client_cpu * 1000 / len(latencies), 2),
                "loadavg_1m_before": round(loadavg, 2),
                "loadavg_1m_after": round(os.getloadavg()[0], 2),
            }
            results.append(row)
            print(json.dumps(row), flush=True)

        # 5. Everything written is there, and the slots add up.
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM orders_order")
            orders_in_db = cursor.fetchone()[0] - orders_before
            cursor.execute("SELECT sum(booked) FROM catalog_pickupslot WHERE id = ANY(%s)", [slots])
            booked = cursor.fetchone()[0] - booked_before
        connections.close_all()
        if orders_in_db != expected_orders or booked != expected_orders:
            raise RuntimeError(
                f"expected {expected_orders} orders, found {orders_in_db} (slot places booked: {booked})"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        json.dumps(
            {
                "bench": "orders_throughput",
                "summary": True,
                "orders_per_run": args.orders,
                "warmup_per_run": args.warmup,
                "rounds": args.rounds,
                "gunicorn_workers": args.workers,
                "orders_in_db": orders_in_db,
                "orders_expected": expected_orders,
                "sql_per_order": shape,
                "substitutions": substitutions,
                "results": [
                    {
                        k: r[k]
                        for k in (
                            "clients",
                            "api_orders_per_second",
                            "pgbench_tps",
                            "ratio_api_to_pgbench",
                        )
                    }
                    for r in results
                ],
                "commit": git_commit(Path(orderdesk.__file__).resolve().parent),
                "postgres": server_version,
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": machine(),
            }
        )
    )
    # The P1 figure: at 4 clients (the figure) when measured, else the most clients.
    row = next((r for r in results if r["clients"] == 4), None) or max(
        results, key=lambda r: r["clients"]
    )
    emit(
        "P1",
        "POST /api/v1/orders orders/s vs pgbench replaying the same SQL, same clients",
        row["api_orders_per_second"],
        row["pgbench_tps"],
        0.35,
        {"orders": args.orders, "rounds": args.rounds, "clients": row["clients"],
         "workers": args.workers},
        unit="orders/s",
        gunicorn_cpu_ms_per_order=row["gunicorn_cpu_ms_per_order"],
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000, help="orders per client count and side")
    parser.add_argument("--warmup", type=int, default=100, help="warm-up orders before each run")
    parser.add_argument(
        "--rounds", type=int, default=4, help="API and pgbench alternate this many times"
    )
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--pgbench", default="pgbench")
    parser.add_argument("--save-script", metavar="PATH", help="also write the pgbench script here")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="orderdesk-bench-orders-") as tmp,
        scratch_database("postgres", DB_NAME) as db_env,
    ):
        os.environ.update(db_env)
        os.environ["DEBUG"] = "0"
        os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
        run(args, db_env["DATABASE_URL"], Path(tmp))


if __name__ == "__main__":
    main()
