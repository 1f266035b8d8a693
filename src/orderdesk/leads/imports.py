"""Lead imports: campaign lists (CSV or XLSX) into customers and leads (issue 10).

One code path for the console (an upload → ``leads.tasks.import_leads_task`` on the
``imports`` queue) and the command line (``orderdesk import_leads FILE``):
``create_import_job`` records the job (audited), ``run_import`` reads the rows.

The file: a header row, then one lead a row. Columns (case, spaces, ``_`` and ``-`` do not
matter; unknown columns are ignored):

- ``name`` (aliases: customer, customer name, full name) — required;
- ``phone`` (mobile, phone number, mobile number, contact, contact number, msisdn, number) —
  required, normalised to E.164 by ``core.phones.normalise_phone`` (any way Indians write it);
- ``device`` (model, device model, product) — optional: matched to an active catalog variant
  by "brand model variant" or "model variant" (``Apple iPhone 15 128 GB``, ``iphone 15
  128gb``), or by the model alone when it has one variant; left empty when blank;
- ``variant`` (storage, configuration) — optional, appended to ``device`` before matching;
- ``source`` (lead source) — optional: a lead source key or label (``campaign``,
  ``Inbound call``…); blank → the job's default source (``campaign`` unless given).

How a row ends (``run_import``), in this order:

1. **rejected** — missing name, bad phone, unknown or ambiguous device, unknown source: one
   ``ImportRowError`` per bad field (row number as the spreadsheet shows it: the header is
   row 1), and the row is skipped; the rest go on.
2. the customer is the one with that phone (created when new; an existing customer's name
   and preferences are left as they are);
3. **matched** — the row's *import key* (campaign, phone, device) is already on a lead, so
   the same campaign row never makes a second lead — not on a re-run, not when the file is
   edited and re-uploaded, not after its lead was closed; or the customer already has an open
   lead for the device (``create_lead``'s rule); or (D9) the customer is do-not-contact: the
   customer is matched but **no lead is created**, so nobody is queued to call them for sales;
4. **created** — a new, unowned lead (priority from the device, ``rules.lead_priority``),
   carrying its import key and job.

Speed: rows go in batches (``batch_size``, default 20,000), one transaction a batch, the
job's counters (the progress the console polls) updated once a batch. Phones go through
``core.phones.fast_indian_mobile`` (exactly ``normalise_phone``'s answer for the common
shapes, or None) before ``normalise_phone``. On PostgreSQL a batch is set-based
(``_store_batch_sql``): ``COPY`` into a temporary staging table, one ``INSERT … SELECT … ON
CONFLICT DO NOTHING`` for the new customers, one for the leads (counting created and
do-not-contact rows in the same statement). Elsewhere row by row (``_store_batch``): one
query for the batch's customers by phone, one insert for new customers, one query for the
import keys and one for the open leads, one insert for leads. Both: one insert for errors,
one ``UPDATE`` of the job's counters. An ``IntegrityError`` (another process created the same
customer or lead meanwhile) redoes the batch, which then matches those rows; on PostgreSQL
``ON CONFLICT`` already matches them.

Audit (S3): a bulk load writes no event per row (a million would bury the trail): one
``lead_import.create`` when the job is recorded (who, file name, SHA-256, campaign) and one
``lead_import.finish`` with the counts. Every imported lead points at its job
(``Lead.import_job``), so "who imported this lead" is one hop.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zipfile import BadZipFile

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from orderdesk.catalog.models import Variant
from orderdesk.core import audit
from orderdesk.core.errors import ValidationFailed
from orderdesk.core.phones import fast_indian_mobile, normalise_phone
from orderdesk.customers.models import Customer
from orderdesk.leads import rules
from orderdesk.leads.choices import ImportStatus, LeadSource
from orderdesk.leads.models import ImportJob, ImportRowError, Lead

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # ~700,000 rows; larger lists: `orderdesk import_leads`
BATCH_SIZE = 20_000  # rows a transaction; progress moves once a batch
LOOKUP_CHUNK = 900  # parameters per IN (...) query where the database caps them (SQLite)

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "customer", "customer name", "full name"),
    "phone": (
        "phone",
        "mobile",
        "phone number",
        "mobile number",
        "mobile no",
        "phone no",
        "contact",
        "contact number",
        "msisdn",
        "number",
    ),
    "device": ("device", "model", "device model", "product"),
    "variant": ("variant", "storage", "configuration"),
    "source": ("source", "lead source"),
}
REQUIRED_COLUMNS = ("name", "phone")
SOURCE_ALIASES = {
    "app": LeadSource.APP_QUOTE,
    "web": LeadSource.WEB_QUOTE,
    "website": LeadSource.WEB_QUOTE,
    "inbound": LeadSource.INBOUND_CALL,
    "callback": LeadSource.CALLBACK_REQUEST,
}
PHONE_REASONS = {
    "required": "A phone number is required.",
    "phone_invalid": "Not a valid mobile number (an Indian mobile has 10 digits starting 6-9).",
}


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", (text or "").strip().lower()).strip()


_HEADER_LOOKUP = {alias: column for column, names in HEADER_ALIASES.items() for alias in names}
_SOURCE_LOOKUP = {
    **{_squash(v): v for v in LeadSource.values},
    **{_squash(label): value for value, label in LeadSource.choices},
    **{_squash(k): v.value for k, v in SOURCE_ALIASES.items()},
}


def parse_source(raw: str, default: str) -> str | None:
    """A lead source key from a cell (key, label or alias); blank → ``default``; None: unknown."""
    text = (raw or "").strip()
    if not text:
        return default
    return _SOURCE_LOOKUP.get(_squash(text))


# --- Reading files ---------------------------------------------------------------------------


def file_format(file_name: str) -> str:
    fmt = FORMATS.get(Path(file_name).suffix.lower())
    if fmt is None:
        raise ValidationFailed(
            "The file must be a .csv or .xlsx spreadsheet.", code="file_format", field="file"
        )
    return fmt


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone typed into Excel is a number: 9876543210.0
    return str(value).strip()


def _csv_rows(stream) -> Iterator[list[str]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    first = text.readline()
    delimiter = max((",", ";", "\t"), key=first.count)
    yield from csv.reader(io.StringIO(first), delimiter=delimiter)
    yield from csv.reader(text, delimiter=delimiter)


def _xlsx_rows(stream) -> Iterator[list[str]]:
    import openpyxl

    book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    try:
        for values in book.active.iter_rows(values_only=True):
            yield [_cell(v) for v in values]
    finally:
        book.close()


def _open(job: ImportJob, path: str | Path | None):
    if path is not None:
        return open(path, "rb")  # the caller closes it (``with``)
    return io.BytesIO(bytes(job.content or b""))


def count_rows(job: ImportJob, path) -> int:
    """Data rows, for the progress bar (CSV: lines; XLSX: the sheet's dimension)."""
    with _open(job, path) as stream:
        if job.file_format == "xlsx":
            import openpyxl

            book = openpyxl.load_workbook(stream, read_only=True)
            rows = book.active.max_row or 0
            book.close()
            return max(rows - 1, 0)
        lines, last = 0, b"\n"
        while chunk := stream.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
        return max(lines + (last != b"\n") - 1, 0)


def sha256_of(data: bytes | None = None, path: str | Path | None = None) -> str:
    digest = hashlib.sha256()
    if path is not None:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    else:
        digest.update(data or b"")
    return digest.hexdigest()


# --- Matching devices -----------------------------------------------------------------------

AMBIGUOUS = -1


class DeviceIndex:
    """Active catalog variants by squashed name: "brand model variant", "model variant", and
    "brand model" / "model" for models with one active variant."""

    def __init__(self):
        self.variants: dict[str, int] = {}
        self.models: dict[str, list[str]] = {}
        self.high_end: dict[int, bool] = {}
        by_model: dict[str, list[tuple[int, str]]] = {}
        rows = Variant.objects.filter(active=True, model__active=True).values_list(
            "pk", "name", "model__name", "model__brand__name", "model__high_end"
        )
        for pk, variant, model, brand, high_end in rows:
            self.high_end[pk] = high_end
            for key in (_squash(f"{brand} {model} {variant}"), _squash(f"{model} {variant}")):
                self._add(self.variants, key, pk)
            for key in {_squash(f"{brand} {model}"), _squash(model)}:
                by_model.setdefault(key, []).append((pk, variant))
        self.single = {k: v[0][0] for k, v in by_model.items() if len(v) == 1}
        self.models = {k: sorted(name for _, name in v) for k, v in by_model.items()}
        self._cache: dict[str, tuple[int | None, str, str]] = {}
        self._by_text: dict[str, tuple[int | None, str, str]] = {}

    @staticmethod
    def _add(table: dict, key: str, pk: int) -> None:
        table[key] = pk if table.get(key, pk) == pk else AMBIGUOUS

    def match(self, text: str) -> tuple[int | None, str, str]:
        """(variant id, error code, reason): id None with no code for a blank device."""
        found = self._by_text.get(text)
        if found is None:
            found = self._match_text(text)
            if len(self._by_text) < 100_000:  # a file of unique typos must not eat memory
                self._by_text[text] = found
        return found

    def _match_text(self, text: str) -> tuple[int | None, str, str]:
        key = _squash(text)
        if not key:
            return None, "", ""
        if key not in self._cache:
            self._cache[key] = self._match(key, text)
        return self._cache[key]

    def _match(self, key: str, text: str) -> tuple[int | None, str, str]:
        pk = self.variants.get(key)
        if pk is None:
            pk = self.single.get(key)
        if pk == AMBIGUOUS:
            return None, "device_ambiguous", f"{text!r} matches more than one catalog device."
        if pk is not None:
            return pk, "", ""
        if key in self.models:
            names = ", ".join(self.models[key])
            return None, "device_ambiguous", f"{text!r}: name the variant ({names})."
        return None, "device_unknown", f"{text!r} is not a device in the catalog."


# --- The job --------------------------------------------------------------------------------


def create_import_job(
    *,
    file_name: str,
    data: bytes | None = None,
    path: str | Path | None = None,
    campaign: str = "",
    default_source: str = LeadSource.CAMPAIGN,
    actor=None,
    via: str = "console",
) -> ImportJob:
    """Record an import (audited ``lead_import.create``); the rows are read by ``run_import``.

    ``data`` (an upload, kept on the job for the worker) or ``path`` (the command line reads
    the file itself). ``campaign`` defaults to the file's name without its extension: rows are
    keyed by campaign, so an edited file re-uploaded under the same name matches its rows.
    """
    fmt = file_format(file_name)
    if default_source not in LeadSource.values:
        raise ValidationFailed(
            f"Unknown lead source {default_source!r}; one of {', '.join(LeadSource.values)}.",
            code="source_unknown",
            field="source",
        )
    size = len(data or b"") if path is None else Path(path).stat().st_size
    if size == 0:
        raise ValidationFailed("The file is empty.", code="file_empty", field="file")
    if path is None and size > MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; "
            "split it or use `orderdesk import_leads`.",
            code="file_too_large",
            field="file",
        )
    name = Path(file_name).name[:200]
    campaign = (campaign or "").strip()[:100] or Path(name).stem[:100]
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            via=via,
            file_name=name,
            file_sha256=sha256_of(data, path),
            file_format=fmt,
            content=data if path is None else None,
            campaign=campaign,
            default_source=default_source,
        )
        audit.record(
            "lead_import.create",
            job,
            after={
                "file_name": job.file_name,
                "sha256": job.file_sha256,
                "bytes": size,
                "campaign": campaign,
                "default_source": default_source,
            },
            actor=actor,
        )
    return job


