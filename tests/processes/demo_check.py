"""``make demo`` from a fresh clone answers 40 clients at once and keeps X2 (issue 20).

    python tests/processes/demo_check.py        # make test-demo

1. ``git clone`` this repository's committed HEAD into a temporary directory (what a
   newcomer has: no ``.venv``, no ``var/``).
2. ``make demo PORT=<port>`` there, in its own process group, with no ``DATABASE_URL``
   (SQLite) and no profile set: the demo picks its own. ``DEMO_PORT`` chooses the port
   (default: a free one). Wait for ``/api/v1/health``.
3. It serves like production: DEBUG off (an unknown page is the plain 404, not Django's
   debug page), a stylesheet under its collectstatic hashed name.
4. A token for the demo customer-app client (``demo-app``), then 40 threads submit the
   same order (same customer, same device; each with its own ``Idempotency-Key``, so the
   duplicate guard answers, not the idempotency replay) at the same instant.
5. Every one is answered, none is reset: exactly one 201 and 39 409
   ``duplicate_open_order`` naming that order; the SQLite database holds one order for
   the customer.
6. SIGTERM to the whole process group (make, the shell, gunicorn, the worker); SIGKILL
   after 30 s; the port is free again; the clone is removed (in the background).

Prints one JSON line; exits non-zero on the first failed check.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import Response, free_port, order_body, request

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = int(os.environ.get("DEMO_CLIENTS", "40"))
STARTUP_SECONDS = float(os.environ.get("DEMO_STARTUP_SECONDS", "900"))  # install + seed
PHONE = "+919812300040"  # a number none of the demo customers has


def log(message: str) -> None:
    print(f"[demo-check {time.strftime('%H:%M:%S')}] {message}", flush=True)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def demo_environ(port: int) -> dict[str, str]:
    """This environment without anything that would point the demo elsewhere."""
    env = dict(os.environ)
    for name in (
        "DATABASE_URL",
        "ORDERDESK_PROFILE",
        "ORDERDESK_HOME",
        "ORDERDESK_VAR",
        "SQLITE_PATH",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DEBUG",
        "VIRTUAL_ENV",
        "DJANGO_SETTINGS_MODULE",
        "PROMETHEUS_MULTIPROC_DIR",
        "MAKEFLAGS",
        "MFLAGS",
        "MAKELEVEL",
    ):
        env.pop(name, None)
    env["PORT"] = str(port)
    return env


def wait_until_serving(port: int, process: subprocess.Popen, log_path: Path, report: dict) -> None:
    started = time.monotonic()
    deadline = started + STARTUP_SECONDS
    venv = log_path.parent / "orderdesk" / ".venv"
    while time.monotonic() < deadline:
        if "seconds_to_install" not in report and any(venv.glob(".installed-*")):
            report["seconds_to_install"] = round(time.monotonic() - started, 1)
        if process.poll() is not None:
            raise RuntimeError(f"make demo exited ({process.returncode}):\n{tail(log_path)}")
        with contextlib.suppress(OSError, ValueError):
            if request(port, "GET", "/api/v1/health", timeout=5).status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"make demo did not serve in {STARTUP_SECONDS:.0f} s:\n{tail(log_path)}")


def tail(path: Path, chars: int = 4000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def stop(process: subprocess.Popen) -> int:
    """SIGTERM to the process group (make and everything under it), SIGKILL after 30 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    # Children that outlived make (gunicorn's workers, the task worker) share its group.
    for _ in range(60):
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.5)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    return process.returncode


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def order_inputs(port: int, database: Path) -> dict:
    """A phone variant, the answers, a served pincode and an open slot, read as the app
    reads them (the public catalog API); the pincode from the demo's own database."""
    models = request(port, "GET", "/api/v1/catalog/models?q=").json()
    phone_model = next(m for m in models if m["device_type"] == "phone" and m["variants"])
    questions = request(port, "GET", "/api/v1/catalog/device-types/phone/questions").json()
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        pincode, city = db.execute(
            "SELECT p.pincode, c.name FROM catalog_servedpincode p JOIN catalog_city c "
            "ON c.id = p.city_id JOIN catalog_servedpincode_device_types t "
            "ON t.servedpincode_id = p.id JOIN catalog_devicetype d ON d.id = t.devicetype_id "
            "WHERE p.active AND d.key = 'phone' ORDER BY p.pincode LIMIT 1"
        ).fetchone()
    slots = request(
        port, "GET", f"/api/v1/serviceability?pincode={pincode}&device_type=phone"
    ).json()["slots"]
    return {
        "variant_id": phone_model["variants"][0]["id"],
        "answers": {q["key"]: q["options"][0]["key"] for q in questions},
        "slot": next(s for s in slots if s["available"]),
        "pincode": pincode,
        "city": city,
    }


