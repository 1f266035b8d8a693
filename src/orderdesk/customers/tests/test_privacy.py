"""S4: the retention job, the customer's data export and erasure where the law allows.

The KPI world is the hand-made one of ``kpis/tests/conftest.py`` (every figure known).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from orderdesk.core.errors import Conflict
from orderdesk.core.models import AuditEvent, AuditRedaction
from orderdesk.customers.actions import (
    ANONYMISED_NAME,
    _anonymise,
    add_address,
    erase_customer,
    export_customer_data,
    get_or_create_customer,
    update_preferences,
)
from orderdesk.customers.models import Address, Customer
from orderdesk.customers.privacy import customer_records
from orderdesk.kpis.definitions import Scope, compute_all
from orderdesk.kpis.tests.conftest import D1, D2, world  # noqa: F401 (the fixture)

LONG_AGO = dt.datetime(2025, 3, 12, tzinfo=dt.UTC)
PERSONAL_STRINGS = ("Customer ", "+9198765000", "1 Main Rd", "Near park", "2 Sea Rd", "okaxis")


def _all_kpis(world_):
    """Every KPI for every scope the tests of kpis use: floor, agents, teams, cities."""
    scopes = [
        Scope(D1, D2),
        Scope(D1, D2, agent_id=world_.sita.pk),
        Scope(D1, D2, agent_id=world_.sameer.pk),
        Scope(D1, D2, team_id=world_.team_a.pk),
        Scope(D1, D2, team_id=world_.team_b.pk),
        Scope(D1, D2, city="Bengaluru"),
        Scope(D1, D2, city="Mumbai"),
        Scope(D1 - dt.timedelta(days=10), D2 + dt.timedelta(days=10)),
    ]
    return [
        [(r.kpi.key, r.numerator, r.denominator, r.value) for r in compute_all(scope)]
        for scope in scopes
    ]


def _everything_as_text() -> str:
    """Every row of every table that can hold a customer's personal data, as one string."""
    from orderdesk.cx.models import CsatSurvey, Ticket, TicketAction
    from orderdesk.leads.models import ContactAttempt, Notification
    from orderdesk.messaging.models import Message
    from orderdesk.orders.models import Order, OrderEvent

    rows = []
    for model in (
        Customer,
        Address,
        Order,
        OrderEvent,
        ContactAttempt,
        Notification,
        Ticket,
        TicketAction,
        CsatSurvey,
        Message,
        AuditEvent,
    ):
        rows += list(model.objects.values())
    return json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False)


def _settle_and_backdate(world_):
    """Two years on: every order, lead and ticket of the world is over, nothing touched since."""
    from orderdesk.cx.models import Ticket
    from orderdesk.leads.choices import OPEN_LEAD_STATUSES
    from orderdesk.leads.models import Lead
    from orderdesk.orders.choices import OPEN_STATUSES
    from orderdesk.orders.models import Order

    Order.objects.filter(status__in=OPEN_STATUSES).update(status="completed")
    Lead.objects.filter(status__in=[s.value for s in OPEN_LEAD_STATUSES]).update(
        status="closed", closed_for_sales=True, closed_reason="not_interested"
    )
    Ticket.objects.filter(resolved_at__isnull=True).update(resolved_at=LONG_AGO)
    Ticket.objects.update(status="closed", closed_at=LONG_AGO)
    for model in (Customer, Order, Lead, Ticket):
        model.objects.update(updated_at=LONG_AGO)


def test_s4_retention_job_anonymises_past_the_period_and_every_kpi_stays(
    world,  # noqa: F811
    settings,
):
    """Given the KPI world, settled and untouched for 20 months, and a 1-year retention
    period; when the worker's retention job runs; then every customer's personal data is
    gone (rows and audit trail) and every KPI, for every scope, is exactly what it was."""
    from orderdesk.customers.tasks import retention_sweep_task

    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "RETENTION": {"PERSONAL_DATA_DAYS": 365, "PAYMENT_RECORD_DAYS": 365},
    }
    _settle_and_backdate(world)
    # One customer came back last week: not due, left alone.
    recent, _ = get_or_create_customer(name="Recent Rekha", phone="9812345678")
    before = _all_kpis(world)
    assert any(s in _everything_as_text() for s in PERSONAL_STRINGS)

    result = retention_sweep_task.call(scheduled_for=timezone.now().isoformat())

    assert result == {"anonymised": 8}
    assert _all_kpis(world) == before
    text = _everything_as_text()
    for personal in PERSONAL_STRINGS:
        assert personal not in text
    assert set(Customer.objects.exclude(pk=recent.pk).values_list("name", flat=True)) == {
        ANONYMISED_NAME
    }
    recent.refresh_from_db()
    assert (recent.name, recent.phone, recent.anonymised_at) == (
        "Recent Rekha",
        "+919812345678",
        None,
    )
    assert AuditEvent.objects.filter(action="customer.anonymise", via="worker").count() == 8
    # Run again: nothing more is due.
    assert retention_sweep_task.call(scheduled_for="x") == {"superseded": True}
    call_command("retention")
    assert AuditEvent.objects.filter(action="customer.anonymise").count() == 8


