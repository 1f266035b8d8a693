"""Benchmark: POST /api/v1/quotes and GET /api/v1/catalog/models?q=iphone, in process.

    .venv/bin/python bench/quote_endpoint.py --database sqlite --requests 2000
    .venv/bin/python bench/quote_endpoint.py --database postgres --requests 2000

1. Make a scratch database (see ``_scratch.py``), migrate it and load the demo
   (``orderdesk seed``).
2. Build a list of quote requests: random active variants, a random answer to
   every question of the variant's device type, and a pincode that serves the
   device type (one request in three without a pincode).
3. Warm up, then time each request through ``django.test.Client`` (the whole
   Django stack, minus the network and the WSGI server), one at a time.
4. Print one line of JSON per endpoint: p50 / p95 / p99 / mean in ms and requests/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _scratch import machine, scratch_database


def summarise(name: str, timings: list[float], extra: dict) -> dict:
    timings_ms = sorted(t * 1000 for t in timings)
    q = statistics.quantiles(timings_ms, n=100)
    return {
        "bench": "quote_endpoint",
        "endpoint": name,
        "requests": len(timings_ms),
        "p50_ms": round(q[49], 2),
        "p95_ms": round(q[94], 2),
        "p99_ms": round(q[98], 2),
        "mean_ms": round(statistics.fmean(timings_ms), 2),
        "requests_per_second": round(len(timings_ms) / sum(timings), 1),
        **extra,
    }


def run(requests: int, database: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.config.settings")
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from orderdesk.catalog.models import ConditionQuestion, ServedPincode, Variant

    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)

    rng = random.Random(42)
    questions: dict[str, list[tuple[str, list[str]]]] = {}
    for q in ConditionQuestion.objects.prefetch_related("options").select_related("device_type"):
        questions.setdefault(q.device_type.key, []).append(
            (q.key, [o.key for o in q.options.all()])
        )
    pincodes: dict[str, list[str]] = {}
    for served in ServedPincode.objects.prefetch_related("device_types"):
        for kind in served.device_types.all():
            pincodes.setdefault(kind.key, []).append(served.pincode)
    variants = list(
        Variant.objects.filter(active=True, model__active=True).values_list(
            "id", "model__device_type__key"
        )
    )

    def payload() -> dict:
        variant_id, kind = rng.choice(variants)
        answers = {key: rng.choice(options) for key, options in questions[kind]}
        pincode = rng.choice(pincodes[kind]) if rng.random() < 2 / 3 else ""
        return {"variant_id": variant_id, "answers": answers, "pincode": pincode}

    client = Client()
    extra = {
        "database": database,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }

    def timed(call, expected: int, count: int) -> list[float]:
        for _ in range(min(50, count)):  # warm-up: imports, caches, connection
            assert call().status_code == expected
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            response = call()
            timings.append(time.perf_counter() - started)
            assert response.status_code == expected, response.content
        return timings

    bodies = [payload() for _ in range(requests + 50)]
    it = iter(bodies)
    quote_times = timed(
        lambda: client.post("/api/v1/quotes", data=next(it), content_type="application/json"),
        201,
        requests,
    )
    print(json.dumps(summarise("POST /api/v1/quotes", quote_times, extra)))
    search_times = timed(
        lambda: client.get("/api/v1/catalog/models", {"q": "iphone"}), 200, requests
    )
    print(json.dumps(summarise("GET /api/v1/catalog/models?q=iphone", search_times, extra)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    with scratch_database(args.database, "orderdesk_bench_quote") as db_env:
        os.environ.update(db_env)
        if not db_env.get("DATABASE_URL"):
            os.environ.pop("DATABASE_URL", None)
        os.environ["DEBUG"] = "0"
        # The endpoint is measured, not the anonymous throttle in front of it (issue 21, 8):
        # one client sends every request, which the production limit would refuse.
        os.environ.setdefault("THROTTLE_ANONYMOUS_QUOTE", "1000000/m")
        os.environ.setdefault("THROTTLE_ANONYMOUS_READ", "1000000/m")
        run(args.requests, args.database)
        from django.db import connections

        connections.close_all()  # so the scratch PostgreSQL database can be dropped


if __name__ == "__main__":
    main()
