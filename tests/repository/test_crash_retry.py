"""scripts/pytest_crash_retry.py runs again only tests whose xdist worker crashed."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts/pytest_crash_retry.py"
spec = importlib.util.spec_from_file_location("pytest_crash_retry", SCRIPT)
crash_retry = importlib.util.module_from_spec(spec)
spec.loader.exec_module(crash_retry)

CRASH = [
    "[gw1] linux -- Python 3.11.7 /x/.venv/bin/python\n",
    "worker 'gw1' crashed while running 'src/a/test_m.py::test_cell[GET /api/v1/health as sales]'\n",
    "FAILED src/a/test_m.py::test_cell[GET /api/v1/health as sales] - worker 'gw1' cras...\n",
]


def test_a_crashed_worker_alone_is_run_again_with_its_full_id():
    assert crash_retry.retry_list(CRASH) == [
        "src/a/test_m.py::test_cell[GET /api/v1/health as sales]"
    ]


def test_a_real_failure_beside_a_crash_is_not_retried():
    lines = [*CRASH, "FAILED src/a/test_n.py::test_real - AssertionError: 1 == 2\n"]
    assert crash_retry.retry_list(lines) == []


def test_no_crash_no_retry():
    assert crash_retry.retry_list(["FAILED src/a/test_n.py::test_real - assert False\n"]) == []
    assert crash_retry.retry_list([".....\n", "3 passed in 1.0s\n"]) == []