def test_s4_no_kpi_reads_any_personal_field(world):  # noqa: F811
    """Anonymising every customer of the world (open orders and all) changes no KPI."""
    before = _all_kpis(world)
    now = timezone.now()
    for customer in Customer.objects.all():
        with transaction.atomic():
            _anonymise(customer, reason="anonymise", now=now)
    assert _all_kpis(world) == before
    text = _everything_as_text()
    for personal in PERSONAL_STRINGS:
        assert personal not in text


def test_s4_retention_command_dry_run_counts_and_changes_nothing(db, settings, capsys):
    customer, _ = get_or_create_customer(name="Old Omana", phone="9812345670")
    four_years_ago = timezone.now() - dt.timedelta(days=4 * 365)
    Customer.objects.filter(pk=customer.pk).update(updated_at=four_years_ago)
    call_command("retention", "--dry-run")
    assert "1 customer(s) inactive for more than 1095 days are due" in capsys.readouterr().out
    customer.refresh_from_db()
    assert customer.name == "Old Omana" and customer.anonymised_at is None


# --- erasure ------------------------------------------------------------------------------


def make_order_for_test(*, customer, address, catalog, status, upi_id):
    from orderdesk.orders.models import Order

    return Order.objects.create(
        number="ODPRIVACY1",
        customer=customer,
        channel="app",
        status=status,
        device_model=catalog["iphone"],
        variant=catalog["v128"],
        answers={},
        estimated_price=45000,
        address=address,
        payment_method="upi",
        upi_id=upi_id,
        special_instructions="Call Asha before coming",
    )


def _customer_with_history(catalog, status, *, paid_days_ago=None):
    """Asha, with an address, changed preferences (audited) and one order in ``status``."""
    customer, _ = get_or_create_customer(name="Asha Rao", phone="9876543210", email="asha@ex.in")
    update_preferences(customer, accessibility_needs="hard of hearing")
    address = add_address(
        customer, line1="12 MG Road", landmark="Near Metro", city="Bengaluru", pincode="560034"
    )
    order = make_order_for_test(
        customer=customer, address=address, catalog=catalog, status=status, upi_id="asha@okaxis"
    )
    if paid_days_ago is not None:
        from orderdesk.orders.models import OrderEvent

        event = OrderEvent.objects.create(
            order=order, kind="transition", to_status="paid", data={"reference": "UTR123456"}
        )
        when = timezone.now() - dt.timedelta(days=paid_days_ago)
        OrderEvent.objects.filter(pk=event.pk).update(at=when)
    customer.refresh_from_db()
    return customer, order


def _words_and_messages(customer, order, cast):
    """A call with the customer's own words, a ticket about it, and a message sent to them."""
    from orderdesk.cx.models import Ticket, TicketAction
    from orderdesk.leads.models import ContactAttempt, Disposition, Lead
    from orderdesk.leads.seeding import ensure_default_settings
    from orderdesk.messaging.models import Message, MessageKind

    ensure_default_settings()
    lead = Lead.objects.create(customer=customer, source="app_quote")
    ContactAttempt.objects.create(
        lead=lead,
        agent=cast["sales"],
        channel="call",
        direction="outbound",
        connected=True,
        disposition=Disposition.objects.get(key="waiting_for_quote"),
        notes="Asha wants a better price",
        customer_words="I am Asha Rao from MG Road, call 98765 43210",
    )
    ticket = Ticket.objects.create(
        type="inquiry", customer=customer, order=order, notes="Asha Rao called about payment"
    )
    TicketAction.objects.create(ticket=ticket, kind="listen", text="Asha said the UTR123456")
    Message.objects.create(
        customer=customer,
        kind=MessageKind.objects.first(),
        order=order,
        channel="sms",
        language="en",
        recipient="+919876543210",
        body="Dear Asha Rao, your pickup at 12 MG Road is confirmed.",
        next_attempt_at=timezone.now(),
    )


