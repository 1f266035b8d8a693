"""The deploy check's checks (scripts/deploy_check.sh): do these processes serve?

    python tests/processes/deploy_smoke.py PORT [PORT ...]

On every port: health and readiness; a stylesheet from collectstatic's manifest
(WhiteNoise); a console login (form, CSRF, session cookie) that reaches the home
page; an API token and a customer-app order, each server taking one; the order
visible through the other server; /metrics with METRICS_TOKEN (and 401 without).
Then the worker has sent the orders' confirmations (MESSAGING_FILE_PATH). Prints one
JSON line; exits non-zero on the first failed check.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import jsonl_keys, order_body, request, sql, token


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def cookies_of(response) -> dict[str, str]:
    jar = {}
    for name, value in response.raw_headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]
    return jar


def console_login(port: int, username: str, password: str) -> str:
    page = request(port, "GET", "/console/login/")
    check(page.status == 200, f"login page on {port}: {page.status}")
    css = re.search(rb'href="(/static/[^"]+\.css)"', page.body)
    check(css is not None, "the login page links a stylesheet")
    check(re.search(rb"\.[0-9a-f]{12}\.css", css.group(1)) is not None, "hashed static names")
    sheet = request(port, "GET", css.group(1).decode())
    check(sheet.status == 200 and b"{" in sheet.body, f"stylesheet {css.group(1)}: {sheet.status}")
    jar = cookies_of(page)
    form_token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    check("csrftoken" in jar and form_token is not None, "login form has a CSRF token")
    form = urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": form_token.group(1)}
    ).encode()
    posted = request(
        port,
        "POST",
        "/console/login/",
        headers={"Cookie": f"csrftoken={jar['csrftoken']}"},
        form=form,
    )
    check(posted.status == 302, f"login on {port}: {posted.status} {posted.body[:300]!r}")
    session = cookies_of(posted).get("sessionid")
    check(bool(session), "login sets a session")
    home = request(port, "GET", "/console/", headers={"Cookie": f"sessionid={session}"})
    if home.status == 302:
        home = request(
            port, "GET", home.headers["location"], headers={"Cookie": f"sessionid={session}"}
        )
    signed_in = home.status == 200 and b'name="password"' not in home.body
    check(signed_in and b"logout" in home.body.lower(), f"console home signed in: {home.status}")
    return session


def main(ports: list[int]) -> int:
    report: dict = {"ports": ports}
    for port in ports:
        health = request(port, "GET", "/api/v1/health")
        check(health.json() == {"status": "ok", "database": "ok"}, f"health on {port}")
        ready = request(port, "GET", "/api/v1/ready")
        check(ready.status == 200, f"ready on {port}: {ready.status}")
        check(len(health.headers.get("x-request-id", "")) == 32, "X-Request-ID on responses")
        console_login(port, "demo-sales", "demo")
    report["login"] = "demo-sales on every port"

    app = token(ports[0], "demo-app")
    models = request(ports[0], "GET", "/api/v1/catalog/models?q=").json()
    phone_model = next(m for m in models if m["device_type"] == "phone" and m["variants"])
    variant_id = phone_model["variants"][0]["id"]
    questions = request(ports[0], "GET", "/api/v1/catalog/device-types/phone/questions").json()
    answers = {q["key"]: q["options"][0]["key"] for q in questions}
    [(pincode, city)] = sql(
        dict(os.environ),
        "SELECT p.pincode, c.name FROM catalog_servedpincode p JOIN catalog_city c "
        "ON c.id = p.city_id JOIN catalog_servedpincode_device_types t "
        "ON t.servedpincode_id = p.id JOIN catalog_devicetype d ON d.id = t.devicetype_id "
        "WHERE p.active AND d.key = 'phone' ORDER BY p.pincode LIMIT 1",
    )
    slots = request(
        ports[0], "GET", f"/api/v1/serviceability?pincode={pincode}&device_type=phone"
    ).json()["slots"]
    slot = next(s for s in slots if s["available"])
    numbers = []
    for i, port in enumerate(ports):
        body = order_body(f"+91765432{i:04d}", variant_id, answers, slot, pincode, city)
        created = request(
            port,
            "POST",
            "/api/v1/orders",
            body,
            {"Authorization": f"Bearer {app}", "Idempotency-Key": str(uuid.uuid4())},
        )
        check(created.status == 201, f"order on {port}: {created.status} {created.body[:400]!r}")
        number = created.json()["number"]
        other = ports[(i + 1) % len(ports)]
        seen = request(
            other, "GET", f"/api/v1/orders/{number}", headers={"Authorization": f"Bearer {app}"}
        )
        check(seen.status == 200, f"order {number} through {other}: {seen.status}")
        numbers.append(number)
    report["orders"] = numbers

    metrics_token = os.environ["METRICS_TOKEN"]
    for port in ports:
        check(request(port, "GET", "/metrics").status == 401, "metrics without a token")
        metrics = request(
            port, "GET", "/metrics", headers={"Authorization": f"Bearer {metrics_token}"}
        )
        check(metrics.status == 200, f"metrics on {port}: {metrics.status}")
        check(b"orderdesk_orders_created_total" in metrics.body, "business metrics")
    report["metrics"] = "ok"

    # The worker sends the confirmations (the file gateway in this check).
    path = Path(os.environ["MESSAGING_FILE_PATH"])
    deadline = time.monotonic() + 60
    sent = 0
    while time.monotonic() < deadline:
        lines = [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []
        sent = sum(
            1
            for line in lines
            if any(n[2:] in line.get("body", "").replace("-", "") for n in numbers)
        )
        if sent >= len(numbers):
            break
        time.sleep(1)
    check(sent >= len(numbers), f"confirmations sent by the worker: {sent} of {len(numbers)}")
    report["confirmations_sent"] = sent
    report["gateway_lines"] = sum(jsonl_keys(path).values())
    print(json.dumps({"deploy_check": report}))
    return 0


if __name__ == "__main__":
    sys.exit(main([int(p) for p in sys.argv[1:]]))
