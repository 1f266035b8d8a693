"""Issue 18: friendly 403/404/500 pages that say what happened and where to go; the API
keeps problem+json. (With DEBUG off, as in the demo under gunicorn.)"""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.test import Client, RequestFactory

from orderdesk.console import errors

pytestmark = pytest.mark.django_db


def test_a_mistyped_console_url_gets_the_friendly_404_not_a_route_list(cast):
    client = Client()
    client.force_login(cast["sales"])
    response = client.get("/console/leeds/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "There is no page at this address" in html
    assert 'href="/console/"' in html  # where to go
    assert "URLconf" not in html and "kpis/records" not in html  # no list of routes


def test_a_signed_out_visitor_is_pointed_to_sign_in():
    html = Client().get("/nowhere/").content.decode()
    assert "There is no page at this address" in html and 'href="/console/login/"' in html


def test_an_unknown_api_path_stays_problem_json():
    response = Client().get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["code"] == "not_found"


def test_the_403_page_says_nothing_changed_and_links_home(cast):
    request = RequestFactory().post("/console/leads/1/contacts/")
    request.user = cast["sales"]
    response = errors.permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert "Nothing was changed" in html and 'href="/console/"' in html


def test_the_500_page_needs_no_database_and_says_what_to_do():
    request = RequestFactory().get("/console/leads/")
    try:
        raise ValueError("boom")
    except ValueError:
        response = errors.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "check whether your change is there" in html and 'href="/console/"' in html


def test_the_500_for_the_api_and_a_database_outage_stay_problem_json():
    api = RequestFactory().get("/api/v1/orders")
    try:
        raise ValueError("boom")
    except ValueError:
        response = errors.server_error(api)
    assert (response.status_code, json.loads(response.content)["code"]) == (500, "server_error")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = errors.server_error(RequestFactory().get("/console/"))
    assert response.status_code == 503
