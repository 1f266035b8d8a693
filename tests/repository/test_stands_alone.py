"""The repository stands on its own (issue 20): a person who clones it has everything it
links to, no file names a path of one machine, and the contract it documents
(docs/spec.md) names every API operation and every KPI the code has."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[2]

# Spelled in pieces so this file does not match its own patterns.
OUTSIDE_LINK = ".." + "/shared"
MACHINE_PATH = re.compile(
    r"(?<![\w.$}])/(?:" + "work" + r"|root|home/[A-Za-z]|tmp/[A-Za-z0-9_.-])[^\s`'\")]*"
)
RULE_IDS = (
    [f"D{i}" for i in range(1, 11)]
    + [f"M{i}" for i in range(1, 10)]
    + [f"X{i}" for i in range(1, 5)]
    + [f"O{i}" for i in range(1, 6)]
    + [f"C{i}" for i in range(1, 4)]
    + [f"N{i}" for i in range(1, 4)]
    + [f"S{i}" for i in range(1, 6)]
)
TEXT_SUFFIXES = {
    ".py", ".md", ".txt", ".toml", ".cfg", ".ini", ".sh", ".yaml", ".yml", ".json", ".html",
    ".css", ".js", ".lock", ".in", "",
}  # fmt: skip


def repository_files() -> list[Path]:
    """The files a clone has: git's list (tracked and new, not ignored)."""
    out = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    files = [ROOT / name for name in out]
    return [f for f in files if f.is_file() and f.suffix in TEXT_SUFFIXES]


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ""


def test_no_file_links_outside_the_repository_to_shared():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in repository_files()
        for n, line in enumerate(read(path).splitlines(), 1)
        if OUTSIDE_LINK in line
    ]
    assert offenders == []


def test_no_file_names_a_machine_specific_path():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {match.group(0)}"
        for path in repository_files()
        for n, line in enumerate(read(path).splitlines(), 1)
        for match in MACHINE_PATH.finditer(line)
    ]
    assert offenders == []


def test_machine_path_pattern_catches_what_it_should_and_nothing_else():
    slash = "/"  # (the examples are built, so this file passes its own check)
    caught = [
        f"cd {slash}work/main",
        f"X={slash}tmp/x.sqlite3",
        f"{slash}root/.c",
        f"{slash}home/ci",
    ]
    passed = ["/usr/bin/chromium", "/etc/orderdesk/env", "/var/lib/orderdesk", "/tmp", "a/tmp/b"]  # noqa: S108
    assert [bool(MACHINE_PATH.search(s)) for s in caught] == [True] * len(caught)
    assert [bool(MACHINE_PATH.search(s)) for s in passed] == [False] * len(passed)


MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def test_every_markdown_link_resolves_inside_the_repository():
    broken = []
    for path in repository_files():
        if path.suffix != ".md":
            continue
        for target in MARKDOWN_LINK.findall(read(path)):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue  # a web address or an anchor on the same page
            resolved = (path.parent / unquote(target.split("#", 1)[0])).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert broken == []


def test_the_procedures_and_the_contract_are_in_the_repository():
    spec = read(ROOT / "docs" / "spec.md")
    procedures = read(ROOT / "docs" / "procedures.md")
    assert [r for r in RULE_IDS if not re.search(rf"^\| {r} \|", spec, re.M)] == []
    assert [r for r in RULE_IDS if not re.search(rf"\b{r}\b", procedures)] == []
    headings = re.findall(r"^## \d\. (.+)$", procedures, re.M)
    assert len(headings) == 5


def test_spec_names_every_api_operation_of_the_openapi_document():
    from orderdesk.api.api import api

    spec = read(ROOT / "docs" / "spec.md")
    rows = set(re.findall(r"^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \|", spec, re.M))
    operations = {
        (method.upper(), path)
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method in methods
    }
    assert sorted(operations - rows) == []  # served but not in the contract
    assert sorted(rows - operations) == []  # in the contract but not served


def test_spec_gives_every_kpi_its_formula():
    from orderdesk.kpis.definitions import KPIS

    spec = read(ROOT / "docs" / "spec.md")
    section = spec.split("\n## KPIs\n", 1)[1].split("\n## ", 1)[0]
    keys = set(re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| [^|]+ \|$", section, re.M))
    assert sorted({k.key for k in KPIS} ^ keys) == []
