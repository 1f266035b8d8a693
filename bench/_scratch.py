"""Scratch databases for the benchmarks: a SQLite file in a temp dir, or a PostgreSQL
database created for the run and dropped afterwards."""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import tempfile
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PG_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def create_database(conn, name: str) -> None:
    """Drop and create the PostgreSQL database ``name`` on an autocommit connection. With
    ``BENCH_PG_TEMPLATE`` set (``bench/run.sh quick``), it is a copy of that database,
    migrated and seeded once for the whole run: each script's own ``migrate`` and ``seed``
    then find nothing to do, and quick mode does not pay for them a dozen times."""
    template = os.environ.get("BENCH_PG_TEMPLATE")
    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


@contextlib.contextmanager
def scratch_database(backend: str, name: str) -> Iterator[dict[str, str]]:
    """Yields the environment variables that point orderdesk at a fresh, empty database.

    PostgreSQL: the server comes from BENCH_PG_URL or DATABASE_URL (its database
    part is replaced by ``name``); the database is dropped if it exists, created
    (``create_database``), and dropped again at the end. SQLite: with
    ``BENCH_SQLITE_TEMPLATE`` set (quick mode), the file starts as a copy of that one.
    """
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="orderdesk-bench-") as tmp:
            path = os.path.join(tmp, "bench.sqlite3")
            if template := os.environ.get("BENCH_SQLITE_TEMPLATE"):
                shutil.copyfile(template, path)
            yield {"SQLITE_PATH": path, "DATABASE_URL": ""}
        return
    import psycopg

    name = os.environ.get("BENCH_DB_PREFIX", "") + name  # keep runs that share a server apart
    server = os.environ.get("BENCH_PG_URL") or os.environ.get("DATABASE_URL") or DEFAULT_PG_SERVER
    admin_url = _with_db(server, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        create_database(conn, name)
    try:
        yield {"DATABASE_URL": _with_db(server, name)}
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
