import pytest
from django.db import DatabaseError, connection, transaction

from orderdesk.core import audit
from orderdesk.core.context import acting_as
from orderdesk.core.models import AuditEvent
from orderdesk.testing.factories import make_customer


@pytest.fixture
def customer(db):
    return make_customer(name="Asha Rao", phone="+919876543210")


def test_record_names_actor_ip_door_object_and_changes(cast, customer):
    with acting_as(cast["sales"], ip="10.1.2.3", via="console"):
        event = audit.record("customer.touch", customer, before={"a": 1}, after={"a": 2})
    event.refresh_from_db()
    assert (event.actor, event.actor_label, event.ip, event.via) == (
        cast["sales"],
        "sita",
        "10.1.2.3",
        "console",
    )
    assert (event.object_type, event.object_id, event.action) == (
        "customers.customer",
        str(customer.pk),
        "customer.touch",
    )
    assert (event.before, event.after) == ({"a": 1}, {"a": 2})


def test_without_a_person_the_actor_is_system(customer):
    event = audit.record("customer.touch", customer)
    assert event.actor is None and event.actor_label == "system"


def test_s3_events_cannot_be_changed_or_deleted_through_the_orm(customer):
    event = audit.record("customer.touch", customer)
    event.action = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "customer.touch"


def test_s3_events_cannot_be_changed_or_deleted_in_sql(customer):
    event = audit.record("customer.touch", customer)
    for sql in ("UPDATE core_auditevent SET action = 'forged'", "DELETE FROM core_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "customer.touch"
