"""A task that takes a while, for the worker shutdown test (the worker imports it by path)."""

import time
from pathlib import Path

from django_tasks import task


@task(queue_name="default")
def slow_write(path: str, seconds: float) -> str:
    time.sleep(seconds)
    Path(path).write_text("finished")
    return "finished"
