"""``orderdesk import_leads FILE``: a campaign list (CSV or XLSX) into leads, with a progress
bar. The same code as the console's upload (``leads.imports``); see ``docs/imports.md``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from orderdesk.accounts.models import User
from orderdesk.accounts.permissions import Perm, has_perm
from orderdesk.core.context import acting_as
from orderdesk.core.errors import DomainError
from orderdesk.core.exports import csv_writer
from orderdesk.leads.choices import ImportStatus, LeadSource
from orderdesk.leads.imports import (
    BATCH_SIZE,
    count_rows,
    create_import_job,
    error_report_rows,
    run_import,
)


class Command(BaseCommand):
    help = "Import a campaign list (CSV or XLSX: name, phone, device, source) into leads."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx file with a header row")
        parser.add_argument(
            "--source",
            default=LeadSource.CAMPAIGN,
            choices=LeadSource.values,
            help="lead source for rows without one (default: campaign)",
        )
        parser.add_argument(
            "--campaign", default="", help="rows are keyed by campaign (default: the file name)"
        )
        parser.add_argument(
            "--as",
            dest="username",
            default="",
            help="the supervisor or admin the import is audited as (default: system)",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--errors", default="", help="write the error report to this CSV")
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args, file, source, campaign, username, batch_size, errors, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        actor = None
        if username:
            actor = User.objects.filter(username=username, is_active=True).first()
            if actor is None or not has_perm(actor, Perm.LEADS_IMPORT):
                raise CommandError(f"{username!r} is not an active user allowed to import leads")
        with acting_as(actor, via="cli"):
            try:
                job = create_import_job(
                    file_name=path.name,
                    path=path,
                    campaign=campaign,
                    default_source=source,
                    actor=actor,
                    via="cli",
                )
            except DomainError as exc:
                raise CommandError(exc.message) from exc

            bar = tqdm(
                total=count_rows(job, path),
                unit="row",
                unit_scale=True,
                disable=options["no_progress"],
                smoothing=0.1,
            )
            job = run_import(job, path=path, batch_size=batch_size, progress=bar.update)
            bar.close()
        if errors:
            with open(errors, "w", newline="", encoding="utf-8") as out:
                csv_writer(out).writerows(error_report_rows(job))
        if job.status == ImportStatus.FAILED:
            raise CommandError(f"import #{job.pk} failed: {job.failure}")
        self.stdout.write(
            f"import #{job.pk}: {job.rows_done} rows — {job.created_count} created, "
            f"{job.matched_count} matched ({job.do_not_contact_count} do-not-contact, "
            f"no lead), {job.rejected_count} rejected; {job.customers_created} new customers"
        )
