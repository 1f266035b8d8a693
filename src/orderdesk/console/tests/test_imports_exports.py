"""Console: lead import upload → background job → progress and result; error report; exports
(masked, audited, streamed); who may do what (issue 10)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from orderdesk.core.models import AuditEvent
from orderdesk.customers.models import Customer
from orderdesk.leads.choices import ImportStatus, LeadSource
from orderdesk.leads.models import ImportJob, Lead
from orderdesk.leads.tests.test_imports import CAMPAIGN_CSV, EXPECTED_REPORT
from orderdesk.orders import exports as order_exports
from orderdesk.testing.factories import make_customer

IMPORTS = "/console/imports/"


@pytest.fixture
def world(cast, catalog):
    from orderdesk.leads.seeding import ensure_default_settings

    ensure_default_settings()
    existing = make_customer(name="Existing Person", phone="+919812345678")
    Lead.objects.create(customer=existing, source=LeadSource.APP_QUOTE, variant=catalog["v256"])
    make_customer(name="DNC Person", phone="+919811122233", do_not_contact=True)
    return catalog


def _upload(client, text=CAMPAIGN_CSV, name="diwali.csv", **extra):
    return client.post(
        IMPORTS,
        {
            "file": SimpleUploadedFile(name, text.encode(), "text/csv"),
            "source": "campaign",
            **extra,
        },
    )


def _run_worker():
    """What ``orderdesk worker`` does with the ``imports`` queue, in the test's connection
    (``db_worker`` closes the connection the test transaction lives on)."""
    for row in DBTaskResult.objects.ready().filter(queue_name="imports").order_by("enqueued_at"):
        row.claim("test-worker")
        args = row.args_kwargs
        row.set_successful(row.task.call(*args["args"], **args["kwargs"]))


def test_upload_runs_in_the_worker_and_the_job_page_shows_progress_and_counts(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("supervisor")

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, campaign="Diwali 2026")

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/console/imports/{job.pk}/"
    assert (job.status, job.campaign, job.file_name) == (
        ImportStatus.QUEUED,
        "Diwali 2026",
        "diwali.csv",
    )
    task = DBTaskResult.objects.get(task_path="orderdesk.leads.tasks.import_leads_task")
    assert (task.queue_name, task.args_kwargs["args"]) == ("imports", [job.pk])

    # Before the worker: the page polls the progress fragment.
    page = client.get(response.url).content.decode()
    assert 'data-status="queued"' in page
    assert f'hx-get="/console/imports/{job.pk}/progress/" hx-trigger="every 1s"' in page

    _run_worker()

    job.refresh_from_db()
    assert (job.status, job.created_count, job.matched_count, job.rejected_count) == (
        ImportStatus.DONE,
        3,
        3,
        6,
    )
    fragment = client.get(f"/console/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert 'data-status="done"' in html and "hx-trigger" not in html  # polling stops
    assert '<td class="num" data-testid="created">3</td>' in html
    assert '<td class="num" data-testid="matched">3</td>' in html
    assert '<td class="num" data-testid="dnc">1</td>' in html
    assert '<td class="num" data-testid="rejected">6</td>' in html
    assert '<progress id="import-bar" max="100" value="100">' in html

    report = client.get(f"/console/imports/{job.pk}/errors.csv")
    assert report.status_code == 200 and report["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert rows == [[str(c) for c in row] for row in EXPECTED_REPORT]

    events = AuditEvent.objects.filter(object_type="leads.importjob").order_by("id")
    assert list(events.values_list("action", "actor_label", "via")) == [
        ("lead_import.create", "suman", "console"),
        ("lead_import.finish", "suman", "worker"),
    ]


def test_uploading_the_same_file_again_creates_nothing_and_says_so(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client)
    _run_worker()
    customers, leads = Customer.objects.count(), Lead.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client)
    _run_worker()

    first, second = ImportJob.objects.order_by("pk")
    second.refresh_from_db()
    assert (second.created_count, second.matched_count, second.rejected_count) == (0, 6, 6)
    assert (Customer.objects.count(), Lead.objects.count()) == (customers, leads)
    page = client.get(response.url).content.decode()
    assert f'as <a href="/console/imports/{first.pk}/">import #{first.pk}</a>' in page


def test_a_bad_upload_is_refused_beside_the_field_and_nothing_is_queued(world, client_for):
    client = client_for("supervisor")

    response = _upload(client, name="list.txt")

    assert response.status_code == 422
    assert "The file must be a .csv or .xlsx spreadsheet." in response.content.decode()
    assert ImportJob.objects.count() == 0 and DBTaskResult.objects.count() == 0


@pytest.mark.parametrize("role", ["sales", "cx", "ops"])
def test_other_roles_may_not_import(world, client_for, role, django_capture_on_commit_callbacks):
    client = client_for(role)
    customers, leads = Customer.objects.count(), Lead.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client)

    assert response.status_code == 403
    assert "leads.import" in response.content.decode()
    assert client.get(IMPORTS).status_code == 403
    assert ImportJob.objects.count() == 0 and DBTaskResult.objects.count() == 0
    assert (Customer.objects.count(), Lead.objects.count()) == (customers, leads)
    assert not AuditEvent.objects.filter(action__startswith="lead_import").exists()


def test_other_roles_may_not_see_a_job_or_its_error_report(world, client_for):
    from orderdesk.leads.imports import create_import_job, run_import

    job = run_import(create_import_job(file_name="x.csv", data=CAMPAIGN_CSV.encode()))
    for url in (
        f"{IMPORTS}{job.pk}/",
        f"{IMPORTS}{job.pk}/progress/",
        f"{IMPORTS}{job.pk}/errors.csv",
    ):
        response = client_for("sales").get(url)
        assert response.status_code == 403, url
        assert b"row,field" not in response.content


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.post(IMPORTS, {})
    assert response.status_code == 302 and response.url.startswith("/console/login/")
    assert ImportJob.objects.count() == 0


# --- Exports ----------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_lead_export_masks_phones_filters_and_is_audited(world, client_for, cast):
    sita = cast["sales"]
    mine = Lead.objects.get()
    Lead.objects.filter(pk=mine.pk).update(owner=sita)
    other = make_customer(name="Other", phone="+919876543210")
    Lead.objects.create(customer=other, source=LeadSource.CAMPAIGN)
    client = client_for("supervisor")

    response = client.get("/console/exports/leads.csv", {"agent": sita.pk, "status": "new"})

    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="leads-')
    rows = _csv(response)
    assert rows[0][:6] == ["lead", "created_at_ist", "customer", "phone_masked", "source", "device"]
    assert len(rows) == 2
    assert rows[1][2:7] == [
        "Existing Person",
        "+91•••••45678",
        "app_quote",
        "Apple iPhone 15 256 GB",
        "new",
    ]
    assert rows[1][8] == "sita"
    assert (
        "+919812345678"
        not in b"".join(client.get("/console/exports/leads.csv").streaming_content).decode()
    )
    event = AuditEvent.objects.filter(action="export.leads").order_by("id").first()
    assert event.actor_label == "suman"
    assert event.after == {
        "export": "leads",
        "filters": {
            "date_from": None,
            "date_to": None,
            "status": "new",
            "team": None,
            "agent": sita.pk,
        },
        "rows": 1,
        "door": "console",
    }


def test_order_export_masks_payment_details(world, client_for, cast):
    from orderdesk.orders.actions import create_order
    from orderdesk.testing.factories import agent_order_request

    create_order(
        agent_order_request(world),
        actor=cast["sales"],
        channel="agent",
    )
    client = client_for("supervisor")

    rows = _csv(client.get("/console/exports/orders.csv"))

    header, row = rows[0], rows[1]
    record = dict(zip(header, row, strict=True))
    assert record["upi_id_masked"] == "as••••••@okaxis"
    assert record["phone_masked"] == "+91•••••43210"
    assert "asha.rao@okaxis" not in ",".join(row)
    assert AuditEvent.objects.get(action="export.orders").after["rows"] == 1


def test_bad_export_filters_are_refused_with_the_field_and_not_audited(world, client_for):
    response = client_for("supervisor").get(
        "/console/exports/leads.csv", {"from": "2026-13-01", "status": "nope"}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "&#x27;2026-13-01&#x27; is not a YYYY-MM-DD date between 2000 and 2099." in html
    assert "Unknown status" in html
    assert not AuditEvent.objects.filter(action__startswith="export.").exists()


@pytest.mark.parametrize("role", ["sales", "cx", "ops", "admin"])
def test_other_roles_may_not_export(world, client_for, role):
    client = client_for(role)
    for url in ("/console/exports/", "/console/exports/leads.csv", "/console/exports/orders.csv"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "data.export" in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="export.").exists()


def test_export_page_lists_both_forms(world, client_for):
    html = client_for("supervisor").get("/console/exports/").content.decode()
    assert 'action="/console/exports/leads.csv"' in html
    assert 'action="/console/exports/orders.csv"' in html


def test_cli_export_leads_is_masked_and_audited(world, cast, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "leads.csv"
    err = io.StringIO()

    call_command("export_leads", "--as", "suman", "--status", "new", "--out", str(out), stderr=err)

    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert [r[3] for r in rows] == ["phone_masked", "+91•••••45678"]
    event = AuditEvent.objects.get(action="export.leads")
    assert (event.actor_label, event.via, event.after["rows"], event.after["door"]) == (
        "suman",
        "cli",
        1,
        "cli",
    )
    assert err.getvalue().strip() == f"1 leads exported (audit event #{event.pk})"


def test_cli_export_orders_to_stdout(world, cast):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("export_orders", "--as", "suman", stdout=out, stderr=io.StringIO())

    assert out.getvalue().splitlines() == [",".join(order_exports.HEADER)]
    assert AuditEvent.objects.get(action="export.orders").after["rows"] == 0


def test_cli_export_refuses_a_user_without_the_permission(world, cast):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="'sita' is not an active user allowed to export"):
        call_command("export_leads", "--as", "sita", stdout=io.StringIO())

    assert not AuditEvent.objects.filter(action__startswith="export.").exists()


def test_the_progress_fragment_moves_batch_by_batch(world, client_for, cast):
    """What the polling page shows while the worker is between batches (4 rows a batch)."""
    import re

    from orderdesk.leads.imports import create_import_job, run_import

    client = client_for("supervisor")
    job = create_import_job(file_name="d.csv", data=CAMPAIGN_CSV.encode(), actor=cast["supervisor"])
    seen = []

    def poll(_rows):
        html = client.get(f"/console/imports/{job.pk}/progress/").content.decode()
        status = re.search(r'data-status="(\w+)"', html).group(1)
        bar = re.search(r'<progress id="import-bar" max="100" value="(\d+)">', html).group(1)
        rows = re.search(r"(\d+ of \d+) rows", html).group(1)
        seen.append((status, rows, bar, "hx-trigger" in html))

    run_import(job, batch_size=4, progress=poll)

    # 13 lines after the header (one blank), so 13 until the job ends and counts 12 rows.
    assert seen == [
        ("running", "4 of 13", "30", True),
        ("running", "8 of 13", "61", True),
        ("running", "12 of 13", "92", True),
    ]
    final = client.get(f"/console/imports/{job.pk}/progress/").content.decode()
    assert "12 rows read" in final and 'value="100"' in final and "hx-trigger" not in final


def test_lead_export_filters_by_ist_date_range_and_team(world, client_for, cast):
    import datetime as dt

    from orderdesk.accounts.models import Team
    from orderdesk.core.timeutil import IST

    north = Team.objects.create(name="Inbound North")
    cast["sales"].team = north
    cast["sales"].save()
    old_customer = make_customer(name="Old Lead", phone="+919876500011")
    team_customer = make_customer(name="Team Lead", phone="+919876500012")
    old = Lead.objects.create(customer=old_customer, source=LeadSource.CAMPAIGN)
    team_lead = Lead.objects.create(
        customer=team_customer, source=LeadSource.CAMPAIGN, owner=cast["sales"]
    )
    # 23:30 IST ten days ago is still that IST day, though it is 18:00 UTC.
    ten_days_ago = dt.datetime.now(IST).date() - dt.timedelta(days=10)
    Lead.objects.filter(pk=old.pk).update(
        created_at=dt.datetime.combine(ten_days_ago, dt.time(23, 30), tzinfo=IST)
    )
    client = client_for("supervisor")

    def names(**params):
        return [row[2] for row in _csv(client.get("/console/exports/leads.csv", params))[1:]]

    day = ten_days_ago.isoformat()
    assert names(**{"from": day, "to": day}) == ["Old Lead"]
    assert "Old Lead" not in names(**{"from": (ten_days_ago + dt.timedelta(days=1)).isoformat()})
    assert names(team=north.pk) == ["Team Lead"]
    assert team_lead.owner == cast["sales"]
    rows = AuditEvent.objects.filter(action="export.leads").order_by("id")
    assert [e.after["rows"] for e in rows] == [1, 2, 1]