def _state(customer) -> str:
    records = {
        name: list(qs.order_by("pk").values()) for name, qs in customer_records(customer).items()
    }
    records["audit"] = list(AuditEvent.objects.order_by("pk").values())
    records["redactions"] = list(AuditRedaction.objects.values())
    return json.dumps(records, cls=DjangoJSONEncoder, sort_keys=True)


@pytest.mark.parametrize(
    ("status", "paid_days_ago", "code"),
    [
        ("pickup_scheduled", None, "erasure_order_open"),
        ("completed", 10, "erasure_payment_records_kept"),
    ],
)
def test_s4_erasure_is_refused_naming_the_rule_and_nothing_changes(
    cast, catalog, status, paid_days_ago, code
):
    customer, order = _customer_with_history(catalog, status, paid_days_ago=paid_days_ago)
    before = _state(customer)

    with pytest.raises(Conflict) as err:
        erase_customer(customer, actor=cast["admin"])

    assert (err.value.code, err.value.field, err.value.status) == (code, "customer", 409)
    assert err.value.extra == {"number": order.number}
    assert order.display_number in err.value.message
    assert _state(customer) == before


def test_s4_erasure_allowed_once_payment_records_have_expired(cast, catalog, settings):
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "RETENTION": {"PERSONAL_DATA_DAYS": 1095, "PAYMENT_RECORD_DAYS": 30},
    }
    customer, order = _customer_with_history(catalog, "completed", paid_days_ago=45)
    _words_and_messages(customer, order, cast)
    assert "Asha Rao" in _everything_as_text()
    audit_count = AuditEvent.objects.count()

    counts = erase_customer(customer, actor=cast["admin"])

    customer.refresh_from_db()
    assert customer.name == ANONYMISED_NAME and customer.phone == f"anon-{customer.pk}"
    assert (customer.email, customer.accessibility_needs) == ("", "")
    assert customer.anonymised_at is not None
    order.refresh_from_db()
    assert (order.upi_id, order.status, order.estimated_price) == ("anonymised", "completed", 45000)
    address = customer.addresses.get()
    assert (address.line1, address.landmark, address.city, address.pincode) == (
        "anonymised",
        "anonymised",
        "Bengaluru",
        "560034",
    )
    text = _everything_as_text()
    for personal in ("Asha", "asha@", "43210", "MG Road", "Near Metro", "UTR123456", "hearing"):
        assert personal not in text
    # The trail: every event stays (one more: the erasure itself), personal values redacted.
    assert AuditEvent.objects.count() == audit_count + 1
    erased = AuditEvent.objects.get(action="customer.erase")
    assert (erased.actor, erased.object_id) == (cast["admin"], str(customer.pk))
    assert erased.after["anonymised"]["audit_events"] == counts["audit_events"] >= 3
    redaction = AuditRedaction.objects.get()
    assert (redaction.reason, redaction.open, redaction.events) == (
        "erase",
        False,
        counts["audit_events"],
    )
    created = AuditEvent.objects.get(action="customer.create")
    assert created.after["name"] == "[anonymised]" and created.after["email"] is True

    with pytest.raises(Conflict) as err:
        erase_customer(customer, actor=cast["admin"])
    assert err.value.code == "already_erased"


def test_s4_audit_trail_stays_append_only_outside_the_redaction(db):
    """Without an open redaction the database refuses any UPDATE; with one, it still refuses
    a change to who/what/when; DELETE is always refused."""
    customer, _ = get_or_create_customer(name="Asha Rao", phone="9876543210")
    event = AuditEvent.objects.get()
    for sql in (
        "UPDATE core_auditevent SET object_repr = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRedaction.objects.create(reason="test", object_type="x", object_id="1")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get().action == "customer.create"
    assert AuditEvent.objects.get().object_repr == str(customer)


def test_s4_export_holds_everything_and_is_audited(cast, catalog):
    customer, order = _customer_with_history(catalog, "completed", paid_days_ago=5)

    document = export_customer_data(customer, actor=cast["admin"])

    assert document["customer"][0]["phone"] == "+919876543210"
    assert document["customer"][0]["email"] == "asha@ex.in"
    assert document["addresses"][0]["line1"] == "12 MG Road"
    assert document["orders"][0]["number"] == order.number
    assert document["orders"][0]["upi_id"] == "asha@okaxis"
    assert [e["to_status"] for e in document["order_events"]] == ["paid"]
    json.dumps(document)  # JSON-ready as it is
    event = AuditEvent.objects.get(action="customer.export")
    assert event.actor == cast["admin"]
    assert event.after["sections"]["orders"] == 1 and event.after["sections"]["addresses"] == 1
    assert "9876543210" not in json.dumps(event.after)
