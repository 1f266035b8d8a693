"""The one JSON line per issue-17 figure (P1-P7) that every benchmark prints.

``emit(...)`` prints ``{"figure": "P2", "what": ..., "product": ..., "baseline": ...,
"ratio": ..., "target": ..., "met": bool, "sizes": ..., "load": <1-min load average>}``
on stdout, prefixed by nothing (one line, flushed), and appends the same line to the file
named by ``BENCH_FIGURES`` when it is set: ``bench/run.sh`` sets it and prints the lines it
collected as the run's summary (also written to ``bench/results/latest.jsonl``).

``better`` says which way the target points: ``"higher"`` (the ratio must be >= target,
e.g. P2 requests/s of the product over the baseline's) or ``"lower"`` (<= target, e.g. P3
p95 at scale over p95 at the small size, or P7 RSS growth).
"""

from __future__ import annotations

import datetime as dt
import json
import os


def emit(
    figure: str,
    what: str,
    product: float,
    baseline: float,
    target: float,
    sizes: dict,
    *,
    better: str = "higher",
    ratio: float | None = None,
    unit: str = "",
    **extra,
) -> dict:
    if better not in ("higher", "lower"):
        raise ValueError(better)
    if ratio is None:
        ratio = product / baseline if baseline else float("inf")
    met = ratio >= target if better == "higher" else ratio <= target
    line = {
        "figure": figure,
        "what": what,
        "product": round(product, 3),
        "baseline": round(baseline, 3),
        "unit": unit,
        "ratio": round(ratio, 4),
        "target": target,
        "better": better,
        "met": bool(met),
        "sizes": sizes,
        "load": round(os.getloadavg()[0], 2),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **extra,
    }
    text = json.dumps(line, ensure_ascii=False)
    print(text, flush=True)
    if path := os.environ.get("BENCH_FIGURES"):
        with open(path, "a", encoding="utf-8") as out:
            out.write(text + "\n")
    return line
