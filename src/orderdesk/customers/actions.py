"""Writes on customers and addresses; atomic and audited."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from orderdesk.accounts.permissions import Perm, require
from orderdesk.core import audit
from orderdesk.core.context import acting_as, current_ip, current_via
from orderdesk.core.errors import ValidationFailed
from orderdesk.core.models import AuditEvent
from orderdesk.core.phones import mask_phone, normalise_phone
from orderdesk.customers.models import Address, Customer
from orderdesk.customers.privacy import (
    ANONYMISED,
    ANONYMISED_NAME,
    conf,
    contributors,
    customer_records,
    due_for_anonymisation,
    erasure_refusal,
)
from orderdesk.customers.validators import clean_pincode

PREFERENCE_FIELDS = ("language", "whatsapp_opt_in", "do_not_contact", "accessibility_needs")

#: Called as ``hook(customer, before, after)`` inside ``update_preferences``' transaction,
#: after the change is saved. Upper apps register at ``ready()`` (messaging keeps the
#: WhatsApp consent ledger this way); customers never imports them.
PREFERENCE_HOOKS: list = []


def register_preference_hook(hook) -> None:
    if hook not in PREFERENCE_HOOKS:
        PREFERENCE_HOOKS.append(hook)


#: Called as ``hook(customer) -> dict`` (counts) inside ``_anonymise``, before the
#: customer's own row loses its phone: the personal data upper apps keep on the customer
#: (messaging: WhatsApp messages they sent us, the consent ledger's evidence).
ERASURE_HOOKS: list = []


def register_erasure_hook(hook) -> None:
    if hook not in ERASURE_HOOKS:
        ERASURE_HOOKS.append(hook)


def _audit_view(customer: Customer) -> dict:
    # S2: the audit trail keeps the masked phone, never the full number.
    return {
        "name": customer.name,
        "phone": mask_phone(customer.phone),
        "email": bool(customer.email),
        **{f: getattr(customer, f) for f in PREFERENCE_FIELDS},
    }


def get_or_create_customer(
    *, name: str, phone: str, email: str = "", **preferences
) -> tuple[Customer, bool]:
    """The customer with this phone (however it was typed), created if new.

    Safe under concurrency: the unique index on ``phone`` decides; a racing
    insert falls back to reading the row the other request created.
    """
    e164 = normalise_phone(phone)
    name = (name or "").strip()
    existing = Customer.objects.filter(phone=e164).first()
    if existing:
        return existing, False
    if not name:
        raise ValidationFailed("The customer's name is required.", code="required", field="name")
    # The customer and its audit event commit together (in the caller's transaction, or
    # in one of their own); only the insert has a savepoint, for the race below. The
    # event is recorded outside it, so a caller's ``audit.batched()`` can defer it.
    with transaction.atomic(savepoint=False):
        try:
            with transaction.atomic():  # the unique phone may refuse the insert (a race)
                customer = Customer.objects.create(
                    name=name[:120], phone=e164, email=email or "", **preferences
                )
        except IntegrityError:
            return Customer.objects.get(phone=e164), False
        audit.record("customer.create", customer, after=_audit_view(customer))
    return customer, True


@transaction.atomic
def update_preferences(customer: Customer, **changes) -> Customer:
    unknown = set(changes) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValidationFailed(
            f"Unknown preference {sorted(unknown)[0]!r}.",
            code="unknown_field",
            field=sorted(unknown)[0],
        )
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = _audit_view(customer)
    for field, value in changes.items():
        setattr(customer, field, value)
    customer.save(update_fields=[*changes, "updated_at"])
    after = _audit_view(customer)
    audit.record("customer.update_preferences", customer, before=before, after=after)
    for hook in PREFERENCE_HOOKS:
        hook(customer, before, after)
    return customer


def add_address(
    customer: Customer,
    *,
    line1: str,
    landmark: str,
    city: str,
    pincode: str,
    line2: str = "",
    state: str = "",
) -> Address:
    errors = []
    for field, value in (("line1", line1), ("landmark", landmark), ("city", city)):
        if not (value or "").strip():
            errors.append(field)
    if errors:
        raise ValidationFailed(
            f"The pickup address needs {', '.join(errors)}.",
            code="address_incomplete",
            field=errors[0],
        )
    pincode = clean_pincode(pincode)
    # A refusal above writes nothing; the two writes join the caller's transaction (no
    # savepoint: nothing here is rolled back alone) or open one.
    with transaction.atomic(savepoint=False):
        address = Address.objects.create(
            customer=customer,
            line1=line1.strip(),
            line2=(line2 or "").strip(),
            landmark=landmark.strip(),
            city=city.strip(),
            state=(state or "").strip(),
            pincode=pincode,
        )
        audit.record(
            "address.create",
            address,
            after={"customer": customer.pk, "city": address.city, "pincode": address.pincode},
        )
    return address


# --- S4: the customer's rights and the retention period --------------------------------


def _plain(instance) -> dict:
    """A row as JSON-ready data: every concrete field, foreign keys by id. A field the
    section's queryset defers is left out (a contributor's way to keep a secret column,
    e.g. a one-time code's hash, out of the export)."""
    from django.core.serializers.json import DjangoJSONEncoder

    encoder = DjangoJSONEncoder()
    deferred = instance.get_deferred_fields()
    data = {}
    for field in instance._meta.concrete_fields:
        if field.attname in deferred:
            continue
        value = getattr(instance, field.attname)
        data[field.attname] = (
            value
            if value is None or isinstance(value, str | int | float | bool | dict | list)
            else encoder.default(value)
        )
    return data


