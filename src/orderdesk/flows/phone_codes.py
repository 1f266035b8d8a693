"""The one-time phone code (customers, messaging): the storefront's and the app's (issue 21, 10).

A code is sent by SMS through the outbox and kept only as a salted HMAC
(``customers.models.PhoneVerification``, ``customers.phone_codes``). The storefront asks
one before a web order; the customer app asks one before an order for a phone that is
already a customer's, because the app's token is a shared secret that can leak and a
phone number alone proves nothing. ``door`` names who asked, in the audit action
(``storefront.code_sent``, ``app.code_sent``…).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from orderdesk.core import audit
from orderdesk.core.context import CustomerActor
from orderdesk.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orderdesk.customers import phone_codes as rules
from orderdesk.customers.actions import get_or_create_customer
from orderdesk.customers.models import Customer, PhoneVerification
from orderdesk.messaging.actions import enqueue_message


def request_phone_code(
    *,
    name: str,
    phone: str,
    language: str = "en",
    door: str = "storefront",
    now: dt.datetime | None = None,
) -> PhoneVerification:
    """Send a fresh one-time code to ``phone`` through the outbox (SMS), kept only hashed.

    1. The customer with this phone, created (with ``name`` and ``language``) if new.
    2. A ``PhoneVerification`` row: salted HMAC of the code, expiry, no attempts yet.
    3. The ``phone_verification`` message in the outbox, in this transaction (N1).
    Rate limits (per phone, per address) are the door's, before this is called.
    """
    now = now or timezone.now()
    with transaction.atomic():
        customer, _ = get_or_create_customer(name=name, phone=phone, language=language)
        code, salt = rules.new_code(), rules.new_salt()
        ttl = rules.conf()["CODE_TTL_MINUTES"]
        verification = PhoneVerification.objects.create(
            customer=customer,
            code_hash=rules.code_digest(code, salt),
            salt=salt,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=ttl),
        )
        enqueue_message(
            customer=customer,
            kind="phone_verification",
            context={"code": code, "minutes": str(ttl)},
            channels=["sms"],
            dedupe_key=f"phone-code:{verification.pk}",
        )
        audit.record(
            f"{door}.code_sent",
            verification,
            actor=CustomerActor(customer.pk),
            after={"expires_at": verification.expires_at.isoformat()},
        )
    return verification


def verify_phone_code(
    verification_id: int,
    code: str,
    *,
    door: str = "storefront",
    field: str = "code",
    now: dt.datetime | None = None,
) -> PhoneVerification:
    """Check ``code``. Returns the verified row, or raises; a wrong code is counted.

    Refusals, on ``field``: ``code_unknown`` (404), ``code_expired`` (422),
    ``code_attempts_exceeded`` (409, after ``CODE_MAX_ATTEMPTS`` wrong codes),
    ``code_wrong`` (422, one more attempt counted by a conditional UPDATE, committed
    although the request is refused: the limit must hold against guessing).
    A row already verified answers again only to the right code: its id alone is no proof.
    """
    now = now or timezone.now()
    limit = rules.conf()["CODE_MAX_ATTEMPTS"]
    with transaction.atomic():
        row = PhoneVerification.objects.select_for_update().filter(pk=verification_id).first()
        if row is None:
            raise NotFound("Ask for a new code.", code="code_unknown", field=field)
        right = rules.code_matches(code, row.salt, row.code_hash)
        if row.verified_at is not None and right:
            return row
        if row.expires_at <= now:
            raise ValidationFailed(
                "This code has expired. Ask for a new one.", code="code_expired", field=field
            )
        if row.attempts >= limit:
            raise Conflict(
                "Too many wrong codes. Ask for a new one.",
                code="code_attempts_exceeded",
                field=field,
            )
        actor = CustomerActor(row.customer_id)
        if right:
            row.verified_at = now
            row.save(update_fields=["verified_at"])
            audit.record(
                f"{door}.phone_verified", row, actor=actor, after={"customer": row.customer_id}
            )
            return row
        PhoneVerification.objects.filter(pk=row.pk, attempts__lt=limit).update(
            attempts=F("attempts") + 1
        )
        audit.record(f"{door}.code_wrong", row, actor=actor, after={"attempts": row.attempts + 1})
        left = max(0, limit - row.attempts - 1)
    raise ValidationFailed(
        f"That code is not right. {left} tries left.",
        code="code_wrong",
        field=field,
        extra={"attempts_left": left},
    )


def prove_phone(
    phone_e164: str,
    verification_id: int | None,
    code: str,
    *,
    door: str,
    field: str,
    always: bool = False,
    now: dt.datetime | None = None,
) -> Customer | None:
    """The customer of ``phone_e164`` if the code proves the caller holds that phone.

    ``None`` when the phone is nobody's yet (nothing to prove), unless ``always``: then the
    same refusals as for a known phone, so the answer does not tell whether it is one. The
    verification must be for this customer and its code right (counted when wrong, as
    above), and the code not expired: 403 ``phone_verification_required`` when none is
    sent, 422 ``phone_verification_mismatch`` when it is another phone's.
    """
    now = now or timezone.now()
    customer = Customer.objects.filter(phone=phone_e164).first()
    if customer is None and not always:
        return None
    if not verification_id or not code:
        raise Forbidden(
            "This phone belongs to an existing customer: verify it with the one-time code "
            "(POST /api/v1/phone-codes) and send the code with the request.",
            code="phone_verification_required",
            field=field,
        )
    owner = PhoneVerification.objects.filter(pk=verification_id).values_list(
        "customer_id", flat=True
    )
    if customer is None or owner.first() not in (None, customer.pk):
        raise ValidationFailed(
            "This code was sent to another phone.",
            code="phone_verification_mismatch",
            field=field,
        )
    row = verify_phone_code(verification_id, code, door=door, field=field, now=now)
    if row.expires_at <= now:
        raise ValidationFailed(
            "This code has expired. Ask for a new one.", code="code_expired", field=field
        )
    return customer
