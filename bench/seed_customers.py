"""Benchmark: ``orderdesk seed --customers N`` against a fresh database.

    .venv/bin/python bench/seed_customers.py --database sqlite --customers 1000000
    .venv/bin/python bench/seed_customers.py --database postgres --customers 1000000

1. Make a scratch database (SQLite file in a temp dir, or PostgreSQL database
   ``orderdesk_bench`` on the server of BENCH_PG_URL / DATABASE_URL).
2. ``orderdesk migrate``.
3. Time ``orderdesk seed --customers N`` (demo steps included) in a subprocess.
4. Print one line of JSON: the wall time, the seed's own figures (customers/s,
   rows/s counting customers and addresses), and the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _scratch import machine, scratch_database

ORDERDESK = [sys.executable, "-m", "orderdesk.cli"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    args = parser.parse_args()

    with scratch_database(args.database, "orderdesk_bench") as db_env:
        env = {**os.environ, **db_env, "DEBUG": "0"}
        subprocess.run([*ORDERDESK, "migrate", "-v0"], env=env, check=True)
        started = time.perf_counter()
        done = subprocess.run(
            [
                *ORDERDESK,
                "seed",
                "--customers",
                str(args.customers),
                "--batch-size",
                str(args.batch_size),
                "--no-progress",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
    result_line = next(line for line in done.stdout.splitlines() if line.startswith("SEED_RESULT "))
    seed = json.loads(result_line.removeprefix("SEED_RESULT "))
    print(
        json.dumps(
            {
                "bench": "seed_customers",
                "database": args.database,
                "customers": args.customers,
                "batch_size": args.batch_size,
                "wall_seconds": round(wall, 1),
                "seed": seed,
                "customers_per_second_wall": round(args.customers / wall),
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": machine(),
            }
        )
    )


if __name__ == "__main__":
    main()