def fire(port: int, token: str, body: dict) -> list[Response | BaseException]:
    """CLIENTS identical submissions released together by a barrier."""
    barrier = threading.Barrier(CLIENTS)
    results: list[Response | BaseException] = [RuntimeError("no answer")] * CLIENTS

    def submit(i: int) -> None:
        barrier.wait()
        try:
            results[i] = request(
                port,
                "POST",
                "/api/v1/orders",
                body,
                {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
                timeout=120,
            )
        except BaseException as exc:  # a reset connection is the finding
            results[i] = exc

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def run(clone: Path, port: int, report: dict) -> None:
    make_log = clone.parent / "make-demo.log"
    started = time.monotonic()
    log(f"git clone {ROOT.name} (HEAD {report['commit'][:12]}) into a temporary directory")
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
        check=True,
        timeout=120,
    )
    check(not (clone / ".venv").exists() and not (clone / "var").exists(), "a fresh clone")
    log(f"make demo PORT={port} (install, migrate, seed, collectstatic, serve)")
    with make_log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "demo"],
            cwd=clone,
            env=demo_environ(port),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        wait_until_serving(port, process, make_log, report)
        report["seconds_to_serve"] = round(time.monotonic() - started, 1)
        log(f"serving after {report['seconds_to_serve']} s")

        # Served like production: no debug page, collectstatic's hashed static files.
        missing = request(port, "GET", "/no-such-page/")
        check(missing.status == 404, f"unknown page: {missing.status}")
        check(b"DEBUG = True" not in missing.body, "DEBUG is off (no debug 404 page)")
        login = request(port, "GET", "/console/login/")
        css = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', login.body)
        check(css is not None, "the login page links a stylesheet by its hashed name")
        sheet = request(port, "GET", css.group(1).decode())
        check(sheet.status == 200, f"stylesheet {css.group(1)!r}: {sheet.status}")
        server = login.headers.get("server", "")
        check("gunicorn" in server.lower(), f"served by gunicorn, not {server!r}")
        report["server"] = server

        # a sales agent submits: the duplicate refusal names the order to staff (issue 21, 10)
        token_response = request(
            port, "POST", "/api/v1/auth/token", {"username": "demo-sales", "password": "demo"}
        )
        check(token_response.status == 200, f"token for demo-sales: {token_response.status}")
        token = token_response.json()["token"]
        inputs = order_inputs(port, clone / "var" / "orderdesk.sqlite3")
        body = order_body(
            PHONE,
            inputs["variant_id"],
            inputs["answers"],
            inputs["slot"],
            inputs["pincode"],
            inputs["city"],
            agent=True,
        )

        log(f"{CLIENTS} identical order submissions at once")
        results = fire(port, token, body)
        failures = [r for r in results if isinstance(r, BaseException)]
        report["dropped"] = [f"{type(r).__name__}: {r}" for r in failures]
        check(not failures, f"{len(failures)} of {CLIENTS} got no answer: {report['dropped']}")
        statuses = Counter(r.status for r in results)
        report["statuses"] = dict(sorted(statuses.items()))
        check(statuses == {201: 1, 409: CLIENTS - 1}, f"one 201, the rest 409: {statuses}")
        [created] = [r for r in results if r.status == 201]
        number = created.json()["number"]
        report["order"] = number
        for refused in (r for r in results if r.status == 409):
            problem = refused.json()
            codes = [e.get("code") for e in problem.get("errors", [])]
            check("duplicate_open_order" in codes, f"409 code: {problem}")
            check(number in refused.body.decode(), f"the 409 names {number}: {problem}")
        with contextlib.closing(
            sqlite3.connect(f"file:{clone / 'var' / 'orderdesk.sqlite3'}?mode=ro", uri=True)
        ) as db:
            [(orders,)] = db.execute(
                "SELECT count(*) FROM orders_order o JOIN customers_customer c "
                "ON c.id = o.customer_id WHERE c.phone = ?",
                (PHONE,),
            ).fetchall()
        check(orders == 1, f"orders for the customer in the database: {orders}")
    except BaseException:
        print(tail(make_log), file=sys.stderr)
        for name in ("worker.log", "access.log"):
            print(f"--- var/{name}\n{tail(clone / 'var' / name, 2000)}", file=sys.stderr)
        raise
    finally:
        log("stopping the process group")
        stopping = time.monotonic()
        report["make_exit"] = stop(process)
        report["seconds_to_stop"] = round(time.monotonic() - stopping, 1)
    check(port_is_free(port), f"port {port} is free after the stop")


def remove_later(path: Path) -> None:
    """Remove the clone (its .venv is some 400 MB) in a detached ``rm -rf``: deleting that
    many files can take a minute on a busy disk, and nothing waits for it."""
    if shutil.which("rm"):
        subprocess.Popen(
            ["rm", "-rf", "--", str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    else:
        shutil.rmtree(path, ignore_errors=True)


def main() -> int:
    port = int(os.environ.get("DEMO_PORT") or free_port())
    check(port_is_free(port), f"port {port} is in use")
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    report: dict = {"port": port, "commit": commit, "clients": CLIENTS}
    work = Path(tempfile.mkdtemp(prefix="orderdesk-demo-check-"))
    started = time.monotonic()
    try:
        run(work / "orderdesk", port, report)
    except AssertionError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        remove_later(work)
    report["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps({"demo_check": report}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
