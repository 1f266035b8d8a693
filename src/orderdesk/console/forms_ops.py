"""The ops order page's forms (console/ops_views.py): one ``forms.Form`` class per form.

A move's form is built from the order transition table (``orders.transitions``: a move
takes its ``inputs``, no more); each non-moving action has its own class in
``ACTION_FORMS`` (an action with no inputs of its own takes only notes). Every form
takes the order first, since its choices (slots, vendors, variants) depend on it.
"""

from __future__ import annotations

from django import forms

from orderdesk.catalog.selectors import (
    active_variants_of_type,
    questionnaire,
    slots_from_today,
)
from orderdesk.core.money import format_inr
from orderdesk.core.timeutil import today_ist
from orderdesk.orders import effects
from orderdesk.orders import transitions as table
from orderdesk.orders.choices import OrderStatus, PaymentMethod
from orderdesk.orders.models import ItemOutcome, Order

REASON_LABELS = dict(table.CancellationReason.choices) | dict(table.PickupFailureReason.choices)


def slot_choices(order: Order) -> list[tuple[str, str]]:
    """Other slots of the order's city from today on, with a free place."""
    return [
        (str(s.pk), f"{s.date:%a %d %b} {s.window} — {s.available} of {s.capacity} free")
        for s in slots_from_today(order.address.pincode, today=today_ist())
        if s.pk != order.slot_id and s.available > 0
    ]


def vendor_choices(order: Order, *, exclude_id=None) -> list[tuple[str, str]]:
    """The pincode's vendors with their load on the pickup day; blank = least loaded."""
    day = order.slot.date if order.slot_id else today_ist()
    return [("", "Least loaded (automatic)")] + [
        (str(v.pk), f"{v.name} — {load} pickup{'s' if load != 1 else ''} that day")
        for v, load in effects.vendor_loads(order.address.pincode, day)
        if v.pk != exclude_id
    ]


