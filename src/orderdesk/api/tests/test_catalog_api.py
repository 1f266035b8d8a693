"""GET /catalog/models, GET /catalog/device-types/{type}/questions, GET /serviceability, POST /quotes."""

import pytest

from orderdesk.catalog.models import Quote


def test_models_search_with_variants(api, catalog):
    response = api().get("/api/v1/catalog/models", {"q": "iphone"})
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": catalog["iphone"].pk,
            "brand": "Apple",
            "name": "iPhone 15",
            "device_type": "phone",
            "high_end": True,
            "variants": [
                {"id": catalog["v128"].pk, "name": "128 GB", "base_price": 50000},
                {"id": catalog["v256"].pk, "name": "256 GB", "base_price": 56000},
            ],
        }
    ]
    assert [
        m["name"] for m in api().get("/api/v1/catalog/models", {"device_type": "laptop"}).json()
    ] == ["MacBook Air M2"]


def test_questionnaire_of_a_device_type(api, catalog):
    response = api().get("/api/v1/catalog/device-types/phone/questions")
    assert response.status_code == 200
    questions = response.json()
    assert [q["key"] for q in questions] == ["screen", "body"]
    assert questions[0]["options"] == [
        {"key": "flawless", "label": "Flawless"},
        {"key": "scratched", "label": "Minor scratches"},
        {"key": "cracked", "label": "Cracked"},
    ]


def test_unknown_device_type_is_404_problem(api, catalog):
    response = api().get("/api/v1/catalog/device-types/toaster/questions")
    assert response.status_code == 404
    assert response.json()["code"] == "device_type_unknown"


def test_serviceability(api, catalog):
    ok = api().get("/api/v1/serviceability", {"pincode": "560034", "device_type": "phone"}).json()
    assert ok["serviceable"] is True and ok["city"] == "Bengaluru"
    assert [(s["id"], s["window"], s["available"]) for s in ok["slots"]] == [
        (catalog["morning"].pk, "10:00-13:00", 2),
        (catalog["evening"].pk, "16:00-19:00", 1),
    ]
    no = api().get("/api/v1/serviceability", {"pincode": "560034", "device_type": "laptop"}).json()
    assert (no["serviceable"], no["reason"], no["slots"]) == (False, "device_not_serviceable", [])


def test_serviceability_with_a_malformed_pincode_names_the_field(api, catalog):
    response = api().get("/api/v1/serviceability", {"pincode": "5600"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "pincode",
            "code": "pincode_invalid",
            "message": "'5600' is not a pincode: it must be 6 digits and not start with 0.",
        }
    ]


def test_quote_is_computed_by_the_server(api, catalog):
    response = api().post(
        "/api/v1/quotes",
        {
            "variant_id": catalog["v128"].pk,
            "answers": {"screen": "scratched", "body": "good"},
            "pincode": "560034",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["estimated_price"] == 45000 and body["currency"] == "INR"
    assert Quote.objects.get(pk=body["quote_id"]).estimated_price == 45000


def test_a_price_sent_by_the_client_is_refused_not_used(api, catalog):
    response = api().post(
        "/api/v1/quotes",
        {
            "variant_id": catalog["v128"].pk,
            "answers": {"screen": "flawless", "body": "good"},
            "estimated_price": 99999,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "estimated_price"
    assert response.json()["errors"][0]["code"] == "unknown_field"
    assert Quote.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"answers": {}}, "variant_id", "required"),
        ({"variant_id": "abc", "answers": {}}, "variant_id", "not_an_integer"),
        ({"variant_id": 999999, "answers": {}}, "variant_id", "model_not_in_catalog"),
        (
            {"variant_id": "V128", "answers": {"screen": "flawless"}},
            "answers.body",
            "condition_incomplete",
        ),
        (
            {
                "variant_id": "V128",
                "answers": {"screen": "flawless", "body": "good"},
                "pincode": "110001",
            },
            "pincode",
            "pincode_not_serviceable",
        ),
    ],
)
def test_bad_quotes_name_field_and_rule_and_store_nothing(api, catalog, payload, field, code):
    if payload.get("variant_id") == "V128":
        payload = {**payload, "variant_id": catalog["v128"].pk}
    response = api().post("/api/v1/quotes", payload, content_type="application/json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["code"]) == (
        field,
        code,
    )
    assert Quote.objects.count() == 0


def test_malformed_json_is_a_clear_problem(api, catalog):
    response = api().post("/api/v1/quotes", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    assert Quote.objects.count() == 0
