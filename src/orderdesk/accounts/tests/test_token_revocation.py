"""Issue 21 finding 5: a bearer token does not outlive its user's password or account, an API
client revokes its own token, and an admin revokes all of a user's tokens (audited)."""

from __future__ import annotations

import pytest
from django.test import Client

from orderdesk.accounts.actions import change_password, revoke_user_tokens
from orderdesk.accounts.models import ApiToken
from orderdesk.core.errors import Forbidden
from orderdesk.core.models import AuditEvent
from orderdesk.testing.factories import PASSWORD

NEW_PASSWORD = "monsoon-ledger-4419"


def _bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def _me(token: str) -> int:
    return _bearer(token).get("/api/v1/me").status_code


def test_s1_password_change_in_the_console_revokes_the_users_tokens(cast, api_token):
    sita = cast["sales"]
    first, second = api_token(sita), api_token(sita)
    other = api_token(cast["sales2"])
    assert _me(first) == _me(second) == 200

    console = Client()
    console.force_login(sita)
    response = console.post(
        "/console/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert (_me(first), _me(second), _me(other)) == (401, 401, 200)
    event = AuditEvent.objects.get(action="token.revoke_all")
    assert (event.object_id, event.after["reason"]) == (str(sita.pk), "password_changed")
    assert len(event.after["prefixes"]) == 2


def test_s1_password_change_through_the_action_and_the_command_revokes_tokens(cast, api_token):
    om = cast["ops"]
    token = api_token(om)
    change_password(om, NEW_PASSWORD)
    assert _me(token) == 401

    token = _bearer_login(om.username, NEW_PASSWORD)
    om.refresh_from_db()
    om.set_password(PASSWORD)
    om.save()  # what ``changepassword`` and the admin's password form do
    assert _me(token) == 401


def _bearer_login(username: str, password: str) -> str:
    response = Client().post(
        "/api/v1/auth/token",
        data={"username": username, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200
    return response.json()["token"]


def test_s1_deactivating_a_user_revokes_the_tokens(cast, api_token):
    chitra = cast["cx"]
    token = api_token(chitra)
    chitra.is_active = False
    chitra.save(update_fields=["is_active"])
    assert ApiToken.objects.get(user=chitra).revoked_at is not None
    chitra.is_active = True
    chitra.save(update_fields=["is_active"])
    assert _me(token) == 401  # reactivation does not bring a token back
    assert AuditEvent.objects.get(action="token.revoke_all").after["reason"] == "deactivated"


def test_s1_saving_a_user_without_a_new_password_keeps_the_tokens(cast, api_token):
    sita = cast["sales"]
    token = api_token(sita)
    sita.first_name = "Sita"
    sita.save()
    assert _me(token) == 200
    assert not AuditEvent.objects.filter(action="token.revoke_all").exists()


def test_s1_delete_auth_token_revokes_the_calling_token_only(cast, api_token):
    app = cast["app"]
    calling, other = api_token(app), api_token(app)

    response = _bearer(calling).delete("/api/v1/auth/token")

    assert (response.status_code, response.content) == (204, b"")
    assert (_me(calling), _me(other)) == (401, 200)
    event = AuditEvent.objects.get(action="token.revoke")
    assert event.after == {"prefix": calling[:10]}
    assert _bearer(calling).delete("/api/v1/auth/token").status_code == 401


def test_s1_delete_auth_token_without_a_token_is_401_and_changes_nothing(cast):
    before = AuditEvent.objects.count()
    assert Client().delete("/api/v1/auth/token").status_code == 401
    assert AuditEvent.objects.count() == before


def test_s1_admin_action_revokes_all_of_a_users_tokens_and_is_audited(cast, api_token):
    vendor = cast["vendor"]
    tokens = [api_token(vendor), api_token(vendor)]
    admin = Client()
    admin.force_login(cast["admin"])

    response = admin.post(
        "/admin/accounts/user/",
        {"action": "revoke_api_tokens", "_selected_action": [vendor.pk]},
    )

    assert response.status_code == 302
    assert [_me(t) for t in tokens] == [401, 401]
    event = AuditEvent.objects.get(action="token.revoke_all")
    assert (event.actor_id, event.via, event.after["reason"]) == (
        cast["admin"].pk,
        "admin",
        "revoked_by_admin",
    )


def test_s1_only_an_admin_revokes_another_users_tokens(cast, api_token):
    token = api_token(cast["sales"])
    with pytest.raises(Forbidden):
        revoke_user_tokens(cast["sales"], actor=cast["supervisor"])
    assert _me(token) == 200
    assert not AuditEvent.objects.filter(action="token.revoke_all").exists()
