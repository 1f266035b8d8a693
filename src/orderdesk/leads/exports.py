"""CSV export of leads for supervisors (S2: phones masked; audited by ``core.exports``)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from orderdesk.catalog.rules import model_display
from orderdesk.core.exports import CHUNK, ExportFilters, ist_text
from orderdesk.core.phones import mask_phone
from orderdesk.leads.choices import LeadStatus
from orderdesk.leads.models import Lead

STATUSES = LeadStatus.values
HEADER = [
    "lead",
    "created_at_ist",
    "customer",
    "phone_masked",
    "source",
    "device",
    "status",
    "priority",
    "owner",
    "team",
    "last_contact_at_ist",
    "closed_reason",
    "order_number",
    "import_job",
]
_COLUMNS = (
    "pk",
    "created_at",
    "customer__name",
    "customer__phone",
    "source",
    "variant__model__brand__name",
    "variant__model__name",
    "variant__name",
    "status",
    "priority",
    "owner__username",
    "owner__team__name",
    "last_contact_at",
    "closed_reason",
    "order_number",
    "import_job_id",
)


def leads_for_export(filters: ExportFilters) -> QuerySet[Lead]:
    """Leads created in the date range (IST), by status, the owner's team, the owner."""
    qs = Lead.objects.filter(**filters.created_range())
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.team:
        qs = qs.filter(owner__team_id=filters.team)
    if filters.agent:
        qs = qs.filter(owner_id=filters.agent)
    return qs.order_by("pk")


def lead_rows(qs: QuerySet[Lead]) -> Iterator[list]:
    for (
        pk,
        created,
        name,
        phone,
        source,
        brand,
        model,
        variant,
        status,
        priority,
        owner,
        team,
        last_contact,
        closed_reason,
        order_number,
        job,
    ) in qs.values_list(*_COLUMNS).iterator(chunk_size=CHUNK):
        yield [
            pk,
            ist_text(created),
            name,
            mask_phone(phone),
            source,
            f"{model_display(brand, model)} {variant}" if variant else "",
            status,
            "high" if priority >= 20 else "normal",
            owner or "",
            team or "",
            ist_text(last_contact),
            closed_reason,
            order_number,
            job or "",
        ]
