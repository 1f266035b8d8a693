"""What we buy, what we pay, and where we pick up (SPEC §2, §4 M2/M3, §6 O2)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from orderdesk.catalog import rules
from orderdesk.catalog.rules import model_display
from orderdesk.core.models import TimeStampedModel
from orderdesk.core.money import format_inr
from orderdesk.customers.models import pincode_validator


class DeviceType(TimeStampedModel):
    """Phone, laptop, tablet, mac… Each has its own condition questionnaire and price floor."""

    key = models.SlugField(
        max_length=30, unique=True, help_text="stable key used by the API, e.g. phone"
    )
    name = models.CharField(max_length=60)
    floor_price = models.PositiveIntegerField(
        help_text="The lowest estimate we ever quote for this type, in rupees, whatever the condition."
    )

    def __str__(self) -> str:
        return self.name


class Brand(TimeStampedModel):
    name = models.CharField(max_length=60, unique=True)

    def __str__(self) -> str:
        return self.name


class DeviceModel(TimeStampedModel):
    """A model we buy, e.g. Apple iPhone 15 Pro. High-end models get assisted conversion (M1)."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="models")
    device_type = models.ForeignKey(DeviceType, on_delete=models.PROTECT, related_name="models")
    name = models.CharField(max_length=100)
    high_end = models.BooleanField(default=False, db_index=True)
    release_year = models.PositiveSmallIntegerField(null=True, blank=True)
    active = models.BooleanField(
        default=True, help_text="Inactive models are not in the catalog (M2)."
    )

    class Meta:
        ordering = ["brand__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="model_unique_per_brand")
        ]

    @property
    def display_name(self) -> str:
        """Brand and model once (catalog.rules.model_display)."""
        return model_display(self.brand.name, self.name)

    def __str__(self) -> str:
        return self.display_name


class Variant(TimeStampedModel):
    """A storage / RAM / CPU configuration with the price of a flawless unit."""

    model = models.ForeignKey(DeviceModel, on_delete=models.PROTECT, related_name="variants")
    name = models.CharField(max_length=80, help_text="e.g. 8 GB / 256 GB")
    base_price = models.PositiveIntegerField(help_text="rupees, for a device in perfect condition")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["model", "base_price"]
        constraints = [
            models.UniqueConstraint(fields=["model", "name"], name="variant_unique_per_model"),
            models.CheckConstraint(
                name="variant_base_price_positive", condition=Q(base_price__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.name}"


class ConditionQuestion(TimeStampedModel):
    """One question of a device type's condition questionnaire; every one must be answered."""

    device_type = models.ForeignKey(DeviceType, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=40)
    text = models.CharField(max_length=200)
    help_text = models.CharField(max_length=300, blank=True)
    # Hindi for the storefront's Hindi pages (issue 19); blank falls back to English.
    text_hi = models.CharField("text (Hindi)", max_length=200, blank=True)
    help_text_hi = models.CharField("help text (Hindi)", max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["device_type", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device_type", "key"], name="question_key_unique_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_type.key}: {self.text}"

    def text_in(self, lang: str) -> str:
        """The question in ``lang`` ("hi" or "en"); English when no Hindi is kept."""
        return rules.in_language(self.text, self.text_hi, lang)

    def help_text_in(self, lang: str) -> str:
        return rules.in_language(self.help_text, self.help_text_hi, lang)


class ConditionOption(TimeStampedModel):
    """An answer and what it does to the price: a percentage, then a flat amount."""

    question = models.ForeignKey(
        ConditionQuestion, on_delete=models.CASCADE, related_name="options"
    )
    key = models.SlugField(max_length=40)
    label = models.CharField(max_length=120)
    label_hi = models.CharField(
        "label (Hindi)", max_length=120, blank=True, help_text="blank: the English label"
    )
    adjustment_percent = models.SmallIntegerField(
        default=0, help_text="applied to the running price, e.g. -30 takes 30% off"
    )
    adjustment_flat = models.IntegerField(
        default=0, help_text="rupees added (negative: deducted) after percentages"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "key"], name="option_key_unique_per_question"
            ),
            models.CheckConstraint(
                name="option_percent_in_range",
                condition=Q(adjustment_percent__gte=-100) & Q(adjustment_percent__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def label_in(self, lang: str) -> str:
        """The answer in ``lang`` ("hi" or "en"); English when no Hindi is kept."""
        return rules.in_language(self.label, self.label_hi, lang)


class City(TimeStampedModel):
    name = models.CharField(max_length=80, unique=True)
    state = models.CharField(max_length=80)

    class Meta:
        verbose_name_plural = "cities"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServedPincode(TimeStampedModel):
    """A pincode we pick up from, and which device types we take there (M2)."""

    pincode = models.CharField(max_length=6, unique=True, validators=[pincode_validator])
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="pincodes")
    area = models.CharField(max_length=80, blank=True, help_text="locality, e.g. Koramangala")
    device_types = models.ManyToManyField(DeviceType, related_name="served_pincodes")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["pincode"]

    def __str__(self) -> str:
        return f"{self.pincode} {self.area or self.city.name}"


class Vendor(TimeStampedModel):
    """A field partner who picks devices up, inspects them and pays on the spot."""

    name = models.CharField(max_length=120, unique=True)
    phone = models.CharField(max_length=16, help_text="E.164")
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="vendors")
    pincodes = models.ManyToManyField(ServedPincode, related_name="vendors", blank=True)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class PickupSlot(TimeStampedModel):
    """A pickup window in a city with a capacity. ``booked`` never exceeds ``capacity``:
    a database check keeps it so, and ``book_slot`` books with a conditional UPDATE."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField(db_index=True)
    window_start = models.TimeField()
    window_end = models.TimeField()
    capacity = models.PositiveIntegerField()
    booked = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["date", "window_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "date", "window_start"], name="slot_unique_per_city_window"
            ),
            models.CheckConstraint(
                name="slot_booked_within_capacity", condition=Q(booked__lte=F("capacity"))
            ),
            models.CheckConstraint(
                name="slot_window_ordered", condition=Q(window_end__gt=F("window_start"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.date} {self.window}"

    @property
    def window(self) -> str:
        return f"{self.window_start:%H:%M}-{self.window_end:%H:%M}"

    @property
    def available(self) -> int:
        return max(self.capacity - self.booked, 0)


class Quote(models.Model):
    """A price the server computed for a variant and a set of answers (never typed by a person)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="quotes")
    answers = models.JSONField(help_text="{question_key: option_key}")
    pincode = models.CharField(max_length=6, blank=True)
    base_price = models.PositiveIntegerField()
    estimated_price = models.PositiveIntegerField()
    valid_until = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.variant}: {format_inr(self.estimated_price)}"
