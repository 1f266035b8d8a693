"""Real processes for the process tests and the deploy check: a scratch PostgreSQL
database, ``orderdesk serve`` (gunicorn) web servers and ``orderdesk worker`` workers,
each on loopback, each stopped (SIGTERM, then SIGKILL) when the run ends.

The database comes from ``PROCESS_DB_URL`` (default
``postgres://postgres@127.0.0.1:5432/wt_prod_processes``): it is dropped if it exists,
created, migrated and seeded, and dropped again at the end.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEFAULT_DB_URL = "postgres://postgres@127.0.0.1:5432/wt_prod_processes"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


@contextlib.contextmanager
def scratch_database(url: str):
    """Create the database of ``url`` afresh; drop it afterwards."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = with_database(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        with contextlib.suppress(Exception), psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The production profile on loopback: what docs/deploy.md sets, minus TLS."""
    env = {
        **os.environ,
        "ORDERDESK_PROFILE": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",  # no TLS proxy on loopback
        "BEHIND_TLS_PROXY": "0",
        "DATABASE_URL": database_url,
        "ORDERDESK_VAR": str(var_dir),
        "MESSAGING_FILE_PATH": str(var_dir / "messages.jsonl"),
        # Every channel to the file gateway (no SMTP server here), at any hour.
        "MESSAGING_EMAIL_PROVIDER": "file",
        "MESSAGING_CALLING_HOURS": "00:00-23:59",
        "METRICS_TOKEN": "process-test-metrics-token",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "orderdesk.config.settings",
    }
    env.pop("DEBUG", None)
    env.update(extra)
    return env