def previous_import_of_same_file(job: ImportJob) -> ImportJob | None:
    """An earlier finished import of the very same bytes (the console says so)."""
    return (
        ImportJob.objects.filter(file_sha256=job.file_sha256, status=ImportStatus.DONE)
        .exclude(pk=job.pk)
        .filter(created_at__lte=job.created_at)
        .order_by("-created_at")
        .first()
    )


@dataclass
class Row:
    number: int
    name: str
    phone: str
    variant_id: int | None
    source: str


@dataclass
class Counts:
    rows: int = 0
    created: int = 0
    matched: int = 0
    rejected: int = 0
    customers_created: int = 0
    do_not_contact: int = 0
    errors: list[ImportRowError] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        for name in ("rows", "created", "matched", "rejected", "customers_created"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.do_not_contact += other.do_not_contact


def import_key(campaign: str, phone: str, variant_id: int | None) -> str:
    raw = f"{campaign}\x1f{phone}\x1f{variant_id or ''}".encode()
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


class _Refused(Exception):
    """The file itself is unusable (no header, a required column missing)."""


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        column = _HEADER_LOOKUP.get(_header_key(text))
        if column and column not in columns:
            columns[column] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise _Refused(
            f"The header row has no {' or '.join(missing)} column "
            f"(expected columns: name, phone, device, source)."
        )
    return columns


def _parse(number: int, cells: list[str], columns, devices: DeviceIndex, job, errors) -> Row | None:
    def cell(column: str) -> str:
        index = columns.get(column)
        return (cells[index] or "").strip() if index is not None and index < len(cells) else ""

    bad = []
    name = cell("name")
    if not name:
        bad.append(("name", "required", "The customer's name is required."))
    raw_phone = cell("phone")
    phone = fast_indian_mobile(raw_phone) or ""
    if not phone:
        try:
            phone = normalise_phone(raw_phone)
        except ValidationFailed as exc:
            bad.append(("phone", exc.code, PHONE_REASONS.get(exc.code, exc.message)))
    device = " ".join(p for p in (cell("device"), cell("variant")) if p)
    variant_id, code, reason = devices.match(device)
    if code:
        bad.append(("device", code, reason))
    source = parse_source(cell("source"), job.default_source)
    if source is None:
        bad.append(
            (
                "source",
                "source_unknown",
                f"{cell('source')!r} is not a lead source (one of {', '.join(LeadSource.values)}).",
            )
        )
    if bad:
        errors.extend(
            ImportRowError(job=job, row=number, field=f, code=c, reason=r[:300]) for f, c, r in bad
        )
        return None
    return Row(number, name[:120], phone, variant_id, source)


def _chunks(items: list, size: int | None = None) -> Iterator[list]:
    """The batch's look-up values, as few IN (...) lists as the database allows: one on
    PostgreSQL (the planner hashes a long list; six short ones cost six scans)."""
    if size is None:
        size = LOOKUP_CHUNK if connection.features.max_query_params else len(items) or 1
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _insert(model, rows: list[dict]) -> None:
    """Insert ``rows`` (attname → value; every other column takes the model's default).

    On PostgreSQL a ``COPY … FROM STDIN``: the batch streams in one command, and no model
    instance is built per row (building 5,000 instances costs more than the database work).
    Every concrete column is sent, from one instance made per call for the defaults, so a
    column added to the model later is sent too; ``auto_now`` stamps are the batch's time.
    Elsewhere ``bulk_create``. No ids come back: the caller reads them if it needs them.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=2_000)
        return
    now = timezone.now()
    template = model(**rows[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = [
        now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else getattr(template, f.attname)
        for f in fields
    ]
    attnames = [f.attname for f in fields]
    varying = [(i, a) for i, a in enumerate(attnames) if a in rows[0]]
    quote = connection.ops.quote_name
    sql = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        "FROM STDIN"
    )
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            values = defaults.copy()
            for i, a in varying:
                values[i] = row[a]
            copy.write_row(values)


def _store_batch(job: ImportJob, rows: list[Row], devices: DeviceIndex) -> Counts:
    """Steps 2-4 for one batch of valid rows, inside the caller's transaction."""
    counts = Counts()
    phones = list(dict.fromkeys(r.phone for r in rows))
    customers: dict[str, tuple[int, bool]] = {}
    for chunk in _chunks(phones):
        for pk, phone, dnc in Customer.objects.filter(phone__in=chunk).values_list(
            "pk", "phone", "do_not_contact"
        ):
            customers[phone] = (pk, dnc)
    known_ids = [pk for pk, _ in customers.values()]
    names = {}
    for r in rows:
        if r.phone not in customers:
            names.setdefault(r.phone, r.name)
    if names:
        _insert(Customer, [{"name": n, "phone": p} for p, n in names.items()])
        counts.customers_created = len(names)
        for chunk in _chunks(list(names)):
            for pk, phone in Customer.objects.filter(phone__in=chunk).values_list("pk", "phone"):
                customers[phone] = (pk, False)

    keyed = [(r, import_key(job.campaign, r.phone, r.variant_id)) for r in rows]
    taken: set[str] = set()
    for chunk in _chunks([k for _, k in keyed]):
        taken.update(Lead.objects.filter(import_key__in=chunk).values_list("import_key", flat=True))
    open_leads: set[tuple[int, int | None]] = set()
    for chunk in _chunks(known_ids):
        open_leads.update(
            Lead.objects.filter(customer_id__in=chunk, closed_for_sales=False).values_list(
                "customer_id", "variant_id"
            )
        )
    new_leads = []
    for r, key in keyed:
        customer_id, dnc = customers[r.phone]
        if key in taken or (customer_id, r.variant_id) in open_leads:
            counts.matched += 1
            continue
        if dnc:  # D9: matched, never queued for sales calls
            counts.matched += 1
            counts.do_not_contact += 1
            continue
        high_end = bool(r.variant_id and devices.high_end.get(r.variant_id))
        new_leads.append(
            {
                "customer_id": customer_id,
                "source": r.source,
                "variant_id": r.variant_id,
                "priority": rules.lead_priority(high_end=high_end),
                "import_key": key,
                "import_job_id": job.pk,
            }
        )
        taken.add(key)
        open_leads.add((customer_id, r.variant_id))
    _insert(Lead, new_leads)
    counts.created = len(new_leads)
    return counts


STAGE_TABLE = "orderdesk_lead_import_stage"


def _column_defaults(model, skip: set[str], now) -> list[tuple[str, str, object]]:
    """(column, SQL type, value) of every concrete column but the primary key and ``skip``:
    the model's defaults (one instance, as ``_insert``), ``auto_now`` stamps ``now``."""
    template = model()
    out = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in skip:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:
            value = f.get_db_prep_save(getattr(template, f.attname), connection)
        out.append((f.column, f.db_type(connection), value))
    return out


def _store_batch_sql(job: ImportJob, rows: list[Row], devices: DeviceIndex) -> Counts:
    """``_store_batch``'s outcome with set-based SQL (PostgreSQL), inside the caller's
    transaction: the batch's valid rows are copied into a temporary staging table, then one
    ``INSERT … SELECT … ON CONFLICT DO NOTHING`` makes the new customers and one makes the
    leads, counting created / do-not-contact rows in the same statement.

    Equivalence with the row-by-row rules: a row's import key is a function of (campaign,
    phone, device), and a phone is one customer, so within a batch the rows that share a key
    are exactly the rows that share (customer, device). The first of them (file order) is
    created when its key is on no lead, its customer has no open lead for the device and is
    not do-not-contact; every later one is matched (by the lead the first made, or, for a
    do-not-contact customer, as do-not-contact again). A new customer takes the first row's
    name. Customers and leads are inserted in file order, so ids run as before.
    """
    counts = Counts()
    if not rows:
        return counts
    now = timezone.now()
    quote = connection.ops.quote_name
    priorities: dict[int | None, int] = {}
    campaign = job.campaign
    with connection.cursor() as cursor:
        # For this transaction: a batch is a few thousand staged rows against tables of
        # millions, so index probes (nested loops) win; the planner's statistics of the
        # tables this import grows lag behind it and would pick hash joins that read the
        # whole customer and lead tables every batch. No JIT for statements this short.
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE_TABLE} (line integer, name text, "
            "phone text, variant_id bigint, source text, priority smallint, import_key text)"
        )
        cursor.execute(f"TRUNCATE {STAGE_TABLE}")
        with cursor.copy(
            f"COPY {STAGE_TABLE} (line, name, phone, variant_id, source, priority, import_key) "
            "FROM STDIN"
        ) as copy:
            for r in rows:
                priority = priorities.get(r.variant_id)
                if priority is None:
                    high_end = bool(r.variant_id and devices.high_end.get(r.variant_id))
                    priority = priorities[r.variant_id] = rules.lead_priority(high_end=high_end)
                copy.write_row(
                    (
                        r.number,
                        r.name,
                        r.phone,
                        r.variant_id,
                        r.source,
                        priority,
                        import_key(campaign, r.phone, r.variant_id),
                    )
                )

        customer = Customer._meta.db_table
        defaults = _column_defaults(Customer, {"name", "phone"}, now)
        cursor.execute(
            f"INSERT INTO {quote(customer)} (name, phone"  # noqa: S608 (model tables)
            + "".join(f", {quote(c)}" for c, _, _ in defaults)
            + ") SELECT n.name, n.phone"
            + "".join(f", %s::{t}" for _, t, _ in defaults)
            + f" FROM (SELECT DISTINCT ON (s.phone) s.line, s.name, s.phone FROM {STAGE_TABLE} s"  # noqa: S608
            f" WHERE NOT EXISTS (SELECT 1 FROM {quote(customer)} c WHERE c.phone = s.phone)"
            " ORDER BY s.phone, s.line) n ORDER BY n.line ON CONFLICT (phone) DO NOTHING",
            [v for _, _, v in defaults],
        )
        counts.customers_created = max(cursor.rowcount, 0)

        lead = quote(Lead._meta.db_table)
        varying = ["customer_id", "source", "variant_id", "priority", "import_key", "import_job_id"]
        defaults = _column_defaults(Lead, set(varying), now)
        cursor.execute(
            "WITH r AS ("  # noqa: S608 (model tables)
            " SELECT s.line, s.phone, s.variant_id, s.source, s.priority, s.import_key,"
            " c.id AS customer_id, c.do_not_contact AS dnc,"
            " t.id IS NOT NULL AS taken,"
            f" EXISTS (SELECT 1 FROM {lead} l WHERE l.customer_id = c.id"
            " AND NOT l.closed_for_sales AND l.variant_id IS NOT DISTINCT FROM s.variant_id)"
            " AS open"
            f" FROM {STAGE_TABLE} s JOIN {quote(customer)} c ON c.phone = s.phone"
            f" LEFT JOIN {lead} t ON t.import_key = s.import_key"
            "), ins AS ("
            f" INSERT INTO {lead} ("
            + ", ".join(quote(Lead._meta.get_field(a.removesuffix("_id")).column) for a in varying)
            + "".join(f", {quote(c)}" for c, _, _ in defaults)
            + ") SELECT n.customer_id, n.source, n.variant_id, n.priority, n.import_key, %s"
            + "".join(f", %s::{t}" for _, t, _ in defaults)
            + " FROM (SELECT DISTINCT ON (r.phone, r.variant_id) * FROM r"
            " WHERE NOT r.taken AND NOT r.open AND NOT r.dnc"
            " ORDER BY r.phone, r.variant_id, r.line) n ORDER BY n.line"
            " ON CONFLICT (import_key) DO NOTHING RETURNING 1"
            ") SELECT (SELECT count(*) FROM ins),"
            " (SELECT count(*) FROM r WHERE r.dnc AND NOT r.taken AND NOT r.open),"
            " (SELECT count(*) FROM r)",
            [job.pk, *(v for _, _, v in defaults)],
        )
        created, do_not_contact, joined = cursor.fetchone()
    if joined != len(rows):  # every staged row has its customer by now
        raise IntegrityError(f"{len(rows) - joined} staged rows found no customer; redo")
    counts.created = created
    counts.do_not_contact = do_not_contact
    counts.matched = len(rows) - created
    return counts


