"""Refresh the screenshots in docs/screens/ (issue 18): the main console pages at 1366 px
(a desk) and 390 px (a phone), each signed in as the demo user of that role.

    .venv/bin/python scripts/screens.py                # a fresh demo database in a temp dir
    .venv/bin/python scripts/screens.py --port 8181    # the port for the demo server
    DATABASE_URL=postgres://... .venv/bin/python scripts/screens.py --no-seed   # an existing
                                                                                # demo database

It migrates and seeds the demo data (``orderdesk seed``) unless told not to, serves it with
``orderdesk runserver`` on 127.0.0.1 with DEBUG off (static files collected), drives Chromium (/usr/bin/chromium, through
Playwright; never a downloaded browser) and stops the server when done.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUT = ROOT / "docs" / "screens"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
WIDTHS = (1366, 390)
PASSWORD = "demo"  # noqa: S105 (the seeded demo users' documented password)


def pages(ids: dict) -> list[tuple[str, str, str]]:
    """(demo user, file stem, path) for each main page."""
    return [
        ("demo-sales", "sales-home", "/console/sales/"),
        ("demo-sales", "sales-lead", f"/console/leads/{ids['lead']}/"),
        ("demo-sales", "sales-search", f"/console/search/?q={ids['phone']}"),
        ("demo-sales", "sales-order-wizard", "/console/orders/new/"),
        ("demo-cx", "cx-queues", "/console/cx/tickets/"),
        ("demo-cx", "cx-ticket", f"/console/cx/tickets/{ids['ticket']}/"),
        ("demo-ops", "ops-board", "/console/ops/board/"),
        ("demo-ops", "ops-order", f"/console/ops/orders/{ids['order']}/"),
        ("demo-supervisor", "supervisor-home", "/console/supervisor/"),
        ("demo-supervisor", "supervisor-kpis", "/console/kpis/"),
        ("demo-supervisor", "supervisor-order", f"/console/orders/{ids['order']}/"),
        ("demo-admin", "admin-home", "/console/admin-home/"),
        ("demo-sales", "not-found", "/console/no-such-page/"),
    ]


def run(*argv: str, env: dict) -> None:
    subprocess.run([str(BIN / "orderdesk"), *argv], check=True, env=env, cwd=ROOT)  # noqa: S603


def demo_ids(env: dict) -> dict:
    """A lead, a ticket, an order and a phone from the demo data (read through Django)."""
    code = (
        "import json, django; django.setup();"
        "from orderdesk.leads.models import Lead;"
        "from orderdesk.cx.models import Ticket;"
        "from orderdesk.orders.models import Order;"
        "lead = Lead.objects.filter(owner__username='demo-sales').order_by('pk').first();"
        "order = Order.objects.exclude(vendor=None).order_by('pk').first();"
        "print(json.dumps({'lead': lead.pk, 'ticket': Ticket.objects.order_by('pk').first().pk,"
        " 'order': order.number, 'phone': order.customer.phone[3:]}))"
    )
    env = env | {"DJANGO_SETTINGS_MODULE": "orderdesk.config.settings"}
    out = subprocess.run(  # noqa: S603 (our own interpreter, a fixed snippet)
        [sys.executable, "-c", code], check=True, env=env, cwd=ROOT, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own local server)
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"the demo server did not answer at {url}")


def shoot(base: str, ids: dict) -> list[Path]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        contexts: dict[tuple[str, int], object] = {}
        for user, stem, path in pages(ids):
            for width in WIDTHS:
                key = (user, width)
                if key not in contexts:
                    context = browser.new_context(
                        base_url=base, viewport={"width": width, "height": 900}, locale="en-IN"
                    )
                    page = context.new_page()
                    page.goto("/console/login/")
                    page.get_by_label("Username").fill(user)
                    page.get_by_label("Password").fill(PASSWORD)
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_load_state()
                    page.close()
                    contexts[key] = context
                page = contexts[key].new_page()
                page.goto(path)
                page.wait_for_load_state("networkidle")
                target = OUT / f"{stem}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                page.close()
                written.append(target)
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8181)
    parser.add_argument("--no-seed", action="store_true", help="use the database as it is")
    opts = parser.parse_args()
    # DEBUG off, as the demo runs it: a mistyped URL shows the console's 404 page, not
    # Django's list of routes; WhiteNoise then serves the collected static files.
    env = dict(os.environ) | {"DEBUG": "false"}
    tmp = None
    if not env.get("DATABASE_URL"):
        tmp = tempfile.TemporaryDirectory(prefix="orderdesk-screens-")
        env["ORDERDESK_VAR"] = tmp.name
    if not opts.no_seed:
        run("migrate", "--noinput", env=env)
        run("seed", env=env)
    run("collectstatic", "--noinput", "-v", "0", env=env)
    ids = demo_ids(env)
    server = subprocess.Popen(  # noqa: S603 (our own command, fixed argv)
        [str(BIN / "orderdesk"), "runserver", f"127.0.0.1:{opts.port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{opts.port}"
        wait_for(base + "/console/login/")
        for path in shoot(base, ids):
            print(path.relative_to(ROOT))
    finally:
        server.terminate()
        server.wait(timeout=30)
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
