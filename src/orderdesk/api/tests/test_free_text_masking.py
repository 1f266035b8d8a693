# ruff: noqa: F811  (the shared fixtures are imported from test_lifecycle_support and used as arguments)
"""Issue 21 finding 7 (the API clients' part): a note typed by staff comes back masked to the
vendor and the customer app; staff read it as written."""

from __future__ import annotations

from orderdesk.orders.tests.conftest import order_request  # noqa: F401  (fixture)
from orderdesk.orders.tests.test_lifecycle_support import (  # noqa: F401  (fixtures)
    new_order,
    quickpick_client,
)

NOTE = "Customer asked to call 98111 22233, pay asha.rao@okaxis or a/c 123456789012"


def test_s2_the_vendor_reads_transition_notes_masked_staff_in_full(
    api, cast, new_order, quickpick_client
):
    order = new_order()
    ops, vendor = api(cast["ops"]), api(quickpick_client)
    assigned = ops.post(
        f"/api/v1/orders/{order.number}/transitions",
        {"to": "vendor_assigned", "notes": NOTE},
        content_type="application/json",
    )
    assert assigned.status_code == 200, assigned.content

    seen_by_vendor = vendor.get(f"/api/v1/orders/{order.number}/history")
    seen_by_ops = ops.get(f"/api/v1/orders/{order.number}/history")

    assert seen_by_vendor.status_code == seen_by_ops.status_code == 200
    vendor_text = seen_by_vendor.content.decode()
    for secret in ("98111 22233", "asha.rao@okaxis", "123456789012"):
        assert secret not in vendor_text
    assert NOTE in [e["note"] for e in seen_by_ops.json()]