def _commit_batch(job, number_of_rows, rows, errors, devices, set_based=False) -> Counts:
    for attempt in range(3):
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # For this transaction only: the default random_page_cost (4, for spinning
                    # disks) has the planner scan the whole, growing customer table for a
                    # batch's 5,000 phones instead of using the unique index.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL random_page_cost = 1.1")
                store = _store_batch_sql if set_based else _store_batch
                counts = store(job, rows, devices)
                counts.rows = number_of_rows
                counts.rejected = len({e.row for e in errors})
                ImportRowError.objects.bulk_create(errors, batch_size=2_000)
                ImportJob.objects.filter(pk=job.pk).update(
                    rows_done=F("rows_done") + counts.rows,
                    created_count=F("created_count") + counts.created,
                    matched_count=F("matched_count") + counts.matched,
                    rejected_count=F("rejected_count") + counts.rejected,
                    customers_created=F("customers_created") + counts.customers_created,
                    do_not_contact_count=F("do_not_contact_count") + counts.do_not_contact,
                    updated_at=timezone.now(),
                )
                return counts
        except IntegrityError:
            # Another process created one of these customers or leads meanwhile: the batch
            # rolled back whole; redone, those rows are matched.
            if attempt == 2:
                raise
            for e in errors:
                e.pk = None
    raise AssertionError("unreachable")


