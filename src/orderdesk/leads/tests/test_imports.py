"""Lead imports (issue 10): good, bad and duplicate rows; re-runs create nothing; D9."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from orderdesk.core.models import AuditEvent
from orderdesk.customers.models import Customer
from orderdesk.leads.choices import ImportStatus, LeadPriority, LeadSource, LeadStatus
from orderdesk.leads.imports import create_import_job, error_report_rows, run_import
from orderdesk.leads.models import ImportJob, Lead
from orderdesk.testing.factories import make_customer

SOURCES = "app_quote, web_quote, inbound_call, callback_request, campaign, referral"

# Row numbers as a spreadsheet shows them: the header is row 1; row 11 is blank.
CAMPAIGN_CSV = (
    "Name,Mobile Number,Device,Source,Notes\n"
    "Asha Rao,98765 43210,Apple iPhone 15 128 GB,,hot\n"  # 2 created (new customer)
    "Ravi Kumar,+91-91234-56789,MacBook Air M2,referral,\n"  # 3 created (one-variant model)
    "Existing Person,09812345678,iphone 15 256gb,,\n"  # 4 matched: open lead for the device
    ",9876500001,,,\n"  # 5 rejected: no name
    "Bad Phone,12345,,,\n"  # 6 rejected: phone
    "Unknown Device,9876512345,Nokia 3310,,\n"  # 7 rejected: device unknown
    "Ambiguous,9876512346,iPhone 15,,\n"  # 8 rejected: which variant?
    "Bad Source,9876512347,,newspaper,\n"  # 9 rejected: source
    "Asha R,+919876543210,Apple iPhone 15 128GB,Campaign,\n"  # 10 matched: same row again
    ",,,,\n"  # 11 blank: not a row
    "Dee En-See,9811122233,,,\n"  # 12 matched: do-not-contact customer, no lead (D9)
    ",,Nokia 3310,tv,\n"  # 13 rejected: four fields
    "Existing Person,9812345678,,inbound call,\n"  # 14 created: no open lead without a device
)
PHONE_REASON = "Not a valid mobile number (an Indian mobile has 10 digits starting 6-9)."
EXPECTED_REPORT = [
    ["row", "field", "code", "reason"],
    [5, "name", "required", "The customer's name is required."],
    [6, "phone", "phone_invalid", PHONE_REASON],
    [7, "device", "device_unknown", "'Nokia 3310' is not a device in the catalog."],
    [8, "device", "device_ambiguous", "'iPhone 15': name the variant (128 GB, 256 GB)."],
    [9, "source", "source_unknown", f"'newspaper' is not a lead source (one of {SOURCES})."],
    [13, "name", "required", "The customer's name is required."],
    [13, "phone", "required", "A phone number is required."],
    [13, "device", "device_unknown", "'Nokia 3310' is not a device in the catalog."],
    [13, "source", "source_unknown", f"'tv' is not a lead source (one of {SOURCES})."],
]


@pytest.fixture
def world(cast, catalog):
    existing = make_customer(name="Existing Person", phone="+919812345678")
    open_lead = Lead.objects.create(
        customer=existing, source=LeadSource.APP_QUOTE, variant=catalog["v256"]
    )
    dnc = make_customer(name="DNC Person", phone="+919811122233", do_not_contact=True)
    return {"existing": existing, "open_lead": open_lead, "dnc": dnc, **catalog}


def _import(
    text_or_bytes, *, name="diwali-campaign.csv", actor=None, set_based=None, **kwargs
) -> ImportJob:
    data = text_or_bytes.encode() if isinstance(text_or_bytes, str) else text_or_bytes
    job = create_import_job(file_name=name, data=data, actor=actor, **kwargs)
    return run_import(
        job, batch_size=4, set_based=set_based
    )  # several batches: duplicates across batches too


def _counts(job: ImportJob) -> tuple:
    return (
        job.rows_done,
        job.created_count,
        job.matched_count,
        job.rejected_count,
        job.customers_created,
        job.do_not_contact_count,
    )


def test_good_bad_and_duplicate_rows_exact_counts_and_error_report(world, cast):
    supervisor = cast["supervisor"]
    customers_before, leads_before = Customer.objects.count(), Lead.objects.count()

    job = _import(CAMPAIGN_CSV, actor=supervisor)

    assert job.status == ImportStatus.DONE
    # rows, created, matched, rejected, new customers, do-not-contact
    assert _counts(job) == (12, 3, 3, 6, 2, 1)
    assert job.rows_total == 12 and job.percent == 100 and job.content is None
    assert list(error_report_rows(job)) == EXPECTED_REPORT
    assert Customer.objects.count() == customers_before + 2
    assert Lead.objects.count() == leads_before + 3

    asha = Customer.objects.get(phone="+919876543210")
    assert asha.name == "Asha Rao"  # the first row's name; the duplicate row changed nothing
    asha_lead = Lead.objects.get(customer=asha)
    assert (asha_lead.variant, asha_lead.source, asha_lead.priority, asha_lead.status) == (
        world["v128"],
        LeadSource.CAMPAIGN,
        LeadPriority.HIGH,  # high-end device first
        LeadStatus.NEW,
    )
    assert asha_lead.owner is None and asha_lead.import_job == job
    ravi_lead = Lead.objects.get(customer__phone="+919123456789")
    assert (ravi_lead.variant, ravi_lead.source) == (world["mac_variant"], LeadSource.REFERRAL)
    # Row 4 matched the existing open lead; row 14 is the same customer without a device.
    existing_leads = Lead.objects.filter(customer=world["existing"]).order_by("pk")
    assert [(lead.variant_id, lead.source) for lead in existing_leads] == [
        (world["v256"].pk, LeadSource.APP_QUOTE),
        (None, LeadSource.INBOUND_CALL),
    ]
    assert world["existing"].name == Customer.objects.get(pk=world["existing"].pk).name
    # D9: the do-not-contact customer is matched, and no lead is queued for sales.
    assert not Lead.objects.filter(customer=world["dnc"]).exists()

    # Audited: one event when recorded, one with the counts; none per row.
    events = AuditEvent.objects.filter(object_type="leads.importjob", object_id=str(job.pk))
    assert sorted(events.values_list("action", "actor_label")) == [
        ("lead_import.create", "suman"),
        ("lead_import.finish", "suman"),
    ]
    finish = events.get(action="lead_import.finish")
    assert finish.after["created"] == 3 and finish.after["rejected"] == 6
    assert not AuditEvent.objects.filter(action="lead.create").exists()


def test_second_run_of_the_same_file_creates_nothing(world, cast):
    _import(CAMPAIGN_CSV, actor=cast["supervisor"])
    customers, leads = Customer.objects.count(), Lead.objects.count()

    again = _import(CAMPAIGN_CSV, actor=cast["supervisor"])

    assert _counts(again) == (12, 0, 6, 6, 0, 1)
    assert list(error_report_rows(again)) == EXPECTED_REPORT
    assert (Customer.objects.count(), Lead.objects.count()) == (customers, leads)


def test_edited_file_reuploaded_adds_only_the_new_rows_even_after_a_lead_was_closed(world, cast):
    first = _import(CAMPAIGN_CSV, actor=cast["supervisor"])
    # An agent closed Asha's lead meanwhile (Not Interested): the campaign must not revive it.
    Lead.objects.filter(import_job=first, customer__phone="+919876543210").update(
        status=LeadStatus.CLOSED, closed_for_sales=True, closed_reason="not_interested"
    )
    customers, leads = Customer.objects.count(), Lead.objects.count()
    edited = CAMPAIGN_CSV.replace("Bad Phone,12345", "Fixed Phone,9876512399") + (
        "New Person,9876512398,Apple iPhone 15 256 GB,,\n"
    )

    job = _import(edited, actor=cast["supervisor"])

    # Row 6 fixed and row 15 new: two leads, two customers; the closed lead stays matched.
    assert _counts(job) == (13, 2, 6, 5, 2, 1)
    assert (Customer.objects.count(), Lead.objects.count()) == (customers + 2, leads + 2)
    assert [r[0] for r in error_report_rows(job)][1:] == [5, 7, 8, 9, 13, 13, 13, 13]


def test_another_campaign_matches_open_leads_instead_of_duplicating(world, cast):
    _import(CAMPAIGN_CSV, actor=cast["supervisor"])
    leads = Lead.objects.count()

    job = _import(CAMPAIGN_CSV, name="new-year.csv", actor=cast["supervisor"])

    assert job.campaign == "new-year"
    assert _counts(job) == (12, 0, 6, 6, 0, 1)
    assert Lead.objects.count() == leads


def test_xlsx_import_with_numbers_for_phones(world, cast):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Customer Name", "Phone", "Model", "Storage", "Lead Source"])
    sheet.append(["Asha Rao", 9876543210, "iPhone 15", "128 GB", "Campaign"])  # created
    sheet.append(["Existing Person", 919812345678, "Apple iPhone 15", "256 GB", None])  # matched
    sheet.append(["No Phone", None, None, None, None])  # rejected
    sheet.append(["Asha Rao", "+91 98765 43210", "iphone15", "128gb", "campaign"])  # matched
    buffer = io.BytesIO()
    book.save(buffer)
    customers, leads = Customer.objects.count(), Lead.objects.count()

    job = _import(buffer.getvalue(), name="list.xlsx", actor=cast["admin"])

    assert job.file_format == "xlsx" and job.status == ImportStatus.DONE
    assert _counts(job) == (4, 1, 2, 1, 1, 0)
    assert list(error_report_rows(job)) == [
        ["row", "field", "code", "reason"],
        [4, "phone", "required", "A phone number is required."],
    ]
    assert (Customer.objects.count(), Lead.objects.count()) == (customers + 1, leads + 1)
    assert Lead.objects.get(customer__phone="+919876543210").variant == world["v128"]

    again = _import(buffer.getvalue(), name="list.xlsx", actor=cast["admin"])
    assert _counts(again) == (4, 0, 3, 1, 0, 0)
    assert (Customer.objects.count(), Lead.objects.count()) == (customers + 1, leads + 1)


def test_a_file_without_a_phone_column_fails_with_the_reason_and_changes_nothing(world, cast):
    customers, leads = Customer.objects.count(), Lead.objects.count()

    job = _import("name,device\nAsha,iPhone 15 128 GB\n", actor=cast["supervisor"])

    assert job.status == ImportStatus.FAILED
    assert job.failure == (
        "The header row has no phone column (expected columns: name, phone, device, source)."
    )
    assert _counts(job) == (0, 0, 0, 0, 0, 0)
    assert (Customer.objects.count(), Lead.objects.count()) == (customers, leads)


def test_semicolon_separated_csv_with_a_bom(world, cast):
    data = "\ufeffname;phone\nAsha Rao;9876543210\n".encode()

    job = _import(data, actor=cast["supervisor"])

    assert _counts(job) == (1, 1, 0, 0, 1, 0)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [("list.txt", b"name,phone\n", "file_format"), ("list.csv", b"", "file_empty")],
)
def test_unusable_uploads_are_refused_before_a_job_exists(db, name, data, code):
    from orderdesk.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        create_import_job(file_name=name, data=data)

    assert (refused.value.code, refused.value.field) == (code, "file")
    assert ImportJob.objects.count() == 0


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(world, cast):
    job = _import(CAMPAIGN_CSV, actor=cast["supervisor"])
    leads = Lead.objects.count()

    again = run_import(job)

    assert again.status == ImportStatus.DONE and _counts(again) == (12, 3, 3, 6, 2, 1)
    assert Lead.objects.count() == leads


def test_cli_import_leads(world, cast, tmp_path):
    path = tmp_path / "diwali-campaign.csv"
    path.write_text(CAMPAIGN_CSV)
    report = tmp_path / "errors.csv"
    out = io.StringIO()
    customers, leads = Customer.objects.count(), Lead.objects.count()

    call_command(
        "import_leads",
        str(path),
        "--source",
        "referral",
        "--as",
        "suman",
        "--errors",
        str(report),
        "--no-progress",
        stdout=out,
    )

    job = ImportJob.objects.get()
    assert out.getvalue().strip() == (
        f"import #{job.pk}: 12 rows — 3 created, 3 matched (1 do-not-contact, no lead), "
        "6 rejected; 2 new customers"
    )
    assert (job.via, job.created_by, job.default_source) == ("cli", cast["supervisor"], "referral")
    assert job.content is None  # the command line reads the file in place
    assert Lead.objects.get(customer__phone="+919876543210").source == LeadSource.REFERRAL
    assert (Customer.objects.count(), Lead.objects.count()) == (customers + 2, leads + 3)
    assert report.read_text().splitlines()[:2] == [
        "row,field,code,reason",
        "5,name,required,The customer's name is required.",
    ]
    event = AuditEvent.objects.get(action="lead_import.create")
    assert (event.actor_label, event.via) == ("suman", "cli")

    call_command("import_leads", str(path), "--no-progress", stdout=io.StringIO())
    assert (Customer.objects.count(), Lead.objects.count()) == (customers + 2, leads + 3)


def test_cli_refuses_a_user_who_may_not_import(world, cast, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(CAMPAIGN_CSV)

    with pytest.raises(CommandError, match="'sita' is not an active user allowed to import"):
        call_command("import_leads", str(path), "--as", "sita", "--no-progress")

    assert ImportJob.objects.count() == 0
    assert not Customer.objects.filter(phone="+919876543210").exists()


def test_names_with_quotes_tabs_and_backslashes_arrive_intact(world, cast):
    # On PostgreSQL the rows go in by COPY: its escaping must hold.
    name = 'Ravi "RK" Kumar\\Jr\tII'
    data = f'name,phone\n"{name.replace(chr(34), chr(34) * 2)}",9876543210\n'

    job = _import(data, actor=cast["supervisor"])

    assert job.created_count == 1
    assert Customer.objects.get(phone="+919876543210").name == name
    assert Lead.objects.get(customer__phone="+919876543210").created_at is not None


def test_back_office_lists_import_jobs_read_only(world, cast, client):
    job = _import(CAMPAIGN_CSV, actor=cast["supervisor"])
    client.force_login(cast["admin"])

    listing = client.get("/admin/leads/importjob/")
    page = client.get(f"/admin/leads/importjob/{job.pk}/change/")
    add = client.get("/admin/leads/importjob/add/")

    assert listing.status_code == 200 and "diwali-campaign.csv" in listing.content.decode()
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert add.status_code == 403
    assert ImportJob.objects.count() == 1


def test_a_file_that_is_not_really_xlsx_fails_with_the_reason(world, cast):
    customers, leads = Customer.objects.count(), Lead.objects.count()

    job = _import(CAMPAIGN_CSV, name="list.xlsx", actor=cast["supervisor"])

    assert job.status == ImportStatus.FAILED
    assert job.failure.startswith("The file could not be read as XLSX")
    assert (Customer.objects.count(), Lead.objects.count()) == (customers, leads)
    finish = AuditEvent.objects.get(action="lead_import.finish")
    assert finish.after["status"] == "failed"


@pytest.mark.parametrize("store", ["_store_batch", "_store_batch_sql"])
def test_a_fault_midway_marks_the_job_failed_and_a_rerun_finishes_it(
    world, cast, monkeypatch, store
):
    from orderdesk.leads import imports

    if store == "_store_batch_sql" and connection.vendor != "postgresql":
        pytest.skip("the set-based path is PostgreSQL's")
    set_based = store == "_store_batch_sql"
    real = getattr(imports, store)
    calls = []

    def flaky(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(*args)

    monkeypatch.setattr(imports, store, flaky)
    job = create_import_job(file_name="c.csv", data=CAMPAIGN_CSV.encode(), actor=cast["admin"])

    with pytest.raises(RuntimeError):
        run_import(job, batch_size=4, set_based=set_based)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.failure == "The import stopped after RuntimeError; run it again."
    assert _counts(job) == (4, 2, 1, 1, 2, 0)  # the first batch committed; the second did not
    monkeypatch.setattr(imports, store, real)
    again = _import(CAMPAIGN_CSV, name="c.csv", actor=cast["admin"], set_based=set_based)
    assert _counts(again) == (12, 1, 5, 6, 0, 1)  # the rest, nothing twice
    assert Lead.objects.filter(import_job__campaign="c").count() == 3


# --- The set-based path (PostgreSQL) gives exactly the row-by-row path's results -----------


def _generated_campaign(world, rows=400, seed=17) -> str:
    """Valid, invalid, duplicate-in-file, existing-customer, do-not-contact and blank-device
    rows, every phone shape (the fast path's and phonenumbers' own), and blank lines."""
    import random

    from orderdesk.catalog.models import Variant

    rng = random.Random(seed)
    devices = [
        f"{v.model.brand.name} {v.model.name} {v.name}"
        for v in Variant.objects.filter(active=True, model__active=True).select_related(
            "model__brand"
        )
    ] + ["iPhone 15", "Nokia 3310", "MacBook Air M2", "iphone 15 128gb", ""]
    existing = ["9812345678", "9811122233"]  # an open lead for a device; do-not-contact
    shapes = [
        lambda n: n,
        lambda n: f"{n[:5]} {n[5:]}",
        lambda n: f"+91-{n[:5]}-{n[5:]}",
        lambda n: f"0{n}",
        lambda n: f"91{n}",
        lambda n: f"+91{n}",
        lambda n: f"({n[:3]}) {n[3:6]}.{n[6:]}",  # phonenumbers' path
        lambda n: f"0091 {n}",
        lambda n: f"+91 0{n}",
        lambda n: n[:-2],  # too short
        lambda n: "1" + n[1:],  # not a mobile
        lambda n: "",
    ]
    numbers = existing + [f"{rng.choice('6789')}{rng.randrange(10**9):09d}" for _ in range(60)]
    lines = ["Name,Phone,Device,Source"]
    written: list[str] = []
    for i in range(rows):
        if written and rng.random() < 0.15:
            line = rng.choice(written)  # the same row again
        elif written and rng.random() < 0.1:
            name, phone, device, source = rng.choice(written).split(",")
            line = f"Other {i},{phone},{device},{rng.choice(['', 'referral'])}"
        elif rng.random() < 0.03:
            line = ",,,"  # blank: not a row
        else:
            name = "" if rng.random() < 0.04 else f"Person {i}"
            phone = rng.choice(shapes[:8] if rng.random() < 0.85 else shapes)(rng.choice(numbers))
            device = "" if rng.random() < 0.25 else rng.choice(devices)
            source = rng.choice(["", "", "", "referral", "Inbound call", "app", "newspaper"])
            line = f"{name},{phone},{device},{source}"
            written.append(line)
        lines.append(line)
    return "\n".join(lines) + "\n"


def _outcome(job: ImportJob) -> dict:
    job.refresh_from_db()
    finish = AuditEvent.objects.get(
        object_type="leads.importjob", object_id=str(job.pk), action="lead_import.finish"
    )
    return {
        "counts": _counts(job),
        "report": list(error_report_rows(job)),
        "customers": list(
            Customer.objects.order_by("pk").values_list("name", "phone", "do_not_contact")
        ),
        "leads": list(
            Lead.objects.order_by("pk").values_list(
                "customer__phone",
                "variant_id",
                "source",
                "priority",
                "status",
                "owner_id",
                "closed_for_sales",
                "import_key",
                "import_job__campaign",
            )
        ),
        "audit": sorted(
            AuditEvent.objects.filter(
                object_type="leads.importjob", object_id=str(job.pk)
            ).values_list("action", flat=True)
        ),
        "finish": finish.after,
        "lead_events": AuditEvent.objects.filter(object_type="leads.lead").count(),
    }


@pytest.mark.postgres
@pytest.mark.parametrize("batch_size", [7, 5_000])
def test_set_based_import_gives_exactly_the_row_by_row_results(world, cast, batch_size):
    from django.db import transaction

    if connection.vendor != "postgresql":
        pytest.skip("the set-based path is PostgreSQL's")
    # A closed lead: its customer has no open lead for the device, so a new campaign row makes one.
    Lead.objects.create(
        customer=world["existing"],
        source=LeadSource.CAMPAIGN,
        variant=world["v128"],
        status=LeadStatus.CLOSED,
        closed_for_sales=True,
        closed_reason="not_interested",
    )
    text = _generated_campaign(world)

    def run(set_based: bool) -> tuple[dict, dict]:
        job = create_import_job(file_name="generated.csv", data=text.encode(), actor=cast["admin"])
        first = _outcome(run_import(job, batch_size=batch_size, set_based=set_based))
        job = create_import_job(file_name="generated.csv", data=text.encode(), actor=cast["admin"])
        again = _outcome(run_import(job, batch_size=batch_size, set_based=set_based))
        return first, again

    with transaction.atomic():
        old, old_again = run(set_based=False)
        transaction.set_rollback(True)
    new, new_again = run(set_based=True)

    assert new["counts"][1] > 50 and new["counts"][3] > 10 and new["counts"][5] > 0
    assert new["report"] == old["report"] and len(new["report"]) > 10
    assert new == old
    assert new_again == old_again
    assert new_again["counts"][1] == new_again["counts"][4] == 0  # a re-run creates nothing
    assert new_again["customers"] == new["customers"]
    assert new_again["leads"] == new["leads"]


def test_fast_phone_path_agrees_with_normalise_phone():
    import random

    from orderdesk.core.errors import ValidationFailed
    from orderdesk.core.phones import fast_indian_mobile, normalise_phone

    rng = random.Random(3)
    shapes = [
        lambda n: n,
        lambda n: f"{n[:5]} {n[5:]}",
        lambda n: f"+91-{n[:5]}-{n[5:]}",
        lambda n: f"0{n}",
        lambda n: f"91{n}",
        lambda n: f"+91{n}",
        lambda n: f"9-1-{n}",
        lambda n: f"+-91{n}",
        lambda n: f"0091{n}",
        lambda n: n[:-1],
        lambda n: "٩" + n[1:],  # an Arabic-Indic digit: not the fast path's
    ]
    fast = 0
    for prefix in range(0, 10_000, 3):  # every 4-digit prefix range the patterns split on
        number = f"{prefix:04d}{rng.randrange(10**6):06d}"
        for shape in shapes:
            text = shape(number)
            got = fast_indian_mobile(text)
            if got is None:
                continue
            fast += 1
            try:
                expected = normalise_phone(text)
            except ValidationFailed:
                expected = None
            assert got == expected, text
    assert fast > 5_000
