"""Scratch databases for the benchmarks: a SQLite file in a temp dir, or a PostgreSQL
database created for the run and dropped afterwards."""

from __future__ import annotations

import contextlib
import os
import platform
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


@contextlib.contextmanager
def scratch_database(backend: str, name: str) -> Iterator[dict[str, str]]:
    """Yields the environment variables that point orderdesk at a fresh, empty database.

    PostgreSQL: the server comes from BENCH_PG_URL or DATABASE_URL (its database
    part is replaced by ``name``); the database is dropped if it exists, created,
    and dropped again at the end.
    """
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="orderdesk-bench-") as tmp:
            yield {"SQLITE_PATH": os.path.join(tmp, "bench.sqlite3"), "DATABASE_URL": ""}
        return
    import psycopg

    name = os.environ.get("BENCH_DB_PREFIX", "") + name  # keep runs that share a server apart
    server = os.environ.get("BENCH_PG_URL") or os.environ.get("DATABASE_URL") or DEFAULT_PG_SERVER
    admin_url = _with_db(server, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": _with_db(server, name)}
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
