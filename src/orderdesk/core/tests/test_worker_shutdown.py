"""``orderdesk worker`` on SIGTERM: the task in hand finishes, then the worker exits 0.
A real worker process on the PostgreSQL test database (rows committed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from orderdesk.core.tests.slow_tasks import slow_write

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("worker processes are tested on PostgreSQL")


def worker_env() -> dict:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "LOG_LEVEL": "WARNING"}


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_sigterm_lets_the_running_task_finish_then_the_worker_exits_cleanly(tmp_path):
    marker = tmp_path / "done"
    result = slow_write.enqueue(str(marker), 3.0)
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("orderdesk")), "worker", "--interval", "0.1",
         "--no-reload", "--no-startup-delay"],
        env=worker_env(),
        stdout=(tmp_path / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(
            lambda: DBTaskResult.objects.get(id=result.id).status == "RUNNING", 60, "task running"
        )
        assert not marker.exists()
        worker.send_signal(signal.SIGTERM)  # mid-task: the task must still finish
        code = worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
    assert code == 0, (tmp_path / "worker.log").read_text()
    assert marker.read_text() == "finished"
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == "SUCCESSFUL"
    assert row.return_value == "finished"
