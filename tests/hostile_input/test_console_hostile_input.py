"""S5 for the console (issue 21, 9): every page and form, every GET parameter and form field,
as every role allowed to open it, fed hostile values — NUL bytes, far dates, 20-digit ids,
spreadsheet formula prefixes — and path ids beyond any database integer. Zero server errors.

The pages, their valid requests and who may open them come from the access matrix
(``accounts/access_matrix.py`` and its test's ``CONSOLE_REQUESTS``), so a new page is fuzzed
as soon as it has its matrix row. The fields come from the request itself and from the page's
HTML: every ``input``, ``select`` and ``textarea`` named in the page's forms. Runs in the
ordinary suite (``make test`` on SQLite, ``make test-pg`` on PostgreSQL, where a NUL byte or an
out-of-range integer fails differently than on SQLite).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import resolve, reverse

from orderdesk.accounts import access_matrix as matrix
from orderdesk.accounts.tests.test_access_matrix import (
    CONSOLE_REQUESTS,
    Req,
    _send,
    build_world,
)

HOSTILE = (
    "nul\x00byte",
    "9999-12-31",
    "0001-01-01",
    "99999999999999999999",
    "-1",
    '=HYPERLINK("http://evil.example","x")',
    "@SUM(1+9)*cmd|' /C calc'!A0",
)
HUGE_ID = 10**20
SKIP = {"POST console:logout"}  # signs the fuzzing session out; nothing to fuzz


class _Fields(HTMLParser):
    """Names of the fields of every form on a page, by the form's method and action."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, str, set[str]]] = []
        self._current: tuple[str, str, set[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = (
                (attrs.get("method") or "get").lower(),
                attrs.get("action") or "",
                set(),
            )
            self.forms.append(self._current)
        elif tag in {"input", "select", "textarea"} and attrs.get("name"):
            if attrs.get("type") in {"submit", "file"} or attrs["name"] == "csrfmiddlewaretoken":
                return
            if self._current is not None:
                self._current[2].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def page_fields(html: str, path: str, method: str) -> set[str]:
    parser = _Fields()
    parser.feed(html)
    names: set[str] = set()
    for form_method, action, fields in parser.forms:
        if form_method == method.lower() and action in {"", path}:
            names |= fields
    return names


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _pages():
    for key, entry in matrix.CONSOLE.items():
        if key in SKIP:
            continue
        roles = [r for r in matrix.ROLES if r in entry.allowed and r != "outsider"]
        yield pytest.param(key, roles, id=key)


def _client(role, w) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(w.users[role])
    return client


def _with(req: Req, method: str, field: str, value: str) -> Req:
    if method == "GET":
        return Req(req.path, query={**(req.query or {}), field: value}, headers=req.headers)
    data = {**(req.data or {}), field: value}
    return Req(req.path, data, query=req.query, content_type=req.content_type, headers=req.headers)


def _huge_path(path: str) -> str | None:
    """The same route with every integer path argument beyond any database integer."""
    match = resolve(path)
    ints = {k: HUGE_ID for k, v in match.kwargs.items() if isinstance(v, int)}
    args = [HUGE_ID if isinstance(a, int) else a for a in match.args]
    if not ints and args == list(match.args):
        return None
    return reverse(match.view_name, args=args or None, kwargs={**match.kwargs, **ints} or None)


@pytest.mark.parametrize(("key", "roles"), list(_pages()))
def test_s5_console_page_survives_hostile_input(world, db, key, roles):
    method, _name = key.split(" ", 1)
    failures: list[str] = []

    def send(client, req, what):
        sid = transaction.savepoint()
        try:
            response = _send(client, method, req)
            if response.streaming:
                b"".join(response.streaming_content)
            if response.status_code >= 500:
                failures.append(f"{what}: {response.status_code}")
            return response
        finally:
            transaction.savepoint_rollback(sid)

    for role in roles:
        client = _client(role, world)
        req = CONSOLE_REQUESTS[key](world, role)
        if req.content_type == "multipart":
            continue  # uploads: the import tests cover the file; its fields are fuzzed below
        fields = set((req.query or {}) if method == "GET" else (req.data or {}))
        page = send(client, Req(req.path, query=req.query), f"{role} GET {req.path}")
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            fields |= page_fields(page.content.decode(errors="replace"), req.path, method)
        for field in sorted(fields):
            for value in HOSTILE:
                send(client, _with(req, method, field, value), f"{role} {field}={value!r}")
        huge = _huge_path(req.path)
        if huge:
            send(
                client,
                Req(huge, req.data, query=req.query, content_type=req.content_type),
                f"{role} {huge}",
            )
        send(
            client,
            Req(req.path + "%00", req.data, content_type=req.content_type),
            f"{role} path NUL",
        )
    assert failures == []


def test_s5_the_fuzzer_finds_the_fields_of_a_page():
    html = '<form method="get"><input name="q"><select name="status"></select><input type="submit" name="go"></form><form method="post" action="/x/"><textarea name="note"></textarea></form>'
    assert page_fields(html, "/p/", "GET") == {"q", "status"}
    assert page_fields(html, "/x/", "POST") == {"note"}
    assert re.sub(r"\d", "", "x") == "x"
