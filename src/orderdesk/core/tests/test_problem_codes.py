"""Error codes are data: every problem code the product can answer with is registered in
``core/problem_codes.py`` (status and meaning), listed in the API's OpenAPI description and in
docs/problem-codes.md.

Two nets catch a code used but not registered: the source scan below (every literal code in a
``DomainError``/``FieldError`` and in the rule tables that feed them, and every code the API's
validation mapping emits), and the suite-wide check in the root conftest (every ``DomainError``
raised while a test runs, whatever built its code)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from orderdesk.api.errors import PYDANTIC_CODES
from orderdesk.core.errors import DomainError
from orderdesk.core.problem_codes import PROBLEM_CODES, markdown_document

SRC = Path(__file__).resolve().parents[2]  # src/orderdesk
REPO = SRC.parents[1]


def _error_classes() -> set[str]:
    names, todo = {"DomainError"}, [DomainError]
    while todo:
        for sub in todo.pop().__subclasses__():
            names.add(sub.__name__)
            todo.append(sub)
    return names


# Calls whose given position carries a problem code (besides ``code=`` of an error class,
# and ``closed_code=`` of an order action in the transition table).
CODE_AT = {"FieldError": 1, "StepRefusal": 0, "Refusal": 0, "problem": 1}


def _literal_codes() -> dict[str, list[str]]:
    """code -> where (file:line), for every literal code in product code."""
    errors = _error_classes()
    found: dict[str, list[str]] = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).parts
        if "tests" in parts or "migrations" in parts or "testing" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            values = [kw.value for kw in node.keywords if kw.arg == "closed_code"]
            if name in errors or name in CODE_AT:
                values += [kw.value for kw in node.keywords if kw.arg == "code"]
            if name in CODE_AT and len(node.args) > CODE_AT[name]:
                values.append(node.args[CODE_AT[name]])
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    where = f"{path.relative_to(SRC)}:{node.lineno}"
                    found.setdefault(value.value, []).append(where)
    return found


def _default_codes() -> set[str]:
    return {
        getattr(DomainError, "default_code", "invalid"),
        *(
            cls.default_code
            for cls in DomainError.__subclasses__()
            if getattr(cls, "default_code", None)
        ),
    }


def test_every_literal_problem_code_in_the_source_is_registered():
    found = _literal_codes()
    assert len(found) > 100  # the scan sees the codes (a broken scan passes nothing)
    missing = {code: where for code, where in found.items() if code not in PROBLEM_CODES}
    assert not missing, (
        "Problem codes used but not registered in src/orderdesk/core/problem_codes.py "
        f"(add each with its status and meaning): {missing}"
    )


def test_every_default_code_of_the_error_classes_is_registered():
    assert _default_codes() - set(PROBLEM_CODES) == set()


def test_every_code_the_api_validation_mapping_emits_is_registered():
    emitted = set(PYDANTIC_CODES.values()) | {"invalid"}  # "invalid": any other pydantic type
    assert emitted - set(PROBLEM_CODES) == set()


def test_every_registered_code_has_a_status_an_app_and_a_meaning():
    for code, problem in PROBLEM_CODES.items():
        assert problem.code == code
        assert problem.statuses and all(400 <= s <= 599 for s in problem.statuses), code
        assert problem.app and problem.meaning.strip(), code


def test_an_unregistered_code_fails_the_scan(tmp_path, monkeypatch):
    """The scan can fail: a raise with a made-up code is reported."""
    fake = tmp_path / "orderdesk"
    (fake / "widgets").mkdir(parents=True)
    (fake / "widgets" / "actions.py").write_text(
        "from orderdesk.core.errors import Conflict\n"
        "def f():\n    raise Conflict('No.', code='widget_jammed')\n"
    )
    monkeypatch.setattr(f"{__name__}.SRC", fake)
    assert _literal_codes() == {"widget_jammed": ["widgets/actions.py:3"]}
    assert "widget_jammed" not in PROBLEM_CODES


def test_docs_problem_codes_md_is_generated_from_the_registry():
    on_disk = (REPO / "docs" / "problem-codes.md").read_text()
    assert on_disk == markdown_document(), (
        "docs/problem-codes.md is out of date: "
        "python -m orderdesk.core.problem_codes > docs/problem-codes.md"
    )


@pytest.mark.django_db
def test_the_openapi_description_lists_every_code(client):
    schema = client.get("/api/v1/openapi.json").json()
    description = schema["info"]["description"]
    missing = [code for code in PROBLEM_CODES if f"`{code}`" not in description]
    assert missing == []
    field = schema["components"]["schemas"]["Problem"]["properties"]["code"]
    assert "listed in the API description" in field["description"]
