"""POST /api/v1/auth/token and bearer authentication (SPEC §11)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from orderdesk.accounts.actions import revoke_token
from orderdesk.accounts.models import ApiToken
from orderdesk.core.models import AuditEvent
from orderdesk.testing.factories import PASSWORD


def post_token(username, password):
    return Client().post(
        "/api/v1/auth/token",
        data={"username": username, "password": password},
        content_type="application/json",
    )


def test_token_is_issued_for_good_credentials_and_only_its_digest_is_stored(cast):
    response = post_token("sita", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token"].startswith("od_") and body["role"] == "sales"
    stored = ApiToken.objects.get(user=cast["sales"])
    assert stored.digest == ApiToken.digest_of(body["token"]) and body["token"] not in stored.digest
    assert AuditEvent.objects.filter(action="token.issue", actor=cast["sales"]).count() == 1


@pytest.mark.parametrize(
    ("username", "password"), [("sita", "wrong-password"), ("nobody", PASSWORD), ("olga", PASSWORD)]
)
def test_bad_credentials_or_inactive_user_get_401_problem_and_no_token(cast, username, password):
    response = post_token(username, password)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["errors"][0]["field"] == "password"
    assert ApiToken.objects.count() == 0


def test_missing_fields_are_named(db):
    response = Client().post(
        "/api/v1/auth/token", data={"username": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert {"field": "password", "code": "required"}.items() <= response.json()["errors"][0].items()


def test_bearer_token_identifies_the_user(api, cast):
    response = api(cast["cx"]).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "chitra" and response.json()["role"] == "cx"
    assert "tickets.work" in response.json()["permissions"]


@pytest.mark.parametrize(
    "header", [None, "Bearer nonsense", "Bearer od_not-a-real-token", "Basic c2l0YTp4"]
)
def test_missing_or_unknown_token_is_401_problem(db, header):
    client = Client(headers={"Authorization": header}) if header else Client()
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_and_revoked_tokens_are_refused(api_token, cast):
    raw = api_token(cast["ops"])
    token = ApiToken.objects.get(user=cast["ops"])
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 401

    raw2 = api_token(cast["ops"])
    revoke_token(ApiToken.objects.get(digest=ApiToken.digest_of(raw2)))
    assert Client(headers={"Authorization": f"Bearer {raw2}"}).get("/api/v1/me").status_code == 401


def test_token_of_a_deactivated_user_stops_working(api_token, cast):
    raw = api_token(cast["sales2"])
    cast["sales2"].is_active = False
    cast["sales2"].save()
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 401
