"""Customers, their addresses and how they want to be contacted (SPEC §2)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models

from orderdesk.core.models import TimeStampedModel
from orderdesk.core.phones import mask_phone
from orderdesk.core.places import landmark_phrase
from orderdesk.customers.choices import Language

pincode_validator = RegexValidator(
    r"^[1-9][0-9]{5}$", "A pincode is 6 digits and does not start with 0."
)


class Customer(TimeStampedModel):
    """A person who sells us a device. One customer per phone number (E.164)."""

    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=16, unique=True, help_text="E.164, e.g. +919876543210")
    alternate_phone = models.CharField(max_length=16, blank=True)
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    whatsapp_opt_in = models.BooleanField(
        default=False, help_text="N3: WhatsApp only with the customer's opt-in."
    )
    do_not_contact = models.BooleanField(
        default=False, help_text="D9: never called or messaged for sales."
    )
    accessibility_needs = models.CharField(
        max_length=200, blank=True, help_text='e.g. "hard of hearing — prefers WhatsApp"'
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name} ({mask_phone(self.phone)})"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Address(TimeStampedModel):
    """A pickup address. The landmark is how vendors find the door."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    landmark = models.CharField(max_length=120)
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=80, blank=True)
    pincode = models.CharField(max_length=6, validators=[pincode_validator], db_index=True)

    class Meta:
        verbose_name_plural = "addresses"
        constraints = [
            models.CheckConstraint(
                name="address_pincode_six_digits",
                condition=models.Q(pincode__regex=r"^[1-9][0-9]{5}$"),
            ),
        ]

    def __str__(self) -> str:
        parts = [
            self.line1,
            self.line2,
            landmark_phrase(self.landmark),
            self.city,
            self.pincode,
        ]
        return ", ".join(p for p in parts if p)


class RetentionState(models.Model):
    """The retention job's chain schedule (one row), like ``cx.SlaSweepState`` (S4)."""

    name = models.CharField(max_length=20, unique=True, default="retention")
    next_sweep_at = models.DateTimeField(null=True, blank=True)
    last_sweep_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"retention sweep next at {self.next_sweep_at}"


class PhoneVerification(models.Model):
    """One one-time code sent to a phone through the outbox (``flows.phone_codes``).

    Asked by the storefront before a web order and by the customer app before an order
    for a phone that is already a customer's (issue 21, 10). The table keeps its old
    name (``storefront_phoneverification``): the model moved here in state only.

    Only a salted HMAC of the code is kept (``code_hash``), never the code. The phone is
    the customer's (no copy here, so erasing the customer erases it). A code is
    good until ``expires_at`` and for ``CODE_MAX_ATTEMPTS`` wrong tries; each wrong try
    is counted with a conditional UPDATE, so parallel guesses cannot exceed the limit.
    """

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="phone_verifications"
    )
    code_hash = models.CharField(max_length=64)
    salt = models.CharField(max_length=32)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0, help_text="wrong codes tried")
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "storefront_phoneverification"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"code for customer {self.customer_id} at {self.created_at:%Y-%m-%d %H:%M}"
