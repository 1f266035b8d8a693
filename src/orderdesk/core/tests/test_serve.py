"""``orderdesk serve`` runs gunicorn with the repository's config; the config's JSON access log."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import os
import sys
from pathlib import Path
from types import SimpleNamespace

from django.core.management import call_command

from orderdesk.core.management.commands.serve import gunicorn_argv, serve_environ


def test_serve_runs_gunicorn_with_the_config_module_and_the_wsgi_app():
    argv = gunicorn_argv(bind=["127.0.0.1:8001", "127.0.0.1:8002"], workers=3)
    assert argv == [
        str(Path(sys.executable).with_name("gunicorn")),
        "--config",
        "python:orderdesk.config.gunicorn",
        "--bind",
        "127.0.0.1:8001",
        "--bind",
        "127.0.0.1:8002",
        "--workers",
        "3",
        "orderdesk.config.wsgi:application",
    ]
    assert Path(argv[0]).exists()


def test_serve_dry_run_prints_the_command_line(capsys):
    call_command("serve", "--bind", "127.0.0.1:9123", "--dry-run")
    out = capsys.readouterr().out.strip()
    assert out.endswith(
        "--config python:orderdesk.config.gunicorn --bind 127.0.0.1:9123 "
        "orderdesk.config.wsgi:application"
    )


def test_serve_gives_each_server_its_own_metrics_directory_unless_told():
    first = serve_environ({"PATH": "/bin"})
    second = serve_environ({"PATH": "/bin"})
    assert first["PROMETHEUS_MULTIPROC_DIR"] != second["PROMETHEUS_MULTIPROC_DIR"]
    assert os.path.isdir(first["PROMETHEUS_MULTIPROC_DIR"])
    assert first["DJANGO_SETTINGS_MODULE"] == "orderdesk.config.settings"
    assert first["ORDERDESK_OWNS_METRICS_DIR"] == "1"
    told = serve_environ({"PROMETHEUS_MULTIPROC_DIR": "/run/orderdesk/metrics"})
    assert told["PROMETHEUS_MULTIPROC_DIR"] == "/run/orderdesk/metrics"
    assert "ORDERDESK_OWNS_METRICS_DIR" not in told
    for env in (first, second):
        os.rmdir(env["PROMETHEUS_MULTIPROC_DIR"])


def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("ORDERDESK_BIND", "127.0.0.1:8101,127.0.0.1:8102")
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "40")
    monkeypatch.setenv("GUNICORN_GRACEFUL_TIMEOUT", "20")
    import orderdesk.config.gunicorn as config

    config = importlib.reload(config)
    assert config.bind == ["127.0.0.1:8101", "127.0.0.1:8102"]
    assert config.workers == 4
    assert config.timeout == 40
    assert config.graceful_timeout == 20
    assert config.wsgi_app == "orderdesk.config.wsgi:application"
    assert config.control_socket_disable is True
    assert config.logger_class is config.JsonAccessLogger


def test_gunicorn_access_log_lines_are_json_with_the_request_id():
    from gunicorn.config import Config

    import orderdesk.config.gunicorn as config

    cfg = Config()
    cfg.set("accesslog", "-")
    access = config.JsonAccessLogger(cfg)
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    access.access_log.addHandler(Keep())
    resp = SimpleNamespace(
        status="201 Created", sent=42, headers=[("X-Request-ID", "rid-1"), ("Content-Type", "x")]
    )
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/api/v1/orders",
        "PATH_INFO": "/api/v1/orders",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": "app/1.0",
    }
    access.access(resp, SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=12))
    line = json.loads(lines[-1])
    assert line["request_id"] == "rid-1"
    assert line["method"] == "POST"
    assert line["path"] == "/api/v1/orders"
    assert line["status"] == 201
    assert line["bytes"] == 42
    assert line["duration_ms"] == 12.0


def test_gunicorn_removes_the_metrics_directory_serve_made_and_keeps_a_given_one(
    tmp_path, monkeypatch
):
    import orderdesk.config.gunicorn as config

    made = tmp_path / "made"
    made.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(made))
    monkeypatch.setenv("ORDERDESK_OWNS_METRICS_DIR", "1")
    config.on_exit(None)
    assert not made.exists()

    given = tmp_path / "given"
    given.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(given))
    monkeypatch.delenv("ORDERDESK_OWNS_METRICS_DIR")
    config.on_exit(None)
    assert given.exists()


def test_s2_gunicorn_access_log_masks_phones_and_upi_in_query_and_referer():
    """Issue 21, 6: the access line is masked as the app's log lines are."""
    from gunicorn.config import Config

    import orderdesk.config.gunicorn as config

    cfg = Config()
    cfg.set("accesslog", "-")
    access = config.JsonAccessLogger(cfg)
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    access.access_log.addHandler(Keep())
    resp = SimpleNamespace(status="200 OK", sent=1, headers=[])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/api/v1/customers?q=%2B91+98111+22233&phone=9811122233",
        "PATH_INFO": "/api/v1/customers",
        "QUERY_STRING": "q=%2B91+98111+22233&phone=9811122233&upi=asha.rao%40okaxis",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "https://od.example.in/console/customers/?q=9811122233",
        "HTTP_USER_AGENT": "app/1.0",
    }
    access.access(resp, SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=3))
    raw = lines[-1]
    line = json.loads(raw)
    for secret in ("98111", "9811122233", "asha.rao@okaxis", "%2B91"):
        assert secret not in raw
    assert "phone=" in line["query"] and "•" in line["query"]
    assert line["referer"].startswith("https://od.example.in/console/customers/?q=")
