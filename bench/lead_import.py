"""Benchmark: ``orderdesk import_leads`` of an N-row campaign CSV beside a plain ``COPY``.

    .venv/bin/python bench/lead_import.py --rows 1000000 --existing 100000

PostgreSQL only.

1. Make a scratch database (``wt_imp_bench`` by default, on the server of BENCH_PG_URL /
   DATABASE_URL), migrate it, load the demo (``orderdesk seed``: the catalog the devices are
   matched against) and ``--existing`` generated customers (``seed --customers``).
2. Write the campaign file: N rows of name, phone, device, source. Phones are the scale
   seed's generated numbers written the ways Indians write them (``98765 43210``,
   ``+91-98765-43210``, ``09876543210``, ``919876543210``); the first half of ``--existing``
   customers' phones are *not* in the file and the other half are, so about
   ``existing / 2`` rows match a customer. Devices: "brand model variant" of a random
   active catalog variant, one row in five blank. One row in 100 has a bad phone, one in
   200 repeats an earlier row (matched), one in 50 says ``referral``.
3. Time ``orderdesk import_leads FILE --no-progress`` in a subprocess (wall time).
4. Time ``COPY bare FROM STDIN (FORMAT csv, HEADER)`` of the same file into a bare table
   (four text columns, no index, no constraint) in the same database.
5. Print one line of JSON: both times, rows/s, the ratio, the import's own counts and
   the database's counts; then drop the database.

``--rerun`` times a second import of the same file too (everything matched, nothing new).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _figure import emit
from _scratch import machine, scratch_database

ORDERDESK = [sys.executable, "-m", "orderdesk.cli"]


def _formats(e164: str, rng: random.Random) -> str:
    national = e164[3:]
    return rng.choice(
        [
            national,
            f"{national[:5]} {national[5:]}",
            f"+91-{national[:5]}-{national[5:]}",
            f"0{national}",
            f"91{national}",
            e164,
        ]
    )


def write_campaign(path: Path, rows: int, existing: int, devices: list[str], seed: int = 7):
    import csv

    from orderdesk.seed.scale import scale_phone

    rng = random.Random(seed)
    first = existing // 2  # generated customers [first, first + rows) are the file's phones
    written: list[list[str]] = []
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "phone", "device", "source"])
        for i in range(rows):
            if written and i % 200 == 199:
                row = rng.choice(written[-1000:])
            else:
                phone = _formats(scale_phone(first + i), rng)
                if i % 100 == 37:
                    phone = phone[:-3]  # too short: rejected
                device = "" if rng.random() < 0.2 else rng.choice(devices)
                source = "referral" if i % 50 == 3 else ""
                row = [f"Campaign Customer {i}", phone, device, source]
                written.append(row)
            writer.writerow(row)


def _django(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderdesk.config.settings")
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--existing", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=20_000)  # imports.BATCH_SIZE
    parser.add_argument("--database-name", default="wt_imp_bench")
    parser.add_argument("--rerun", action="store_true", help="also time a second import")
    args = parser.parse_args()

    with (
        scratch_database("postgres", args.database_name) as db_env,
        tempfile.TemporaryDirectory(prefix="orderdesk-import-bench-") as tmp,
    ):
        env = {**os.environ, **db_env, "DEBUG": "0"}
        subprocess.run([*ORDERDESK, "migrate", "-v0"], env=env, check=True)
        seed = [*ORDERDESK, "seed", "--no-progress"]
        if args.existing:
            seed += ["--customers", str(args.existing)]
        subprocess.run(seed, env=env, check=True, capture_output=True)

        _django(db_env | {"DEBUG": "0"})
        from django.db import connection

        from orderdesk.catalog.models import Variant

        devices = [
            f"{v.model.brand.name} {v.model.name} {v.name}"
            for v in Variant.objects.filter(active=True, model__active=True).select_related(
                "model__brand"
            )
        ]
        path = Path(tmp) / "campaign.csv"
        started = time.perf_counter()
        write_campaign(path, args.rows, args.existing, devices)
        write_seconds = time.perf_counter() - started
        file_mb = round(path.stat().st_size / 1e6, 1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM customers_customer")
            customers_before = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM leads_lead")
            leads_before = cursor.fetchone()[0]
        connection.close()

        command = [
            *ORDERDESK,
            "import_leads",
            str(path),
            "--no-progress",
            "--batch-size",
            str(args.batch_size),
        ]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        import_seconds = time.perf_counter() - started
        rerun = None
        if args.rerun:
            started = time.perf_counter()
            again = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            rerun = {
                "seconds": round(time.perf_counter() - started, 1),
                "output": again.stdout.strip(),
            }

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM customers_customer")
            customers_after = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM leads_lead")
            leads_after = cursor.fetchone()[0]
            cursor.execute("CREATE TABLE bare (name text, phone text, device text, source text)")
        connection.close()

        import psycopg

        with psycopg.connect(db_env["DATABASE_URL"], autocommit=True) as conn:
            started = time.perf_counter()
            with (
                conn.cursor() as cur,
                cur.copy("COPY bare FROM STDIN (FORMAT csv, HEADER true)") as copy,
                open(path, "rb") as source,
            ):
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
            copy_seconds = time.perf_counter() - started
            copied = conn.execute("SELECT count(*) FROM bare").fetchone()[0]

    print(
        json.dumps(
            {
                "bench": "lead_import",
                "rows": args.rows,
                "existing_customers": args.existing,
                "batch_size": args.batch_size,
                "file_mb": file_mb,
                "write_file_seconds": round(write_seconds, 1),
                "import_seconds": round(import_seconds, 1),
                "import_rows_per_second": round(args.rows / import_seconds),
                "copy_seconds": round(copy_seconds, 2),
                "copy_rows": copied,
                "copy_rows_per_second": round(copied / copy_seconds),
                "ratio_import_to_copy": round(import_seconds / copy_seconds, 1),
                "import_output": done.stdout.strip(),
                "customers": [customers_before, customers_after],
                "leads": [leads_before, leads_after],
                "rerun": rerun,
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": machine(),
            },
            ensure_ascii=False,
        )
    )
    emit(
        "P6",
        "orderdesk import_leads rows/s vs PostgreSQL COPY of the same file",
        args.rows / import_seconds,
        copied / copy_seconds,
        0.3,
        {"rows": args.rows, "existing": args.existing, "batch_size": args.batch_size},
        unit="rows/s",
    )


if __name__ == "__main__":
    main()
