"""Run pytest; when the only failures are crashed xdist workers, run those tests once more.

    python scripts/pytest_crash_retry.py [pytest arguments...]

Used by ``make test-clock-shifted`` (CI's PostgreSQL run under Debian's faketime). A worker
process there died once without a Python traceback (``worker 'gw1' crashed while running
…test_cell[GET /api/v1/health as sales]``: a one-query health check), which is libfaketime's
doing rather than the test's. A real failure still fails: a test that fails (not crashes)
fails the run at once, and a crashed test is run again alone, in a fresh process under the
same clock, and must pass there. Each retry is printed, so a crash never goes unnoticed.
"""

from __future__ import annotations

import re
import subprocess
import sys

# The full id is in the FAILURES section; the short summary line may be cut to the width.
CRASHED = re.compile(r"^worker '(gw\d+)' crashed while running '(.+)'$")
FAILED = re.compile(r"^(FAILED|ERROR) ")


def retry_list(lines: list[str]) -> list[str]:
    """The ids to run again: those of crashed workers, when no other test failed."""
    crashed = [m.group(2) for line in lines if (m := CRASHED.match(line.rstrip("\n")))]
    failures = sum(1 for line in lines if FAILED.match(line))
    return crashed if crashed and failures == len(crashed) else []


def main(argv: list[str]) -> int:
    cmd = [sys.executable, "-m", "pytest", *argv]
    proc = subprocess.Popen(  # noqa: S603 (our own interpreter, our arguments)
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    lines: list[str] = []
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line)
    rc = proc.wait()
    crashed = retry_list(lines)
    if rc == 0 or not crashed:
        return rc
    print(f"\n==== {len(crashed)} test(s) ran in a worker that crashed; each runs again alone ====")
    for test_id in crashed:
        print(f"  {test_id}")
    # The retried tests' own options: the marks and deselects do not matter for named ids,
    # but the rest (e.g. -q) does; xdist is left out so nothing else shares the process.
    passthrough = [a for a in argv if a in ("-q", "-v", "-x")]
    retry = subprocess.run(  # noqa: S603 (our own interpreter and test ids)
        [sys.executable, "-m", "pytest", *passthrough, "-p", "no:randomly", *crashed],
        check=False,
    )
    return retry.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
