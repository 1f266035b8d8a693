"""The /api/v1 surface (SPEC §11): one router per domain, bearer auth, problem+json errors."""

from ninja import NinjaAPI

from orderdesk.api import errors
from orderdesk.api.auth import bearer
from orderdesk.api.renderers import OrjsonRenderer
from orderdesk.api.routers import (
    auth,
    catalog,
    customers,
    health,
    leads,
    me,
    messages,
    orders,
    tickets,
)
from orderdesk.core import problem_codes

api = NinjaAPI(
    title="orderdesk API",
    version="1",
    description=(
        "The API the customer app, vendors and dialers integrate with. "
        "Every error is RFC 9457 problem+json with stable rule codes: `code` and each "
        "`errors[].code` is one of these (never renamed; docs/problem-codes.md).\n\n"
        + problem_codes.markdown_table()
    ),
    urls_namespace="api-v1",
    auth=bearer,
    renderer=OrjsonRenderer(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)

api.add_router("", health.router)
api.add_router("", auth.router)
api.add_router("", me.router)
api.add_router("", catalog.router)
api.add_router("", customers.router)
api.add_router("", leads.router)
api.add_router("", orders.router)
api.add_router("", "orderdesk.api.routers.order_lifecycle.router")  # O1-O5: the order's life
api.add_router("", tickets.router)
api.add_router("", messages.router)
api.add_router("", "orderdesk.api.routers.kpis.router")  # SPEC §7 KPIs (supervisors)
