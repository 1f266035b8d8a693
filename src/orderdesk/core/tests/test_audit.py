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


# --- audit.batched (issue 17, P1): one multi-row INSERT for a hot path's events ------------


def _audit_inserts(ctx) -> int:
    return sum(q["sql"].startswith('INSERT INTO "core_auditevent"') for q in ctx.captured_queries)


def test_batched_events_are_one_insert_at_the_end_in_recorded_order_and_masked(customer):
    from django.test.utils import CaptureQueriesContext

    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as ctx, transaction.atomic(), audit.batched():
        first = audit.record("customer.touch", customer, after={"phone": "+919876543210"})
        second = audit.record("customer.poke", customer)
        assert AuditEvent.objects.count() == before  # not written yet
        assert first.pk is None
    assert _audit_inserts(ctx) == 1
    assert AuditEvent.objects.count() == before + 2
    assert first.pk < second.pk  # the order they were recorded in
    stored = AuditEvent.objects.get(pk=first.pk)
    assert stored.action == "customer.touch" and "9876543210" not in str(stored.after)


def test_batched_an_exception_leaving_the_block_writes_no_event_and_dooms_the_transaction(
    customer,
):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), audit.batched():
        audit.record("customer.touch", customer)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    # A caller that catches the exception inside its transaction cannot commit the changes
    # without their events: the transaction is marked for rollback.
    with transaction.atomic():
        try:
            with audit.batched():
                audit.record("customer.touch", customer)
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
        assert connection.needs_rollback
    assert AuditEvent.objects.count() == before


def test_batched_an_event_in_a_rolled_back_savepoint_goes_with_it(customer):
    before = AuditEvent.objects.count()
    with transaction.atomic(), audit.batched():
        audit.record("customer.kept", customer)
        try:
            with transaction.atomic():  # a savepoint inside the block: written at once
                audit.record("customer.rolled_back", customer)
                raise RuntimeError("partial rollback, caught")
        except RuntimeError:
            pass
    actions = list(
        AuditEvent.objects.filter(pk__gt=0).order_by("id").values_list("action", flat=True)
    )[before:]
    assert actions == ["customer.kept"]
