# ruff: noqa: F811  (the shared fixtures are imported from test_lifecycle_support and used as arguments)
"""The ops console for the order's life: the board, the order page whose forms are the table's
moves from the current state only, refusals beside their fields, and the role gate."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from orderdesk.catalog.models import PickupSlot
from orderdesk.orders import lifecycle
from orderdesk.orders import transitions as table
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.models import Order
from orderdesk.orders.tests.test_lifecycle_support import (  # noqa: F401  (fixtures)
    drive,
    new_order,
    picture,
    quickpick_client,
    spare_slot,
)
from orderdesk.orders.transitions import ActorRole

S = OrderStatus


@pytest.fixture
def ops_client(cast):
    client = Client()
    client.force_login(cast["ops"])
    return client


def offered(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


@pytest.mark.parametrize("status", list(OrderStatus))
def test_the_order_page_offers_exactly_what_the_table_allows_ops(
    status, ops_client, new_order, spare_slot, cast
):
    order = drive(new_order(), status, actor=cast["ops"], slot=spare_slot)
    response = ops_client.get(f"/console/ops/orders/{order.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    expected = {to.value for to, _ in table.moves_for_role(status, ActorRole.OPS)}
    # drive() inspects at a price below the estimate and has not recorded an acceptance,
    # so every action of the table is offered, accept_final_price included
    actions = set(table.actions_for_role(status, ActorRole.OPS))
    assert offered(html) == expected | actions
    if not expected and not actions:
        assert "life is over." in html
    # CSP: no inline script or style anywhere on the page
    assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_ops_assigns_a_vendor_from_the_page(ops_client, new_order):
    order = new_order()
    response = ops_client.post(
        f"/console/ops/orders/{order.number}/move/vendor_assigned/",
        {"vendor_assigned-vendor_id": ""},
    )
    assert response.status_code == 302 and response["Location"].endswith(
        f"/console/ops/orders/{order.number}/"
    )
    stored = Order.objects.get(pk=order.pk)
    assert (stored.status, stored.vendor.name) == ("vendor_assigned", "QuickPick Bengaluru")
    page = ops_client.get(response["Location"]).content.decode()
    assert "assign a vendor — done. Now vendor assigned." in page
    assert 'data-kind="vendor_assigned"' in page  # the message is listed on the page


def test_a_missing_input_is_shown_beside_its_field_and_nothing_changes(ops_client, new_order, cast):
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=cast["ops"])
    before = picture(order)
    response = ops_client.post(
        f"/console/ops/orders/{order.number}/move/inspected/", {"inspected-notes": "Looks fine"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_inspected-final_price_error"' in html
    assert picture(order) == before


def test_a_rule_refusal_is_shown_beside_its_field(ops_client, catalog, new_order):
    order = new_order()
    new_order(slot_id=catalog["evening"].pk)  # the evening's one place is gone
    evening = catalog["evening"]
    PickupSlot.objects.filter(pk=evening.pk).update(capacity=2)  # offered in the list…
    new_order(slot_id=evening.pk)  # …and taken again before ops submits
    before = picture(order)
    response = ops_client.post(
        f"/console/ops/orders/{order.number}/do/amend_slot/",
        {"amend_slot-slot_id": str(evening.pk)},
    )
    assert response.status_code in (409, 422)
    html = response.content.decode()
    error = re.search(r'id="id_amend_slot-slot_id_error">(.*?)</div>', html, re.S)
    assert error and ("full" in error.group(1) or "valid choice" in error.group(1))
    assert picture(order) == before


def test_the_customers_refusal_of_the_price_is_a_cancellation_without_penalty(
    ops_client, new_order, cast
):
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=cast["ops"])
    lifecycle.transition(
        order, S.INSPECTED, actor=cast["ops"], final_price=30000, notes="Cracked back"
    )
    page = ops_client.get(f"/console/ops/orders/{order.number}/").content.decode()
    assert 'data-testid="acceptance-needed"' in page
    assert {"paid", "cancelled", "accept_final_price"} <= offered(page)
    response = ops_client.post(
        f"/console/ops/orders/{order.number}/move/cancelled/",
        {"cancelled-reason": "price_not_accepted", "cancelled-notes": "Customer keeps the phone"},
    )
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).cancellation_reason == "price_not_accepted"


def test_a_stale_page_cannot_make_an_illegal_move(ops_client, new_order):
    order = new_order()
    before = picture(order)
    response = ops_client.post(
        f"/console/ops/orders/{order.number}/move/paid/", {"paid-reference": "UTR1234567"}
    )
    assert response.status_code == 302
    assert picture(order) == before
    page = ops_client.get(response["Location"]).content.decode()
    assert "An order cannot go from created to paid" in page


def test_the_board_shows_pickups_unassigned_and_failed(ops_client, new_order, cast, catalog):
    waiting = new_order()
    failed = drive(new_order(), S.PICKUP_FAILED, actor=cast["ops"])
    tomorrow = catalog["morning"].date
    html = ops_client.get(f"/console/ops/board/?date={tomorrow:%Y-%m-%d}").content.decode()
    unassigned = html.split('data-testid="unassigned"')[1].split("</section>")[0]
    failed_html = html.split('data-testid="failed"')[1].split("</section>")[0]
    pickups = html.split('data-testid="pickups"')[1].split("</section>")[0]
    assert waiting.display_number in unassigned and waiting.display_number in pickups
    assert failed.display_number in failed_html and "customer_not_available" in failed_html
    assert failed.display_number not in pickups  # it holds no place any more
    assert "Bengaluru" in pickups and "10:00-13:00" in pickups


def test_find_an_order_by_number_as_typed(ops_client, new_order):
    order = new_order()
    typed = order.display_number.lower().replace("-", " ")
    response = ops_client.get("/console/ops/orders/", {"number": typed})
    assert response.status_code == 302 and response["Location"].endswith(
        f"/ops/orders/{order.number}/"
    )
    missing = ops_client.get("/console/ops/orders/", {"number": "OD-2222-2222"})
    assert "not_found" in missing["Location"]


@pytest.mark.parametrize("who", ["sales", "cx", "supervisor", "admin"])
def test_only_ops_may_use_the_ops_pages(who, cast, new_order):
    order = new_order()
    client = Client()
    client.force_login(cast[who])
    before = picture(order)
    assert client.get("/console/ops/board/").status_code == 403
    assert client.get(f"/console/ops/orders/{order.number}/").status_code == 403
    assert (
        client.post(f"/console/ops/orders/{order.number}/move/vendor_assigned/", {}).status_code
        == 403
    )
    assert picture(order) == before


def test_the_ops_home_and_navigation_link_to_the_board(ops_client):
    html = ops_client.get("/console/ops/").content.decode()
    assert 'href="/console/ops/board/"' in html


def test_o4_console_asks_for_a_reason_before_a_price_outside_the_band(ops_client, new_order, cast):
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=cast["ops"])
    before = picture(order)
    url = f"/console/ops/orders/{order.number}/move/inspected/"
    form = {"inspected-final_price": "9999999", "inspected-notes": "Looks fine"}
    response = ops_client.post(url, form)
    assert response.status_code == 409
    error = re.search(
        r'id="id_inspected-final_price_error">(.*?)</div>', response.content.decode(), re.S
    )
    assert error and "far from the estimate" in error.group(1)
    assert picture(order) == before
    response = ops_client.post(url, form | {"inspected-price_band_reason": "Collector's edition"})
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).final_price == 9999999


def folds(html: str) -> list[str]:
    """Each action form's fold: its opening tag (``details ... open`` when unfolded)."""
    return re.findall(r'<details class="ops-action__fold"[^>]*>', html)


def test_the_order_page_shows_one_action_at_a_time(ops_client, new_order):
    """Issue 18: the actions are listed by name, each form folded; opening one closes the
    others (one ``details`` group), so the page no longer shows every amend form at once."""
    order = new_order()
    html = ops_client.get(f"/console/ops/orders/{order.number}/").content.decode()
    shown = folds(html)
    assert len(shown) == len(offered(html)) > 1
    assert all('name="ops-action"' in tag and " open" not in tag for tag in shown)
    assert "{#" not in html and "#}" not in html  # no template comment leaks onto the page


def test_a_refused_action_comes_back_unfolded_and_alone(ops_client, new_order, cast):
    order = drive(new_order(), S.OUT_FOR_PICKUP, actor=cast["ops"])
    response = ops_client.post(
        f"/console/ops/orders/{order.number}/move/inspected/", {"inspected-notes": "Looks fine"}
    )
    html = response.content.decode()
    unfolded = [tag for tag in folds(html) if " open" in tag]
    assert response.status_code == 422 and len(unfolded) == 1
    assert 'data-action="inspected"' in html.split(unfolded[0])[0].rsplit("<section", 1)[1]
