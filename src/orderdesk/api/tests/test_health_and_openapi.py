import pytest
from django.test import Client
from django.urls import get_resolver
from openapi_spec_validator import validate

from orderdesk.api.api import api


def test_health_answers_ok_with_database(db):
    response = Client().get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_openapi_document_is_valid_openapi_3(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    validate(document)


def test_openapi_documents_every_endpoint(db):
    """Every operation the API routes is in the document, with a summary and its error shape."""
    document = Client().get("/api/v1/openapi.json").json()
    documented = {
        (path, method.upper()) for path, ops in document["paths"].items() for method in ops
    }
    routed = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    full = "/api/v1/" + (prefix + path).lstrip("/")
                    routed.add(
                        (full.replace("<", "{").replace(">", "}").replace("{int:", "{"), method)
                    )
    assert routed and routed <= documented
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), f"{method.upper()} {path} has no summary"


def test_docs_page_is_served_without_a_cdn(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html.split("<body")[0]


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/customers?q=asha"])
def test_authenticated_endpoints_refuse_anonymous_with_problem_json(db, path):
    response = Client().get(path)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "errors"} and body["status"] == 401


def test_url_configuration_loads(db):
    assert get_resolver().reverse_dict