def textarea(label, required=False, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=500,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OrderForm(forms.Form):
    """A form about one order; ``prefix`` keeps the page's many forms apart."""

    def __init__(self, order: Order, data=None, *, prefix: str):
        super().__init__(data, prefix=prefix)
        self.order = order


class MoveForm(OrderForm):
    """A form for one move of the table: its inputs, no more (the table decides)."""

    def __init__(self, order: Order, to: str, move: table.Move, data=None):
        super().__init__(order, data, prefix=to)
        for name in move.inputs:
            required = name in move.required
            if name == "reason":
                reasons = [r for r in move.reasons if r != table.CancellationReason.DUPLICATE]
                self.fields["reason"] = forms.ChoiceField(
                    label="Reason",
                    choices=[("", "Choose…")] + [(r, REASON_LABELS[r]) for r in reasons],
                )
            elif name == "notes":
                label = "What was found" if to == OrderStatus.INSPECTED else "Notes"
                self.fields["notes"] = textarea(label, required=required)
            elif name == "final_price":
                self.fields["final_price"] = forms.IntegerField(
                    label="Final price (₹)",
                    min_value=0,
                    help_text=f"Estimate: {format_inr(order.estimated_price)}",
                )
            elif name == "items":
                self._item_fields(order)
            elif name == "reference":
                self.fields["reference"] = forms.CharField(
                    label="Payment reference",
                    max_length=100,
                    help_text="UPI transaction id or bank UTR",
                )
            elif name == "slot_id":
                self.fields["slot_id"] = forms.TypedChoiceField(
                    label="Pickup slot",
                    coerce=int,
                    required=required,
                    empty_value=None,
                    choices=[
                        ("", "Keep the current slot" if not required else "Choose…"),
                        *slot_choices(order),
                    ],
                )
            elif name == "vendor_id":
                self.fields["vendor_id"] = forms.TypedChoiceField(
                    label="Vendor",
                    coerce=int,
                    required=False,
                    empty_value=None,
                    choices=vendor_choices(order),
                )
            # "duplicate_of": X4 has its own form (MarkDuplicateForm)
        if to == OrderStatus.INSPECTED:  # O4: the second confirmation of a far price
            self.fields["price_band_reason"] = textarea(
                "Reason, if the price is far from the estimate",
                help_text="Needed only above {} or below {} (the band around the estimate).".format(
                    *map(format_inr, effects.band_limits(order.estimated_price))
                ),
            )

    def _item_fields(self, order: Order) -> None:
        """Issue 15 item 4: an order of several devices is inspected device by device: each
        accepted (with its price, and how many of a line of identical devices) or returned.
        The order's final price is then their sum (the field may be left empty)."""
        self.item_lines = list(order.items.select_related("variant__model__brand"))
        if len(self.item_lines) == 1 and self.item_lines[0].quantity == 1:
            self.item_lines = []  # one device: the final price is its price, as before
            return
        self.fields["final_price"].required = False
        self.fields["final_price"].help_text = (
            f"Estimate: {format_inr(order.estimated_price)}. Leave empty: the sum of the "
            "accepted devices' prices."
        )
        for line in self.item_lines:
            p = line.position
            self.fields[f"item_{p}_outcome"] = forms.ChoiceField(
                label=f"Device {p}: {line} (estimate {format_inr(line.estimated_price)})",
                choices=[
                    (ItemOutcome.ACCEPTED, "Accepted"),
                    (ItemOutcome.RETURNED, "Returned to the customer"),
                ],
            )
            self.fields[f"item_{p}_price"] = forms.IntegerField(
                label=f"Device {p}: final price (₹)", min_value=0, required=False
            )
            if line.quantity > 1:
                self.fields[f"item_{p}_quantity"] = forms.IntegerField(
                    label=f"Device {p}: how many accepted",
                    min_value=1,
                    max_value=line.quantity,
                    required=False,
                    initial=line.quantity,
                )

    def clean(self):
        data = super().clean()
        if not getattr(self, "item_lines", None):
            return data
        items, total = [], 0
        for line in self.item_lines:
            p = line.position
            outcome = data.pop(f"item_{p}_outcome", None)
            price = data.pop(f"item_{p}_price", None)
            quantity = data.pop(f"item_{p}_quantity", None)
            if outcome is None:
                continue
            entry = {"position": p, "outcome": outcome}
            if outcome == ItemOutcome.ACCEPTED:
                if price is None:
                    self.add_error(None, f"Device {p}: give its final price, or mark it returned.")
                    continue
                entry["final_price"] = price
                total += price
                if quantity is not None:
                    entry["accepted_quantity"] = quantity
            items.append(entry)
        data["items"] = items
        if data.get("final_price") is None:
            data["final_price"] = total
        return data


# --- the non-moving actions (transitions.ACTIONS) ------------------------------------


class NotesForm(OrderForm):
    """An action with no inputs of its own (accept_final_price): notes only."""

    notes = textarea("Notes", required=False)


class ReassignVendorForm(OrderForm):
    vendor_id = forms.TypedChoiceField(
        label="New vendor", coerce=int, required=False, empty_value=None
    )
    notes = textarea("Notes", required=False)

    def __init__(self, order: Order, data=None, *, prefix: str):
        super().__init__(order, data, prefix=prefix)
        self.fields["vendor_id"].choices = vendor_choices(order, exclude_id=order.vendor_id)


class AmendSlotForm(OrderForm):
    slot_id = forms.TypedChoiceField(label="New pickup slot", coerce=int)
    notes = textarea("Notes", required=False)

    def __init__(self, order: Order, data=None, *, prefix: str):
        super().__init__(order, data, prefix=prefix)
        self.fields["slot_id"].choices = [("", "Choose…"), *slot_choices(order)]


class AddressForm(OrderForm):
    line1 = forms.CharField(label="Address line 1", max_length=200)
    line2 = forms.CharField(label="Address line 2", required=False, max_length=200)
    landmark = forms.CharField(label="Landmark", max_length=120)
    city = forms.CharField(label="City", max_length=80)
    pincode = forms.CharField(label="Pincode", max_length=6)
    notes = textarea("Notes", required=False)

    def __init__(self, order: Order, data=None, *, prefix: str):
        super().__init__(order, data, prefix=prefix)
        self.fields["city"].initial = order.address.city


class PaymentForm(OrderForm):
    method = forms.ChoiceField(label="Payment method", choices=PaymentMethod.choices)
    upi_id = forms.CharField(label="UPI ID", required=False, max_length=100)
    account_number = forms.CharField(label="Account number", required=False, max_length=20)
    ifsc = forms.CharField(label="IFSC", required=False, max_length=11)
    notes = textarea("Notes", required=False)


class DeviceForm(OrderForm):
    """M2/M3 again for a new device: the variant, the condition answers (``q_<key>``), and
    the customer's consent to the new estimate."""

    def __init__(self, order: Order, data=None, *, prefix: str):
        super().__init__(order, data, prefix=prefix)
        device_type = order.variant.model.device_type
        self.fields["variant_id"] = forms.TypedChoiceField(
            label="Model and variant",
            coerce=int,
            initial=order.variant_id,
            choices=[(v.pk, str(v)) for v in active_variants_of_type(device_type)],
        )
        for question in questionnaire(device_type):
            self.fields[f"q_{question.key}"] = forms.ChoiceField(
                label=question.text,
                initial=order.answers.get(question.key),
                choices=[(o.key, o.label) for o in question.options.all()],
            )
        self.fields["consent_confirmed"] = forms.BooleanField(
            label="The customer heard the new estimate and agreed", required=False
        )
        self.fields["consent_statement"] = forms.CharField(
            label="The customer's words",
            required=False,
            max_length=300,
            help_text='e.g. "Yes, please place the order"',
        )
        self.fields["notes"] = textarea("Notes", required=False)

    def answers(self) -> dict:
        return {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("q_")}


class ReportDelayForm(OrderForm):
    expected_window = forms.CharField(
        label="Now expected", max_length=60, help_text="e.g. 14:00-15:00"
    )
    notes = textarea("Notes", required=False)


class MarkDuplicateForm(OrderForm):
    duplicate_of = forms.CharField(
        label="Duplicate of order number", max_length=20, help_text="the order that stays"
    )
    notes = textarea("Notes", required=False)


ACTION_FORMS: dict[str, type[OrderForm]] = {
    "reassign_vendor": ReassignVendorForm,
    "amend_slot": AmendSlotForm,
    "amend_address": AddressForm,
    "amend_payment": PaymentForm,
    "amend_device": DeviceForm,
    "report_delay": ReportDelayForm,
    "mark_duplicate": MarkDuplicateForm,
}


def action_form(order: Order, name: str, data=None) -> OrderForm:
    """The form for a non-moving action of ``transitions.ACTIONS`` (prefix = its name)."""
    return ACTION_FORMS.get(name, NotesForm)(order, data, prefix=name)