def check_data_rights(actor) -> None:
    """S4: a person who exports or erases a customer's data holds ``CUSTOMER_DATA_RIGHTS``
    (401/403 otherwise). ``actor=None`` is the system (a management command, a job)."""
    if actor is not None:
        require(actor, Perm.CUSTOMER_DATA_RIGHTS)


def export_customer_data(customer: Customer, *, actor=None) -> dict:
    """S4: everything orderdesk holds on ``customer``, as one JSON-ready document. Audited.
    Refused unless ``actor`` may (``check_data_rights``).

    Full values (phones, payment details), because the export is for the customer
    themselves; the audit event records who exported it and what it held (counts only).
    """
    check_data_rights(actor)
    with transaction.atomic():
        sections = {
            name: [_plain(row) for row in qs.order_by("pk")]
            for name, qs in customer_records(customer).items()
        }
        document = {
            "format": "orderdesk.customer-export/1",
            "exported_at": timezone.now().isoformat(),
            "customer_id": customer.pk,
            **sections,
        }
        audit.record(
            "customer.export",
            customer,
            after={"sections": {name: len(rows) for name, rows in sections.items()}},
            actor=actor,
        )
    return document


def _anonymise(customer: Customer, *, reason: str, now) -> dict:
    """Remove the customer's personal data everywhere; keep every row the KPIs count.

    Precondition: inside a transaction, holding the customer's row lock. Returns how
    many rows of each kind were anonymised. Kept: ids, statuses, times, prices, devices,
    dispositions, channels, city, state and pincode (the KPIs' city scope and service
    areas need them; a pincode is an area, not a door).
    """
    records = customer_records(customer)
    words = [customer.name, customer.phone, customer.masked_phone, customer.email]
    words += [customer.alternate_phone]
    for address in records["addresses"]:
        words += [address.line1, address.landmark, str(address)]
    for contributor in contributors():
        words += contributor.personal_words(records)

    counts = {}
    counts["addresses"] = records["addresses"].update(
        line1=ANONYMISED, line2="", landmark=ANONYMISED
    )
    for contributor in contributors():
        counts.update(contributor.anonymise(records))

    for hook in ERASURE_HOOKS:
        counts.update(hook(customer))

    Customer.objects.filter(pk=customer.pk).update(
        name=ANONYMISED_NAME,
        phone=f"anon-{customer.pk}",  # unique, and no longer a phone number
        alternate_phone="",
        email="",
        accessibility_needs="",
        anonymised_at=now,
        updated_at=now,
    )
    customer.refresh_from_db()

    # The audit trail: the one sanctioned redaction (core.audit.redact), then its own event.
    own = Q(object_type="customers.customer", object_id=str(customer.pk))
    labels = {"addresses": "customers.address"}
    for contributor in contributors():
        labels.update(contributor.audit_labels)
    for name, label in labels.items():
        ids = [str(pk) for pk in records[name].values_list("pk", flat=True)]
        if ids:
            own |= Q(object_type=label, object_id__in=ids)
    counts["audit_events"] = audit.redact(
        AuditEvent.objects.filter(own), reason=reason, obj=customer, personal_words=words
    )
    audit.record(f"customer.{reason}", customer, after={"anonymised": counts})
    return counts


def erase_customer(customer: Customer, *, actor=None, now=None) -> dict:
    """S4: erase the customer's personal data at their request, where the law allows.

    Refused (``Conflict``, nothing changed) while an order is open
    (``erasure_order_open``), while a paid order's payment records must still be kept
    (``erasure_payment_records_kept``) or when already erased (``already_erased``).
    Returns the counts of anonymised rows by kind. Refused first unless ``actor`` may
    (``check_data_rights``).
    """
    check_data_rights(actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        refusal = erasure_refusal(locked, now=now)
        if refusal is not None:
            raise refusal
        if actor is None:
            return _anonymise(locked, reason="erase", now=now)
        # The erasure's own audit event names the admin, through whichever door they came.
        with acting_as(actor, ip=current_ip(), via=current_via()):
            return _anonymise(locked, reason="erase", now=now)


def anonymise_expired_customers(*, now=None, batch_size: int | None = None) -> int:
    """S4: the retention job. Anonymise customers past the retention period; how many.

    One transaction per customer, re-checked under the row lock, so a customer who
    comes back (a new order) between the selection and the write is left alone.
    """
    now = now or timezone.now()
    limit = batch_size or conf().batch_size
    done = 0
    for pk in list(due_for_anonymisation(now).values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            locked = (
                due_for_anonymisation(now).select_for_update(of=("self",)).filter(pk=pk).first()
            )
            if locked is None:
                continue
            _anonymise(locked, reason="anonymise", now=now)
            done += 1
    return done
