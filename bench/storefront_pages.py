"""Benchmark: the storefront's public pages at N concurrent visitors on ``orderdesk serve``.

    .venv/bin/python bench/storefront_pages.py --database sqlite --visitors 50 --rounds 10
    .venv/bin/python bench/storefront_pages.py --database postgres --visitors 50 --rounds 10

1. Make a scratch database (``_scratch.py``), migrate it and load the demo (``orderdesk seed``).
2. Read what the visitors need: active variants with an answer to every question of their
   device type, and the tracking link of a seeded order.
3. Start ``orderdesk serve`` (gunicorn, ``--workers``) on 127.0.0.1:``--port`` (8160 by
   default), ``DEBUG=0``, and wait for ``/api/v1/health``.
4. ``--visitors`` threads, each with its own cookies, walk ``--rounds`` times: the search
   with a typo (``GET /sell/?q=``), the condition page (``GET /sell/device/<id>/``), the
   answers (``POST``, which writes a quote, then the estimate it redirects to), and the
   tracking page (``GET /t/<token>/``). Every answer is checked (200, or the 302 of the POST).
5. Print one line of JSON per page and one for all pages: p50 / p95 / p99 / mean in ms,
   and requests/s over the run. The server is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _scratch import machine, scratch_database

TYPOS = {"iPhone": "iphnoe", "Galaxy": "galxy", "Samsung": "samsng", "Redmi": "redmy"}


def summarise(name: str, timings: list[float], wall: float, extra: dict) -> dict:
    ms = sorted(t * 1000 for t in timings)
    q = statistics.quantiles(ms, n=100)
    return {
        "bench": "storefront_pages",
        "page": name,
        "requests": len(ms),
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "mean_ms": round(statistics.fmean(ms), 1),
        "requests_per_second": round(len(ms) / wall, 1),
        **extra,
    }


def prepare(env: dict) -> dict:
    """Migrate, seed, and read the visitors' material (in this process)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)
    from orderdesk.catalog.models import ConditionQuestion, Variant
    from orderdesk.messaging.links import tracking_token
    from orderdesk.orders.models import Order

    questions: dict[int, list[tuple[str, list[str]]]] = {}
    for q in ConditionQuestion.objects.prefetch_related("options"):
        questions.setdefault(q.device_type_id, []).append((q.key, [o.key for o in q.options.all()]))
    variants = [
        {"id": pk, "name": f"{brand} {model}", "questions": questions.get(kind, [])}
        for pk, brand, model, kind in Variant.objects.filter(
            active=True, model__active=True
        ).values_list("pk", "model__brand__name", "model__name", "model__device_type_id")
    ]
    order = Order.objects.order_by("id").first()
    return {"variants": variants, "token": tracking_token(order.number)}


def visitor(base: str, material: dict, rounds: int, seed: int, out: list, errors: list):
    rng = random.Random(seed)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def timed(page: str, url: str, data: dict | None = None, expect=(200,)):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(base + url, data=body)  # noqa: S310 - http to our own server
        if data is not None:
            req.add_header("Referer", base + url)
        start = time.perf_counter()
        try:
            with opener.open(req, timeout=60) as response:
                text = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as exc:
            text, status = exc.read().decode(errors="replace"), exc.code
        out.append((page, time.perf_counter() - start))
        if status not in expect:
            errors.append((page, status, text[:200]))
        return text

    for _ in range(rounds):
        variant = rng.choice(material["variants"])
        words = variant["name"].split()
        typed = " ".join(TYPOS.get(w, w.lower()) for w in words[:2])
        timed("GET /sell/?q=", "/sell/?" + urllib.parse.urlencode({"q": typed}))
        page = timed("GET /sell/device/<id>/", f"/sell/device/{variant['id']}/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        answers = {key: rng.choice(options) for key, options in variant["questions"]}
        answers["csrfmiddlewaretoken"] = token.group(1) if token else ""
        # urllib follows the 302 to the estimate: the time is the POST plus that GET.
        timed("POST /sell/device/<id>/ + estimate", f"/sell/device/{variant['id']}/", answers)
        timed("GET /t/<token>/", f"/t/{material['token']}/")


def run(database: str, visitors: int, rounds: int, port: int, workers: int) -> None:
    with scratch_database(database, "od_store_bench") as env:
        env = dict(env) | {"DEBUG": "0", "LOG_LEVEL": "WARNING"}
        material = prepare(env)
        server_env = dict(os.environ) | env
        orderdesk = Path(sys.executable).with_name("orderdesk")
        if not orderdesk.exists():
            raise SystemExit("run with the project's virtualenv (.venv/bin/python)")
        serve = [str(orderdesk), "serve"]
        server = subprocess.Popen(
            [*serve, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
            env=server_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(base + "/api/v1/health", timeout=2).read()  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.5)
            out: list = []
            errors: list = []
            # warm-up: every worker imports and connects
            visitor(base, material, 2, 0, [], [])
            threads = [
                threading.Thread(target=visitor, args=(base, material, rounds, i, out, errors))
                for i in range(visitors)
            ]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=30)
    extra = {
        "database": database,
        "visitors": visitors,
        "workers": workers,
        "errors": len(errors),
        **machine(),
    }
    for page in sorted({p for p, _ in out}):
        print(json.dumps(summarise(page, [t for p, t in out if p == page], wall, extra)))
    print(json.dumps(summarise("all pages", [t for _, t in out], wall, extra)))
    if errors:
        print(json.dumps({"first_errors": errors[:5]}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--workers", type=int, default=3)
    a = parser.parse_args()
    run(a.database, a.visitors, a.rounds, a.port, a.workers)
