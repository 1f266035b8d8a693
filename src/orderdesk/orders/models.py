"""Orders, their history, the duplicate guard and agent accountability (SPEC §4, §5, §6)."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orderdesk.core.models import TimeStampedModel
from orderdesk.core.timeutil import ist_label
from orderdesk.orders.choices import (
    OPEN_STATUSES,
    Channel,
    CreationReason,
    OrderStatus,
    PaymentMethod,
)
from orderdesk.orders.rules import display_order_number


class Order(TimeStampedModel):
    """One pickup a customer sells us devices in, from booking to payment (issue 15 item 4).

    The devices are the order's ``items`` (``OrderItem``); ``estimated_price`` is their
    sum and ``final_price`` the sum of the accepted items' inspected prices. The
    ``device_model``/``variant``/``answers`` fields here repeat the first item, so
    readers that name "the device" of an order keep a sensible answer; every item
    carries its own X1 guard (``one_open_item_per_customer_device``).

    ``status`` changes only through ``orders.lifecycle.transition`` (one table, O1).
    X1/X2: the partial unique index ``one_open_item_per_customer_device`` (on the
    items) lets a customer hold each device model on at most one open order; a
    supervisor's override gives the new order's items a unique ``guard_key`` so they
    stand beside the first.
    """

    number = models.CharField(
        max_length=12, unique=True, help_text="M7: OD + 7 characters + check character"
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders_created",
        help_text="M8: the agent (or API client) who created the order stays on it.",
    )
    source_lead = models.ForeignKey(
        "leads.Lead",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        help_text="the lead the order came from (D7)",
    )
    reason = models.CharField(
        max_length=40, choices=CreationReason.choices, blank=True, help_text="M1, agent orders only"
    )
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.CREATED, db_index=True
    )

    # The first item's device (every item is an ``OrderItem``) and the order's totals.
    device_model = models.ForeignKey(
        "catalog.DeviceModel", on_delete=models.PROTECT, related_name="orders"
    )
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="orders")
    answers = models.JSONField(help_text="condition answers {question_key: option_key}")
    accessories = models.CharField(max_length=200, blank=True)
    quote = models.ForeignKey(
        "catalog.Quote", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    estimated_price = models.PositiveIntegerField(
        help_text="rupees, computed by the server (M3): the sum of the items' estimates"
    )
    final_price = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="rupees, set at inspection (O4): the sum of the accepted items' prices",
    )

    # Pickup.
    address = models.ForeignKey(
        "customers.Address", on_delete=models.PROTECT, related_name="orders"
    )
    slot = models.ForeignKey(
        "catalog.PickupSlot", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    vendor = models.ForeignKey(
        "catalog.Vendor", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    special_instructions = models.CharField(
        max_length=300, blank=True, help_text='e.g. "call before coming"'
    )

    # Payment (S2: shown masked except where the task needs it).
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    upi_id = models.CharField(max_length=100, blank=True)
    bank_account_number = models.CharField(max_length=20, blank=True)
    ifsc = models.CharField(max_length=11, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)

    # Consent (M4) and price confirmation (M3 C), for agent orders.
    consent_statement = models.CharField(max_length=300, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    price_confirmed_at = models.DateTimeField(null=True, blank=True)

    # X1 override and X4 duplicates.
    guard_key = models.CharField(
        max_length=32, blank=True, default="", help_text="empty unless a supervisor overrode X1"
    )
    duplicate_override_reason = models.CharField(max_length=300, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )

    cancellation_reason = models.CharField(max_length=40, blank=True)
    cancellation_notes = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="order_payment_details_present",
                condition=(Q(payment_method=PaymentMethod.UPI) & ~Q(upi_id=""))
                | (Q(payment_method=PaymentMethod.BANK) & ~Q(bank_account_number="") & ~Q(ifsc="")),
            ),
            models.CheckConstraint(
                name="agent_order_has_reason_and_consent",
                condition=~Q(channel=Channel.AGENT) | (~Q(reason="") & Q(consent_at__isnull=False)),
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status"]),
            models.Index(fields=["created_by", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            # Issue 17 (P4): the KPI roll-up's change scan (kpis.rollup._changes).
            models.Index(fields=["updated_at"], name="order_updated_at_idx"),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return display_order_number(self.number)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ItemOutcome(models.TextChoices):
    """What the inspection decided for one item (issue 15 item 4)."""

    PENDING = "pending", _("Not inspected yet")
    ACCEPTED = "accepted", _("Accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")  # some of its quantity returned
    RETURNED = "returned", _("Returned to the customer")


class OrderItem(models.Model):
    """One device line of an order: its variant, quantity, answers, estimate and inspection.

    X1 per item: the partial unique index ``one_open_item_per_customer_device`` lets a
    customer hold a device model on at most one open order. ``customer`` and ``is_open``
    repeat the order's so the database can keep the guard; ``orders.lifecycle`` keeps
    ``is_open`` in step with the order's status (a returned item stays in the set until its
    order closes: docs/decisions.md).
    ``guard_key`` is the order's (a supervisor's override) for the first item of a model
    in the order; a later item of the same model in the same order gets a key of its own,
    since one pickup carrying it twice is not a duplicate order.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(help_text="1, 2, … in the order")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    device_model = models.ForeignKey(
        "catalog.DeviceModel", on_delete=models.PROTECT, related_name="order_items"
    )
    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.PROTECT, related_name="order_items"
    )
    quantity = models.PositiveSmallIntegerField(default=1)
    answers = models.JSONField(help_text="condition answers {question_key: option_key}")
    quote = models.ForeignKey(
        "catalog.Quote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_price = models.PositiveIntegerField(help_text="rupees per device, computed by the server")
    estimated_price = models.PositiveIntegerField(help_text="unit_price x quantity (M3)")
    outcome = models.CharField(
        max_length=20, choices=ItemOutcome.choices, default=ItemOutcome.PENDING
    )
    accepted_quantity = models.PositiveSmallIntegerField(null=True, blank=True)
    final_price = models.PositiveIntegerField(
        null=True, blank=True, help_text="rupees for the accepted devices, set at inspection"
    )
    guard_key = models.CharField(max_length=64, blank=True, default="")
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["order_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "device_model", "guard_key"],
                condition=Q(is_open=True),
                name="one_open_item_per_customer_device",
            ),
            models.UniqueConstraint(fields=["order", "position"], name="order_item_position"),
            models.CheckConstraint(
                name="order_item_quantity_bounded",
                condition=Q(quantity__gte=1) & Q(quantity__lte=5),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.variant}" if self.quantity > 1 else str(self.variant)

    @property
    def accepted_estimate(self) -> int:
        """The estimate of the devices accepted at inspection (O4 compares against it)."""
        if self.accepted_quantity is None:
            return self.estimated_price
        return self.unit_price * self.accepted_quantity


class DuplicateOverride(models.Model):
    """X1's supervisor override, granted ahead (issue 15 item 4): the customer may open one
    more order holding ``device_model`` while ``for_order`` holds it. The next order that
    clashes on that model uses it (its item takes ``guard_key``) and it is spent."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    device_model = models.ForeignKey(
        "catalog.DeviceModel", on_delete=models.PROTECT, related_name="+"
    )
    for_order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="duplicate_overrides"
    )
    reason = models.CharField(max_length=300)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    guard_key = models.CharField(max_length=64, unique=True)
    used_by = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            # one override waiting per customer and device: two supervisors granting at once
            # make one (override_exists for the other)
            models.UniqueConstraint(
                fields=["customer", "device_model"],
                condition=Q(used_by__isnull=True),
                name="one_waiting_override_per_customer_device",
            )
        ]

    def __str__(self) -> str:
        return f"X1 override for {self.device_model} ({'spent' if self.used_by_id else 'open'})"


class OrderEvent(models.Model):
    """The order's history: every creation, transition and amendment, who and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(
        max_length=40, help_text="created, transition, amended, marked_duplicate, …"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order} {self.kind} {self.from_status}→{self.to_status}"


