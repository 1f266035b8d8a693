"""The /api/v1 surface (SPEC §11): one router per domain, bearer auth, problem+json errors."""

import copy

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


class OrderdeskAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document is built once per process.

    The routes are fixed at import time, so the document cannot change while the process
    lives; building it walks every operation's schemas (about half a second, seconds on a
    loaded machine) on each request of /openapi.json or /docs. Callers get their own copy.
    """

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        cache = self.__dict__.setdefault("_openapi_documents", {})
        if key not in cache:
            cache[key] = super().get_openapi_schema(
                path_prefix=path_prefix, path_params=path_params
            )
        return copy.deepcopy(cache[key])


api = OrderdeskAPI(
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