def run_import(
    job: ImportJob,
    *,
    path: str | Path | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    set_based: bool | None = None,
) -> ImportJob:
    """Read the job's rows (steps in the module docstring) and record the outcome.

    1. Claim the job (queued → running, a conditional UPDATE: a task delivered twice runs once).
    2. Count the rows for the progress bar; read the header (a file without ``name`` and
       ``phone`` columns fails the job with the reason, nothing imported).
    3. Batches of ``batch_size`` rows, one transaction each (``_commit_batch``).
    4. Mark it done, drop the stored upload, audit ``lead_import.finish`` with the counts.
    """
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    if set_based is None:
        set_based = connection.vendor == "postgresql"
    total = Counts()
    failure = ""
    try:
        rows_total = count_rows(job, path)
        ImportJob.objects.filter(pk=job.pk).update(rows_total=rows_total)
        devices = DeviceIndex()
        with _open(job, path) as stream:
            reader = _xlsx_rows(stream) if job.file_format == "xlsx" else _csv_rows(stream)
            header = next(reader, None)
            if not header or not any(header):
                raise _Refused("The file has no header row.")
            columns = _columns(header)
            batch: list[Row] = []
            errors: list[ImportRowError] = []
            seen = 0
            for number, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells if c):
                    continue  # a blank line is not a row
                seen += 1
                row = _parse(number, cells, columns, devices, job, errors)
                if row is not None:
                    batch.append(row)
                if seen >= batch_size:
                    total.add(_commit_batch(job, seen, batch, errors, devices, set_based))
                    if progress:
                        progress(seen)
                    batch, errors, seen = [], [], 0
            if seen:
                total.add(_commit_batch(job, seen, batch, errors, devices, set_based))
                if progress:
                    progress(seen)
    except _Refused as exc:
        failure = str(exc)
    except (UnicodeDecodeError, csv.Error, OSError, ValueError, KeyError, BadZipFile) as exc:
        # openpyxl raises these for a file that is not really XLSX; CSV for bad bytes.
        failure = f"The file could not be read as {job.file_format.upper()}: {exc}"[:300]
    except Exception as exc:
        # Anything else is a fault of ours or of the database: the job says it stopped (the
        # batches committed so far stay; a re-run matches them), and the error propagates
        # to the worker's log.
        _finish(job, f"The import stopped after {exc.__class__.__name__}; run it again.")
        raise
    return _finish(job, failure)


def _finish(job: ImportJob, failure: str) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        job.status = ImportStatus.FAILED if failure else ImportStatus.DONE
        job.failure = failure
        job.finished_at = timezone.now()
        job.content = None
        if not failure:
            job.rows_total = job.rows_done
        job.save()
        audit.record(
            "lead_import.finish",
            job,
            after={
                "status": job.status,
                "failure": failure,
                "rows": job.rows_done,
                "created": job.created_count,
                "matched": job.matched_count,
                "rejected": job.rejected_count,
                "customers_created": job.customers_created,
                "do_not_contact": job.do_not_contact_count,
            },
            actor=job.created_by,
        )
    return job


ERROR_REPORT_HEADER = ["row", "field", "code", "reason"]


def error_report_rows(job: ImportJob) -> Iterator[list]:
    """The rejected rows as CSV rows (header first), in row order."""
    yield ERROR_REPORT_HEADER
    for row in (
        ImportRowError.objects.filter(job=job)
        .order_by("row", "id")
        .values_list("row", "field", "code", "reason")
        .iterator(chunk_size=2_000)
    ):
        yield list(row)
