"""GET /api/v1/orders is paged (issue 20): limit, cursor, Link rel="next", X-Total-Count,
newest first by id, so an order placed during a walk neither repeats nor hides another."""

from urllib.parse import urlsplit

import pytest

from orderdesk.orders.models import Order

JSON = "application/json"
PHONES = ["98765 43210", "98765 43211", "98765 43212", "98765 43213", "98765 43214"]


@pytest.fixture
def five_orders(api, cast, catalog, api_order_body):
    catalog["morning"].__class__.objects.filter(pk=catalog["morning"].pk).update(capacity=50)
    app = api(cast["app"])
    for phone in PHONES:
        body = api_order_body(customer={"name": "Asha Rao", "phone": phone})
        response = app.post("/api/v1/orders", body, content_type=JSON)
        assert response.status_code == 201, response.json()
    return list(Order.objects.order_by("-pk").values_list("number", flat=True))


def next_url(response) -> str | None:
    link = response.headers.get("Link")
    if link is None:
        return None
    url = urlsplit(link.split(";")[0].strip("<>"))
    return f"{url.path}?{url.query}"


def walk(client, url):
    numbers, responses = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        responses.append(response)
        numbers += [o["number"] for o in response.json()]
        url = next_url(response)
    return numbers, responses


def test_orders_list_walks_every_visible_order_past_the_first_page(api, cast, five_orders):
    numbers, responses = walk(api(cast["cx"]), "/api/v1/orders?status=created&limit=2")
    assert numbers == five_orders
    assert [len(r.json()) for r in responses] == [2, 2, 1]
    assert {r.headers["X-Total-Count"] for r in responses} == {"5"}
    assert "Link" not in responses[-1].headers


def test_an_order_placed_during_a_walk_is_neither_seen_twice_nor_skips_one(
    api, cast, catalog, api_order_body, five_orders
):
    client = api(cast["cx"])
    first = client.get("/api/v1/orders", {"status": "created", "limit": 2})
    body = api_order_body(customer={"name": "Ravi K", "phone": "98765 43299"})
    assert api(cast["app"]).post("/api/v1/orders", body, content_type=JSON).status_code == 201
    rest, _ = walk(client, next_url(first))
    seen = [o["number"] for o in first.json()] + rest
    assert seen == five_orders
    assert len(set(seen)) == len(seen)


def test_a_forged_orders_cursor_is_refused_and_changes_nothing(api, cast, five_orders):
    response = api(cast["cx"]).get("/api/v1/orders", {"status": "created", "cursor": "bm9wZQ"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "cursor_invalid"
    assert Order.objects.count() == 5
