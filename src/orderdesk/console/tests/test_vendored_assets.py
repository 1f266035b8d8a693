"""Vendored front-end files must survive production's collectstatic.

WhiteNoise's manifest storage follows every ``sourceMappingURL`` and fails the whole
``collectstatic`` when the map is not shipped (Chart.js's was not: the process tests
caught it). ``npm run vendor`` strips the comment; this keeps it stripped.
"""

from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "static"


def test_no_static_file_points_at_a_source_map_that_is_not_shipped():
    dangling = []
    for path in STATIC.rglob("*"):
        if path.suffix not in {".js", ".css"}:
            continue
        for line in path.read_text(errors="replace").splitlines():
            if "sourceMappingURL=" in line:
                target = line.split("sourceMappingURL=", 1)[1].strip(" */")
                if not (path.parent / target).exists():
                    dangling.append(f"{path.relative_to(STATIC)} -> {target}")
    assert dangling == []
