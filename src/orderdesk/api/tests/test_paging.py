"""Paged lists (issue 20): GET /api/v1/catalog/models walks the whole catalog page by page
(limit, cursor, Link rel="next", X-Total-Count), stable under concurrent inserts."""

import re
from urllib.parse import urlsplit

import pytest

from orderdesk.api.paging import MAX_LIMIT, encode_cursor
from orderdesk.catalog.models import Brand, DeviceModel, DeviceType, Variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_catalog():
    """130 active models over five brands (one inactive model besides), each with a variant:
    more than two default pages."""
    phone = DeviceType.objects.create(key="phone", name="Phone", floor_price=500)
    laptop = DeviceType.objects.create(key="laptop", name="Laptop", floor_price=1500)
    for b, brand_name in enumerate(["Xiaomi", "Apple", "OnePlus", "Samsung", "Google"]):
        brand = Brand.objects.create(name=brand_name)
        for i in range(26):
            model = DeviceModel.objects.create(
                brand=brand, device_type=laptop if i % 5 == 0 else phone, name=f"Model {i:02d}"
            )
            Variant.objects.create(model=model, name="128 GB", base_price=1000 + b * 100 + i)
    DeviceModel.objects.create(
        brand=Brand.objects.get(name="Apple"), device_type=phone, name="Retired", active=False
    )


def walk(api, params: dict) -> tuple[list[dict], list]:
    """Every page from the first, following Link rel="next"; the items and the responses."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return walk_from(api, f"/api/v1/catalog/models?{query}")


def database_order(**filters) -> list[int]:
    return list(
        DeviceModel.objects.filter(active=True, **filters)
        .order_by("brand__name", "name", "pk")
        .values_list("pk", flat=True)
    )


def test_paging_walks_every_model_past_the_first_page_in_catalog_order(api, big_catalog):
    items, responses = walk(api, {"limit": 50})
    assert [len(r.json()) for r in responses] == [50, 50, 30]
    assert [m["id"] for m in items] == database_order()
    assert {r.headers["X-Total-Count"] for r in responses} == {"130"}
    assert {m["brand"] for m in items} == {"Apple", "Google", "OnePlus", "Samsung", "Xiaomi"}


def test_paging_keeps_the_filters_on_every_page(api, big_catalog):
    items, responses = walk(api, {"limit": 7, "device_type": "laptop", "q": "model"})
    assert [m["id"] for m in items] == database_order(device_type__key="laptop")
    assert len(items) == 30 and len(responses) == 5
    assert {r.headers["X-Total-Count"] for r in responses} == {"30"}


def test_the_default_page_is_fifty_and_says_there_is_more(api, big_catalog):
    response = api().get("/api/v1/catalog/models")
    assert len(response.json()) == 50
    assert response.headers["X-Total-Count"] == "130"
    assert 'rel="next"' in response.headers["Link"]


def test_a_last_page_has_no_next_link(api, big_catalog):
    response = api().get("/api/v1/catalog/models", {"limit": MAX_LIMIT})
    assert len(response.json()) == 130
    assert "Link" not in response.headers


def test_models_inserted_during_a_walk_shift_no_page(api, big_catalog):
    first = api().get("/api/v1/catalog/models", {"limit": 40})
    seen = [m["id"] for m in first.json()]
    # Inserted meanwhile: one before the cursor (Apple, A…), one after it (Xiaomi, Z…).
    phone = DeviceType.objects.get(key="phone")
    before = DeviceModel.objects.create(
        brand=Brand.objects.get(name="Apple"), device_type=phone, name="A1"
    )
    after = DeviceModel.objects.create(
        brand=Brand.objects.get(name="Xiaomi"), device_type=phone, name="Z9"
    )
    url = re.fullmatch(r'<([^>]+)>; rel="next"', first.headers["Link"]).group(1)
    parts = urlsplit(url)
    rest, _ = walk_from(api, f"{parts.path}?{parts.query}")
    walked = seen + [m["id"] for m in rest]
    assert len(walked) == len(set(walked))  # nothing twice
    assert walked == [pk for pk in database_order() if pk != before.pk]
    assert walked[-1] == after.pk


def walk_from(api, url: str):
    items, responses = [], []
    while url:
        response = api().get(url)
        assert response.status_code == 200
        items += response.json()
        responses.append(response)
        link = response.headers.get("Link")
        url = None
        if link:
            parts = urlsplit(re.fullmatch(r'<([^>]+)>; rel="next"', link).group(1))
            url = f"{parts.path}?{parts.query}"
    return items, responses


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1])
def test_a_limit_out_of_bounds_is_refused_naming_the_field(api, big_catalog, limit):
    response = api().get("/api/v1/catalog/models", {"limit": limit})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["limit"]


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        encode_cursor([1, 2, 3]),  # wrong types
        encode_cursor(["Apple", "Model 01"]),  # too short
        encode_cursor(["Apple", "Model 01", 10**30]),  # no database integer
        encode_cursor(["Apple\x00", "Model 01", 1]),  # NUL: PostgreSQL refuses it
        "eyJhIjoxfQ",  # {"a":1}
    ],
)
def test_a_cursor_this_list_did_not_give_out_is_refused(api, big_catalog, cursor):
    response = api().get("/api/v1/catalog/models", {"cursor": cursor})
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("cursor", "cursor_invalid")
    ]


def test_openapi_documents_limit_cursor_and_the_paging_headers(api):
    operation = api().get("/api/v1/openapi.json").json()["paths"]["/api/v1/catalog/models"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["limit"]["schema"]["maximum"] == MAX_LIMIT
    assert parameters["limit"]["schema"]["minimum"] == 1
    assert "cursor" in parameters
    assert set(operation["responses"]["200"]["headers"]) == {"Link", "X-Total-Count"}
    assert operation["responses"]["200"]["description"] == "OK"
