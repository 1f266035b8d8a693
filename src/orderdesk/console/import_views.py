"""Console pages for lead imports and CSV exports (issue 10; SPEC S2, S3).

Imports (``leads.import``: supervisors and admins): upload a CSV/XLSX campaign list →
``leads.imports.create_import_job`` → ``leads.tasks.import_leads_task`` on the ``imports``
queue once the job is committed → the job page, whose progress fragment HTMX polls every
second until the job ends; the error report downloads as CSV.

Exports (``data.export``: supervisors): leads and orders as CSV, filtered by IST date
range, status, team and agent, phones and payment details masked, streamed, and audited
(who, filters, row count) before the first row is sent.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import islice

from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from orderdesk.accounts.models import Team, User
from orderdesk.accounts.permissions import Perm, requires
from orderdesk.console.wording import said
from orderdesk.core.errors import DomainError, ValidationFailed
from orderdesk.core.exports import ExportFilters, csv_lines, record_export
from orderdesk.leads import exports as lead_exports
from orderdesk.leads import imports
from orderdesk.leads.choices import LeadSource, LeadStatus
from orderdesk.leads.models import ImportJob
from orderdesk.leads.tasks import import_leads_task
from orderdesk.orders import exports as order_exports
from orderdesk.orders.choices import OrderStatus


def _errors(exc: DomainError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    for error in exc.errors:
        errors[error.field or "form"].append(said(error))
    return dict(errors)


@requires(Perm.LEADS_IMPORT)
def import_list(request):
    """The upload form and the latest imports."""
    form = {"campaign": "", "source": LeadSource.CAMPAIGN}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        form = {
            "campaign": (request.POST.get("campaign") or "").strip(),
            "source": request.POST.get("source") or LeadSource.CAMPAIGN,
        }
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationFailed(
                    "Choose a .csv or .xlsx file.", code="required", field="file"
                )
            if upload.size > imports.MAX_UPLOAD_BYTES:
                raise ValidationFailed(
                    "The file is larger than 50 MB; split it or use `orderdesk import_leads`.",
                    code="file_too_large",
                    field="file",
                )
            imports.file_format(upload.name)  # refuse a .txt before reading it
            with transaction.atomic():
                job = imports.create_import_job(
                    file_name=upload.name,
                    data=upload.read(),
                    campaign=form["campaign"],
                    default_source=form["source"],
                    actor=request.user,
                    via="console",
                )
                transaction.on_commit(lambda: _enqueue(job.pk))
        except DomainError as exc:
            errors, status = _errors(exc), 422
        else:
            return redirect("console:import_detail", job_id=job.pk)
    context = {
        "form": form,
        "errors": errors,
        "sources": LeadSource.choices,
        "jobs": ImportJob.objects.select_related("created_by").defer("content")[:25],
        "aliases": imports.HEADER_ALIASES,
    }
    return TemplateResponse(request, "console/imports/list.html", context, status=status)


def _enqueue(job_id: int) -> None:
    import_leads_task.enqueue(job_id)


def _job(job_id: int) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.select_related("created_by").defer("content"), pk=job_id
    )


@require_GET
@requires(Perm.LEADS_IMPORT)
def import_detail(request, job_id: int):
    job = _job(job_id)
    context = {"job": job, "same_file": imports.previous_import_of_same_file(job)}
    return TemplateResponse(request, "console/imports/detail.html", context)


@require_GET
@requires(Perm.LEADS_IMPORT)
def import_progress(request, job_id: int):
    """The progress fragment HTMX polls (``hx-trigger="every 1s"`` while the job runs)."""
    return TemplateResponse(request, "console/imports/_progress.html", {"job": _job(job_id)})


@require_GET
@requires(Perm.LEADS_IMPORT)
def import_errors_csv(request, job_id: int):
    job = _job(job_id)
    response = StreamingHttpResponse(
        csv_lines(imports.ERROR_REPORT_HEADER, islice(imports.error_report_rows(job), 1, None)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


# --- Exports ----------------------------------------------------------------------------------


@require_GET
@requires(Perm.DATA_EXPORT)
def export_page(request):
    context = {
        "teams": Team.objects.order_by("name"),
        "agents": User.objects.filter(is_active=True, role__in=["sales", "cx"]).order_by(
            "username"
        ),
        "lead_statuses": LeadStatus.choices,
        "order_statuses": OrderStatus.choices,
        "errors": {},
        "today": timezone.localdate(),
    }
    return TemplateResponse(request, "console/exports/page.html", context)


def _export(request, kind: str, module, queryset, rows, header):
    try:
        filters = ExportFilters.parse(request.GET, statuses=module.STATUSES)
    except ValidationFailed as exc:
        context = {
            "teams": Team.objects.order_by("name"),
            "agents": User.objects.filter(is_active=True, role__in=["sales", "cx"]),
            "lead_statuses": LeadStatus.choices,
            "order_statuses": OrderStatus.choices,
            "errors": {kind: _errors(exc)},
            "filters": {kind: request.GET},
        }
        return TemplateResponse(request, "console/exports/page.html", context, status=422)
    qs = queryset(filters)
    record_export(kind, actor=request.user, filters=filters, rows=qs.count(), door="console")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        csv_lines(header, rows(qs)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-{stamp}.csv"'
    return response


@require_GET
@requires(Perm.DATA_EXPORT)
def export_leads(request):
    return _export(
        request,
        "leads",
        lead_exports,
        lead_exports.leads_for_export,
        lead_exports.lead_rows,
        lead_exports.HEADER,
    )


@require_GET
@requires(Perm.DATA_EXPORT)
def export_orders(request):
    return _export(
        request,
        "orders",
        order_exports,
        order_exports.orders_for_export,
        order_exports.order_rows,
        order_exports.HEADER,
    )
