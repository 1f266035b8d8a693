"""Changing one's own password: audited (S3), keeps the session, refuses a wrong old password."""

import pytest

from orderdesk.core.models import AuditEvent
from orderdesk.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "monsoon-ledger-4419"


def test_password_change_is_audited_and_keeps_the_session(cast, client_for):
    client = client_for("sales")
    response = client.post(
        "/console/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/"

    user = cast["sales"]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="user.change_password")
    assert event.actor_id == user.pk
    assert event.object_id == str(user.pk)
    assert event.via == "console"
    assert NEW_PASSWORD not in str(event.before) + str(event.after)
    # Still signed in: the session hash was updated.
    assert client.get("/console/sales/").status_code == 200


def test_wrong_old_password_changes_nothing(cast, client_for):
    client = client_for("cx")
    response = client.post(
        "/console/password/",
        {
            "old_password": "not-my-password",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_old_password_error"' in html
    assert "Your old password was entered incorrectly" in html
    user = cast["cx"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="user.change_password").exists()


def test_password_change_page_has_labelled_fields(client_for):
    html = client_for("ops").get("/console/password/").content.decode()
    for field in ("id_old_password", "id_new_password1", "id_new_password2"):
        assert f'<label for="{field}">' in html