class DuplicateAttempt(models.Model):
    """X4: a refused attempt to open a second order for the same customer and device."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    device_model = models.ForeignKey(
        "catalog.DeviceModel", on_delete=models.CASCADE, related_name="+"
    )
    existing_order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="refused_duplicates"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"duplicate of {self.existing_order} at {ist_label(self.at)}"


class IdempotencyRecord(models.Model):
    """X3: the first response to an ``Idempotency-Key``, replayed for the same body."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(encoder=DjangoJSONEncoder)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class AgentError(models.Model):
    """M8: an error found in an agent's order, recorded by ops or a supervisor."""

    class Kind(models.TextChoices):
        WRONG_MODEL = "wrong_model", _("Wrong model or variant")
        WRONG_CONDITION = "wrong_condition", _("Incorrect condition selection")
        WRONG_PINCODE = "wrong_pincode", _("Wrong pincode")
        MISSING_ADDRESS = "missing_address", _("Missing address details")
        NO_CONSENT = "no_consent", _("Order created without consent")
        OVER_PROMISED_PRICE = "over_promised_price", _("Over-promised the final price")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="order_errors"
    )
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="agent_errors")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    notes = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.agent} {self.kind} on {self.order}"


class AgentRestoration(models.Model):
    """M8: a supervisor restores manual creation to a restricted agent, after retraining."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restorations"
    )
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.agent} restored by {self.restored_by}"


class PickupFeedback(models.Model):
    """Issue 15, item 12: the customer's answer to the feedback request sent when the order
    completes (1-5), stored once, like CSAT (C3): by the signed link (``nonce`` is in the
    token) or by replying with the score and ``reply_code`` ("4 K7M2QX"). The KPI "Pickup
    feedback" counts the answers by the day they came, for the agent who created the order
    and the order's city. The answer is written by a conditional UPDATE on ``score IS NULL``.
    """

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="feedback")
    nonce = models.CharField(max_length=32, unique=True)
    reply_code = models.CharField(max_length=8, unique=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.CharField(max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_via = models.CharField(max_length=10, blank=True, help_text="link or reply")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="feedback_score_1_to_5",
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
            ),
            models.CheckConstraint(
                name="feedback_answer_complete",
                condition=Q(score__isnull=True, answered_at__isnull=True)
                | Q(score__isnull=False, answered_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["answered_at"], name="orders_feedback_answered")]

    def __str__(self) -> str:
        return f"Feedback {self.order_id}: {self.score or '—'}"