def orderdesk(env: dict, *args: str, timeout: float = 300) -> str:
    out = subprocess.run(
        [str(BIN / "orderdesk"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if out.returncode != 0:
        raise RuntimeError(f"orderdesk {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


class Processes:
    """Started processes, each in its own session, all stopped by ``stop_all``."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, env: dict, *args: str) -> subprocess.Popen:
        out = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [str(BIN / "orderdesk"), *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append((name, process))
        return process

    def serve(self, name: str, env: dict, port: int, workers: int = 2) -> subprocess.Popen:
        process = self.start(
            name, env, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)
        )
        wait_for_health(port, process, self.log_dir / f"{name}.log")
        return process

    def worker(self, name: str, env: dict) -> subprocess.Popen:
        return self.start(name, env, "worker", "--interval", "0.2", "--no-reload")

    def stop(self, process: subprocess.Popen, timeout: float = 30) -> int:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        return process.returncode

    def stop_all(self) -> dict[str, int]:
        return {name: self.stop(p) for name, p in reversed(self.started)}

    def tail(self, name: str, chars: int = 3000) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def wait_for_health(port: int, process: subprocess.Popen, log_path: Path, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on {port} exited:\n{log_path.read_text()[-3000:]}")
        with contextlib.suppress(OSError, ValueError):
            if request(port, "GET", "/api/v1/health", timeout=5).status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server on {port} did not answer /api/v1/health in {seconds:.0f} s")


class Response:
    def __init__(self, status: int, headers: dict, body: bytes, raw_headers=()):
        self.status, self.headers, self.body = status, headers, body
        self.raw_headers = list(raw_headers)  # every header, repeated ones too (Set-Cookie)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def json(self):
        return json.loads(self.body) if self.body else {}


def request(
    port: int,
    method: str,
    path: str,
    body=None,
    headers: dict | None = None,
    *,
    form: bytes | None = None,
    timeout: float = 60,
) -> Response:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        send = dict(headers or {})
        if form is not None:
            data = form
            send.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif body is not None:
            data = json.dumps(body).encode()
            send.setdefault("Content-Type", "application/json")
        else:
            data = None
        conn.request(method, path, body=data, headers=send)
        response = conn.getresponse()
        raw = response.getheaders()
        return Response(response.status, {k.lower(): v for k, v in raw}, response.read(), raw)
    finally:
        conn.close()


def token(port: int, username: str, password: str = "demo") -> str:  # noqa: S107 (demo data)
    response = request(
        port, "POST", "/api/v1/auth/token", {"username": username, "password": password}
    )
    if response.status != 200:
        raise RuntimeError(f"token for {username}: {response.status} {response.body[:500]!r}")
    return response.json()["token"]


class PhoneSource:
    """Unique, valid Indian mobiles none of the demo customers has (+917 6… series)."""

    def __init__(self, prefix: str = "+9176"):
        self.prefix = prefix
        self.counter = 0
        self.lock = threading.Lock()

    def next(self) -> str:
        with self.lock:
            self.counter += 1
            return f"{self.prefix}{self.counter:08d}"


# A sales agent's order (M1, M3, M4). Duplicate races use an agent: the customer app must
# prove an existing customer's phone first (issue 21, 10), so an app request that comes
# after the winner's commit is 403, not 409.
AGENT_FIELDS = {
    "reason": "customer_requested_help",
    "consent": {"confirmed": True, "statement": "Yes, please place the order"},
    "price_confirmed": True,
}


def order_body(
    phone: str,
    variant_id: int,
    answers: dict,
    slot: dict,
    pincode: str,
    city: str,
    *,
    agent: bool = False,
):
    return (AGENT_FIELDS if agent else {}) | {
        "variant_id": variant_id,
        "answers": answers,
        "customer": {"name": "Process Test", "phone": phone},
        "pickup": {
            "line1": "12 MG Road",
            "landmark": "Near the metro",
            "city": city,
            "pincode": pincode,
            "slot_id": slot["id"],
        },
        "payment": {"method": "upi", "upi_id": "process.test@upi"},
    }


def catalog_for_orders(env: dict) -> dict:
    """A phone variant with its answers, a served pincode and its open slots (capacity
    raised, so capacity never refuses an order), and a few lead ids; read from the
    scratch database in a child process (this process never imports Django)."""
    script = r"""
import json, django
django.setup()
from django.db.models import F
from orderdesk.catalog.models import ConditionQuestion, PickupSlot, ServedPincode, Variant
variant = (Variant.objects.filter(active=True, model__active=True, model__device_type__key="phone")
           .select_related("model__device_type").order_by("id").first())
answers = {q.key: q.options.order_by("position", "id").first().key
           for q in ConditionQuestion.objects.filter(device_type=variant.model.device_type)}
served = (ServedPincode.objects.filter(active=True, device_types__key="phone")
          .select_related("city").order_by("pincode").first())
PickupSlot.objects.filter(city=served.city).update(capacity=F("capacity") + 100000)
print(json.dumps({"variant_id": variant.id, "answers": answers, "pincode": served.pincode,
                  "city": served.city.name}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def sql(env: dict, query: str, params: tuple | None = None) -> list[tuple]:
    """Rows of one query on the scratch database (psycopg, no Django)."""
    import psycopg

    with psycopg.connect(env["DATABASE_URL"], connect_timeout=5) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def jsonl_keys(path: Path) -> Counter:
    keys: Counter = Counter()
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip():
                keys[json.loads(line)["key"]] += 1
    return keys


def tmpdir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


class PrivateCluster:
    """A PostgreSQL cluster of this run's own (never the shared server on 5432): initdb
    into a temp dir owned by ``postgres``, trust auth, loopback on a free port. Started,
    stopped and restarted with pg_ctl as ``postgres`` (``runuser`` when run as root)."""

    def __init__(self, pg_bin: str | None = None):
        self.pg_bin = Path(pg_bin or os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
        self.dir = Path(tempfile.mkdtemp(prefix="orderdesk-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args: str, timeout: float = 120) -> None:
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        out = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}:\n{out.stdout}\n{out.stderr}")

    def init(self) -> PrivateCluster:
        if os.geteuid() == 0:
            import pwd

            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self._as_postgres(
            self.pg_bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        return self

    def start(self, *, setup: bool = False) -> None:
        """Start the cluster. ``setup=True`` skips fsync while the scratch database is
        migrated and seeded (many small commits); stop and start again before the test
        proper, which runs with PostgreSQL's durable defaults."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c max_connections=60 -c shared_buffers=32MB"
        )
        if setup:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._as_postgres(
            self.pg_bin / "pg_ctl", "-D", self.data, "-o", options, "-l", self.dir / "server.log",
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(self.pg_bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        import shutil

        shutil.rmtree(self.dir, ignore_errors=True)
