"""The export commands' shared runner (``export_orders``, ``export_leads``): the user's
permission (accounts) over the CSV machinery of ``core.exports``."""

from __future__ import annotations

from django.core.management.base import CommandError

from orderdesk.accounts.models import User
from orderdesk.accounts.permissions import Perm, has_perm
from orderdesk.core.context import acting_as
from orderdesk.core.errors import DomainError
from orderdesk.core.exports import ExportFilters, csv_lines, record_export


def run_export_command(command, kind: str, module, queryset, rows, options) -> None:
    """Check the user, parse the filters, audit, then stream the rows to ``--out``."""
    actor = User.objects.filter(username=options["username"], is_active=True).first()
    if actor is None or not has_perm(actor, Perm.DATA_EXPORT):
        raise CommandError(f"{options['username']!r} is not an active user allowed to export")
    try:
        filters = ExportFilters.parse(options, statuses=module.STATUSES)
    except DomainError as exc:
        raise CommandError("; ".join(f"{e.field}: {e.message}" for e in exc.errors)) from exc
    qs = queryset(filters)
    with acting_as(actor, via="cli"):
        event = record_export(kind, actor=actor, filters=filters, rows=qs.count(), door="cli")
    to_stdout = options["out"] == "-"
    out = command.stdout if to_stdout else open(options["out"], "w", encoding="utf-8", newline="")  # noqa: SIM115
    try:
        for line in csv_lines(module.HEADER, rows(qs)):
            out.write(line, ending="") if to_stdout else out.write(line)
    finally:
        if not to_stdout:
            out.close()
    command.stderr.write(f"{event.after['rows']} {kind} exported (audit event #{event.pk})")
